/**
 * The storage layer: every SQL query of Palimpsest lives under src/store, behind one asynchronous interface
 * (`Store`) with two backends: SQLite (src/store/sqlite, the embedded default) and PostgreSQL (src/store/postgres,
 * shared by many processes). Callers open a store with `openStore` and never learn which backend they talk to.
 */
export * from './store.js';
export * from './types.js';
export * from './notify-types.js';
export * from './render-types.js';
export * from './export-types.js';
export * from './search-terms.js';
export * from './body-codec.js';
export type { DeltaBase, Encoded } from './delta-codec.js';
export type { CompactKind, CompactStep, LegacyCounts, StoredBytes } from './delta-store.js';
export * from './hash.js';
export * from './open.js';
export { ForeignDatabaseError } from './foreign.js';
