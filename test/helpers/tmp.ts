/**
 * Temporary directories and stores for tests. The backend is SQLite unless the test runs in jest's "postgres"
 * project (PALIMPSEST_TEST_BACKEND=postgres), where each store is a fresh database on the throw-away cluster named by
 * PALIMPSEST_TEST_PG (started by .ci/run through scripts/pg-test-cluster.sh).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';
import { postgresMigrationsDir, readMigrations, sqliteMigrationsDir } from '../../src/store/migrations.js';

/** A new empty temporary directory. */
export function tmpDir(prefix = 'palimpsest-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The backend the current test file runs on. */
export function testBackend(): 'sqlite' | 'postgres' {
  return process.env.PALIMPSEST_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
}

let serial = 0;

/** The PostgreSQL URL of the test cluster with another database name. */
function withDatabase(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A database target (SQLite file path or PostgreSQL URL) that nothing has opened yet, and its removal. */
export interface TmpTarget {
  /** What `--db` takes: a file path or a postgres:// URL. */
  target: string;
  /** A temporary folder the test may use for other files. */
  dir: string;
  cleanup: () => Promise<void>;
}

/** Runs `sql` on its own connection to the cluster's database named by `base`. */
async function adminQuery(base: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A unique PostgreSQL database name for this process. */
function pgName(): string {
  return `t_${process.pid}_${Date.now().toString(36)}_${++serial}`;
}

/** The test cluster's URL, or an error naming the script that starts one. */
function clusterBase(): string {
  const base = process.env.PALIMPSEST_TEST_PG;
  if (!base) throw new Error('test: the postgres project needs PALIMPSEST_TEST_PG (see scripts/pg-test-cluster.sh)');
  return base;
}

/** A PostgreSQL target named `name` (already created) with its temporary folder; `cleanup` drops it. */
function pgTarget(base: string, name: string, dir: string): TmpTarget {
  return {
    target: withDatabase(base, name),
    dir,
    cleanup: async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A fresh, empty database target on the test's backend (for tests that start CLI processes on it). */
export async function tmpTarget(): Promise<TmpTarget> {
  const dir = tmpDir();
  if (testBackend() === 'sqlite') {
    return { target: path.join(dir, 'test.db'), dir, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const base = clusterBase();
  const name = pgName();
  await adminQuery(base, `CREATE DATABASE ${name}`);
  return pgTarget(base, name, dir);
}

/** Every file under `dir`, sorted, with its path. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * A short hash of every migration file of both backends and of the store's sources (which decide what opening a new
 * database writes besides the migrations, e.g. its pragmas): the key of the migrated templates below, so a template
 * is never used after either changed.
 */
function migrationsKey(): string {
  if (key) return key;
  const h = createHash('sha256');
  for (const m of [...readMigrations(sqliteMigrationsDir(), 'migration'), ...readMigrations(postgresMigrationsDir(), 'PostgreSQL migration')]) {
    h.update(`${m.name}\0${m.sql}\0`);
  }
  const storeSrc = path.resolve(path.dirname(sqliteMigrationsDir()), 'src', 'store');
  for (const f of filesUnder(storeSrc)) h.update(`${path.relative(storeSrc, f)}\0`).update(fs.readFileSync(f)).update('\0');
  key = h.digest('hex').slice(0, 12);
  return key;
}
let key: string | undefined;

/**
 * A SQLite file that openStore has migrated, shared by every test process through the temporary folder (written
 * under another name and renamed into place, so no process copies a half-written one). Migrating once and copying
 * the file gives each test the same database the migrations give, without running them again for every store.
 */
async function sqliteTemplate(): Promise<string> {
  const file = path.join(os.tmpdir(), `palimpsest-test-template-${migrationsKey()}.db`);
  if (fs.existsSync(file)) return file;
  const dir = tmpDir('palimpsest-template-');
  try {
    const building = path.join(dir, 'template.db');
    const store = await openStore(building);
    await store.close();
    // Closing the last connection checkpoints the write-ahead log into the file; a log left behind would be lost.
    if (fs.existsSync(`${building}-wal`) && fs.statSync(`${building}-wal`).size > 0) {
      throw new Error('test: the migrated template kept a write-ahead log after closing');
    }
    fs.renameSync(building, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return file;
}

/** Keeps two test processes from building the same PostgreSQL template at once. */
const TEMPLATE_LOCK = 0x7061_6c31;

/**
 * The name of a PostgreSQL database that openStore has migrated, kept on the test cluster as a template: new test
 * databases are copies of it (CREATE DATABASE ... TEMPLATE), which is what running the migrations on an empty one
 * gives, in a fraction of the time. Built once per migration set under an advisory lock, then renamed into place.
 */
async function pgTemplate(base: string): Promise<string> {
  const name = `tpl_${migrationsKey()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      const building = `${name}_build`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      const store = await openStore(withDatabase(base, building));
      await store.close();
      // WITH (FORCE) is not allowed on RENAME: wait for the closed pool's sessions to be gone.
      await retryBusy(() => admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`));
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
  return name;
}

/** Runs `fn` again while PostgreSQL answers that a database is still being accessed (sessions closing), up to 10 s. */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 100 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A fresh SQLite database file, already migrated (a copy of the migrated template), in a new temporary folder. */
export async function migratedSqliteTarget(): Promise<TmpTarget> {
  const dir = tmpDir();
  const target = path.join(dir, 'test.db');
  fs.copyFileSync(await sqliteTemplate(), target);
  return { target, dir, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * How test databases are copied from the template: PostgreSQL 15+ copies file by file when asked. Its default
 * writes every block of the template through the write-ahead log; for this small template on the test cluster
 * (fsync off) the file copy costs about a fifth less server CPU and time per database. Older servers know only the
 * one way. Decided once per test file.
 */
let copyStrategy: string | undefined;

/** Creates database `name` as a copy of `template` on the cluster at `base`, the quicker way the server knows. */
async function copyDatabase(base: string, name: string, template: string): Promise<void> {
  if (copyStrategy === undefined) {
    try {
      await retryBusy(() => adminQuery(base, `CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`));
      copyStrategy = ' STRATEGY FILE_COPY';
      return;
    } catch (err) {
      // 42601: a server before 15, which has no STRATEGY option.
      if ((err as { code?: string }).code !== '42601') throw err;
      copyStrategy = '';
    }
  }
  await retryBusy(() => adminQuery(base, `CREATE DATABASE ${name} TEMPLATE ${template}${copyStrategy}`));
}

/** A fresh PostgreSQL database on the cluster at `base`, already migrated (a copy of the migrated template). */
export async function migratedPostgresTarget(base: string): Promise<TmpTarget> {
  const dir = tmpDir();
  const template = await pgTemplate(base);
  const name = pgName();
  await copyDatabase(base, name, template);
  return pgTarget(base, name, dir);
}

/** A fresh database target on the test's backend, already migrated (a copy of the migrated template). */
export async function migratedTarget(): Promise<TmpTarget> {
  return testBackend() === 'sqlite' ? migratedSqliteTarget() : migratedPostgresTarget(clusterBase());
}

/** A fresh migrated store on the test's backend. */
export interface TmpStore extends TmpTarget {
  store: Store;
}

/** Opens a fresh migrated store in a temporary database; `cleanup` closes and removes it. */
export async function tmpStore(): Promise<TmpStore> {
  const t = await migratedTarget();
  const store = await openStore(t.target);
  return {
    ...t,
    store,
    cleanup: async () => {
      await store.close().catch(() => undefined);
      await t.cleanup();
    },
  };
}
