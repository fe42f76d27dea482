/** Opening a store: a PostgreSQL URL selects PostgreSQL, anything else is a SQLite file path. */
import type { Store } from './store.js';

/** Options for opening a store. */
export interface OpenStoreOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Open read-only (SQLite; the file must exist). */
  readonly?: boolean;
}

/** True when `target` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens the database at `target`, applying pending migrations unless told not to. Backends are loaded on demand, so
 * a SQLite user never loads the PostgreSQL driver and the other way round.
 */
export async function openStore(target: string, opts: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(target)) {
    const { openPostgresStore } = await import('./postgres/store.js');
    return openPostgresStore(target, opts);
  }
  const { openSqliteStore } = await import('./sqlite/store.js');
  return openSqliteStore(target, opts);
}
