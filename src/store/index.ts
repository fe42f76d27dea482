/** The storage layer: every SQL query of Palimpsest lives under src/store. */
export * from './db.js';
export * from './types.js';
export * from './articles.js';
export * from './versions.js';
export * from './responses.js';
export * from './body-codec.js';
export * from './checks.js';
export * from './web-queries.js';
export * from './sources.js';
export * from './export-queries.js';
export * from './scheduler-queries.js';
export * from './search.js';
