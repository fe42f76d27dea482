/**
 * Refusing a PostgreSQL database that is not Palimpsest's before migrations create anything in it: a --db URL naming
 * another application's database is answered with the tables found there, and the database is left as it was.
 */
import { describeTables, ForeignDatabaseError } from '../foreign.js';
import { hasCode, row, rows, type Db } from './db.js';

/**
 * Tables, views and foreign tables a user created, in any schema: not the system's, and not an extension's
 * (PostGIS's spatial_ref_sys, say, does not make a database someone else's). Named with their schema when it is
 * not the current one.
 */
const USER_RELATIONS = `SELECT CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/** Whether schema_migrations (in the current schema) is Palimpsest's: its columns, and what version 1 is called. */
async function ourMigrations(db: Db, firstMigration: string): Promise<'empty' | 'ours' | 'other'> {
  const cols = await rows<{ c: string }>(db, `SELECT attname AS c FROM pg_attribute
    WHERE attrelid = to_regclass('schema_migrations') AND attnum > 0 AND NOT attisdropped`);
  const names = cols.map((r) => r.c);
  if (!['version', 'name', 'applied_at'].every((c) => names.includes(c))) return 'other';
  try {
    const first = await row<{ name: string }>(db, 'SELECT name FROM schema_migrations WHERE version = 1');
    if (first) return first.name === firstMigration ? 'ours' : 'other';
    return (await row<{ n: number }>(db, 'SELECT count(*)::int AS n FROM schema_migrations'))?.n === 0 ? 'empty' : 'other';
  } catch (err) {
    // A table of that name whose columns do not compare as ours (42883: no such operator).
    if (hasCode(err, '42883') || hasCode(err, '42804')) return 'other';
    throw err;
  }
}

/**
 * Throws ForeignDatabaseError when the database has tables but is not a Palimpsest database. Reads only. An empty
 * database is new; one with only an empty schema_migrations of Palimpsest's shape is a first migration that failed.
 */
export async function assertPalimpsestDatabase(db: Db, location: string, firstMigration: string): Promise<void> {
  const tables = (await rows<{ name: string }>(db, USER_RELATIONS)).map((r) => r.name);
  if (tables.length === 0) return;
  if (tables.includes('schema_migrations')) {
    const kind = await ourMigrations(db, firstMigration);
    if (kind === 'ours' || (kind === 'empty' && tables.length === 1)) return;
  }
  throw new ForeignDatabaseError(location, describeTables(tables));
}
