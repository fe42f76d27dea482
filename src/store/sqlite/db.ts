/** Opening the SQLite database and applying the numbered migrations in `migrations/`. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readMigrations, sqliteMigrationsDir, type Migration } from '../migrations.js';
import { assertPalimpsestFile } from './foreign.js';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/** Reads the SQLite migrations (`NNNN_name.sql` in `migrations/`, or in `dir`) in order; refuses gaps and duplicates. */
export function loadMigrations(dir = sqliteMigrationsDir()): Migration[] {
  return readMigrations(dir, 'migration');
}

/** The schema version recorded in the database (0 for an empty database). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the database's schema version, each in its own transaction that also
 * records the new version (PRAGMA user_version and a row in schema_migrations). Returns the versions applied.
 */
export function migrate(db: Db, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new Error(`store: the database is at schema version ${current}, newer than this Palimpsest (${latest}); upgrade Palimpsest`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}

/** Options for opening the database. */
export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
}

/** Page size of new databases, and of a database `compact --vacuum` rewrites (SQLite's default is 4096). */
export const PAGE_SIZE = 16384;

/**
 * Opens (creating folders as needed) the database at `file` in WAL mode with foreign keys on, migrated. An existing
 * file that is not a Palimpsest database (nor empty) is refused before anything is written to it (see foreign.ts).
 */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:' && file !== '') assertPalimpsestFile(file, loadMigrations()[0]?.name ?? '0001_init.sql');
  if (file !== ':memory:' && !opts.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new Error(`store: cannot open database ${file}: ${(err as Error).message}`);
  }
  // A new file gets larger pages before WAL mode fixes its page size: version rows of a kilobyte or more leave much of
  // a 4 KB page unused (16 % of the versions table at 100k versions), far less of a 16 KB one (see PAGE_SIZE).
  if (!opts.readonly && schemaVersion(db) === 0 && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma(`page_size = ${PAGE_SIZE}`);
  if (!opts.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  if (opts.migrate !== false && !opts.readonly) migrate(db);
  return db;
}

const cache = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement for `sql`, prepared once per connection. */
export function stmt(db: Db, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) {
    m = new Map();
    cache.set(db, m);
  }
  let s = m.get(sql);
  if (!s) {
    s = db.prepare(sql);
    m.set(sql, s);
  }
  return s;
}
