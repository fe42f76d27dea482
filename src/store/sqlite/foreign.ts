/**
 * Refusing a SQLite file that is not a Palimpsest database before anything writes to it. Opening a database
 * switches it to WAL mode and migrates it, so a mistyped --db (another application's database) would be altered
 * before any query failed. The file is looked at read-only first: its schema straight from the file
 * (file-schema.ts, which creates nothing), or, when another process has it open in WAL mode (its -wal file exists),
 * through a read-only SQLite connection, which then creates nothing either.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { hasSqliteHeader, readFileRows, readFileSchema } from './file-schema.js';
import { describeTables, ForeignDatabaseError } from '../foreign.js';

/** What the decision needs to know about a database. */
export interface SchemaFacts {
  /** PRAGMA user_version: Palimpsest's schema version, or whatever another application keeps there. */
  userVersion: number;
  tables: string[];
  /** The CREATE statement of schema_migrations, or null when there is no such table. */
  migrationsSql: string | null;
  /** Rows of schema_migrations (version, name); empty when there is no such table. */
  migrations: Array<{ version: number; name: string | null }>;
}

/** The facts from the file itself, or null when they cannot be read so (or a writer changed the file meanwhile). */
function factsFromFile(file: string): SchemaFacts | null {
  try {
    const schema = readFileSchema(file);
    const sm = schema.tables.find((t) => t.name === 'schema_migrations');
    const migrations = sm && sm.rootPage > 0
      ? readFileRows(file, sm.rootPage, 2).map((r) => ({ version: r.rowid, name: typeof r.values[1] === 'string' ? r.values[1] : null }))
      : [];
    // No lock is taken: a writer in the middle of a transaction could have shown a torn schema.
    if (readFileSchema(file).changeCounter !== schema.changeCounter) return null;
    return { userVersion: schema.userVersion, tables: schema.tables.map((t) => t.name), migrationsSql: sm?.sql ?? null, migrations };
  } catch {
    return null;
  }
}

/** The facts through a read-only SQLite connection (which takes SQLite's locks). */
function factsFromSqlite(file: string): SchemaFacts {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`store: cannot open database ${file}: ${(err as Error).message}`);
  }
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string; sql: string | null }>;
    const sm = tables.find((t) => t.name === 'schema_migrations');
    let migrations: SchemaFacts['migrations'] = [];
    if (sm) {
      try {
        migrations = db.prepare('SELECT version, name FROM schema_migrations').all() as SchemaFacts['migrations'];
      } catch {
        // Not our table's shape (no name column): the decision below refuses it.
      }
    }
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    return { userVersion, tables: tables.map((t) => t.name), migrationsSql: sm?.sql ?? null, migrations };
  } catch (err) {
    throw new Error(`store: cannot read database ${file}: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

/**
 * Null when `facts` describe an empty database or a Palimpsest one, else why not. Palimpsest's own: a
 * schema_migrations table of its shape (version, name, applied_at) whose version 1 is `firstMigration`, or one with
 * no rows yet and no other table (a first migration that failed). An empty database whose user_version another
 * application has set is not empty to Palimpsest: its migrations would take that number for their own.
 */
export function foreignReason(facts: SchemaFacts, firstMigration: string): string | null {
  const tables = facts.tables.filter((t) => !t.startsWith('sqlite_')).sort();
  if (tables.length === 0) return facts.userVersion === 0 ? null : `it has no tables but its user_version is ${facts.userVersion}`;
  const ours = facts.migrationsSql !== null && /\bname\b/i.test(facts.migrationsSql) && /\bapplied_at\b/i.test(facts.migrationsSql);
  if (ours) {
    if (facts.migrations.length === 0 && tables.length === 1) return null;
    if (facts.migrations.some((m) => m.version === 1 && m.name === firstMigration)) return null;
  }
  return describeTables(tables);
}

/**
 * Throws ForeignDatabaseError when `file` exists, is not empty and is not a Palimpsest database (or not a SQLite
 * file at all), leaving it and its folder untouched. A missing or empty file is a new database.
 */
export function assertPalimpsestFile(file: string, firstMigration: string): void {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return; // a folder or device: SQLite's own error says it
    size = st.size;
  } catch {
    return;
  }
  if (size === 0) return;
  const refuse = (why: string): never => {
    throw new ForeignDatabaseError(file, why);
  };
  if (size < 100 || !hasSqliteHeader(file)) refuse('it is not a SQLite file');
  // With a -wal file, the file alone may not hold the latest schema; SQLite then reads both and creates nothing.
  const facts = (!fs.existsSync(`${file}-wal`) && factsFromFile(file)) || factsFromSqlite(file);
  const why = foreignReason(facts, firstMigration);
  if (why) refuse(why);
}
