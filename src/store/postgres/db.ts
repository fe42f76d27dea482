/**
 * The PostgreSQL connection layer: what a query function is given (`Db`), how bigint columns come back, and the
 * numbered migrations in `migrations/postgres/`.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { postgresMigrationsDir, readMigrations, type Migration } from '../migrations.js';

/** What a query function runs its SQL on: the pool, or the client of a transaction. */
export interface Db {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The rows of a query. */
export async function rows<R extends pg.QueryResultRow>(db: Db, sql: string, params: unknown[] = []): Promise<R[]> {
  return (await db.query<R>(sql, params)).rows;
}

/** The first row of a query, or undefined. */
export async function row<R extends pg.QueryResultRow>(db: Db, sql: string, params: unknown[] = []): Promise<R | undefined> {
  return (await db.query<R>(sql, params)).rows[0];
}

/** Runs a statement; returns how many rows it changed. */
export async function run(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  return (await db.query(sql, params)).rowCount ?? 0;
}

/** True for a PostgreSQL error with this SQLSTATE (23505: unique_violation). */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function parseInt8(text: string): number {
  const n = Number(text);
  // Ids and counts stay far below 2^53; a larger value would silently lose digits as a number.
  if (!Number.isSafeInteger(n)) throw new Error(`store: bigint ${text} does not fit in a JavaScript number`);
  return n;
}

/**
 * Type parsers of Palimpsest's connections: bigint (ids, count(*)) as numbers like SQLite gives them. Set per
 * connection, not on pg's global parsers, so that other users of pg in the process keep theirs.
 */
export function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  return types;
}

/** A stable 64-bit advisory lock key for `name` (hashtext is 32 bits and not promised stable across versions). */
export function lockKey(name: string): bigint {
  return createHash('sha256').update(`palimpsest:${name}`).digest().readBigInt64BE(0);
}

/** Reads the PostgreSQL migrations (`NNNN_name.sql` in `migrations/postgres/`, or in `dir`) in order; refuses gaps and duplicates. */
export function loadMigrations(dir = postgresMigrationsDir()): Migration[] {
  return readMigrations(dir, 'PostgreSQL migration');
}

/** The schema version recorded in the database (0 for an empty database). */
export async function schemaVersion(db: Db): Promise<number> {
  // Two statements: PostgreSQL resolves every table a statement names before running it, even in a CASE branch
  // that is never taken, so an empty database would fail a single query.
  const exists = await row<{ t: string | null }>(db, "SELECT to_regclass('schema_migrations')::text AS t");
  if (!exists?.t) return 0;
  const r = await row<{ v: number | null }>(db, 'SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  return r?.v ?? 0;
}

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now())`;

/** The error for a database migrated by a newer Palimpsest. */
function newerSchema(current: number, latest: number): Error {
  return new Error(`store: the database is at schema version ${current}, newer than this Palimpsest (${latest}); upgrade Palimpsest`);
}

/**
 * Applies every migration newer than the database's schema version, each in its own transaction that also records
 * it in schema_migrations. Each transaction first takes an advisory lock and reads the version again, so that of
 * two processes starting at once, one migrates and the other finds nothing left to do. Returns the versions applied.
 */
export async function migrate(pool: pg.Pool, migrations = loadMigrations()): Promise<number[]> {
  const latest = migrations.length;
  const applied: number[] = [];
  const client = await pool.connect();
  try {
    for (;;) {
      await client.query('BEGIN');
      let next: Migration | undefined;
      try {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey('migrate').toString()]);
        await client.query(CREATE_SCHEMA_MIGRATIONS);
        const current = await schemaVersion(client);
        if (current > latest) throw newerSchema(current, latest);
        next = migrations.find((m) => m.version === current + 1);
        if (next) {
          await client.query(next.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [next.version, next.name]);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (next) throw new Error(`store: PostgreSQL migration ${next.name} failed: ${(err as Error).message}`, { cause: err });
        throw err;
      }
      if (!next) return applied;
      applied.push(next.version);
    }
  } finally {
    client.release();
  }
}
