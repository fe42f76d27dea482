/**
 * A mistyped --db naming another application's database is refused before anything is written to it: the message
 * names the tables found there and says to check --db, and the database is left exactly as it was (SQLite: the
 * file byte-identical and no -wal or -shm file created beside it, even for a database in WAL mode; PostgreSQL: no
 * table or extension created). A brand-new database, an empty file and Palimpsest's own databases still open.
 *
 * The SQLite cases are SQLite-specific (a foreign file is made with better-sqlite3, as another application would)
 * and run in the sqlite project; the PostgreSQL cases make a foreign database with pg and run in the postgres one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ForeignDatabaseError, openStore } from '../src/store/index.js';
import { requireBuiltCli, runCli, type CliResult } from './helpers/processes.js';
import { testBackend, tmpDir, tmpTarget } from './helpers/tmp.js';


/**
 * Runs SQL on a SQLite file with better-sqlite3 in a process of its own, as another application would. Not in this
 * file's module registry: better-sqlite3 loaded there would leave its error class behind for the next test file of
 * the same jest worker.
 */
function sqliteApp(file: string, journalMode: 'delete' | 'wal', sql: string): void {
  const script = `const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('journal_mode = ' + process.argv[2]);
    db.exec(process.argv[3]);
    db.close();`;
  const r = spawnSync(process.execPath, ['-e', script, file, journalMode, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test: sqlite app failed: ${r.stderr}`);
}

async function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { PALIMPSEST_CONFIG: '', PALIMPSEST_DB: '' }, { timeoutMs: 30_000 });
}

beforeAll(() => requireBuiltCli());

const describeSqlite = testBackend() === 'sqlite' ? describe : describe.skip;
const describePg = testBackend() === 'postgres' ? describe : describe.skip;

describeSqlite('a foreign SQLite file (SQLite-specific)', () => {
  let dir: string;
  beforeAll(() => { dir = tmpDir(); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * Another application's database: its own tables and rows, in `mode` (SQLite's default journal, or WAL), with a
   * schema_migrations table of its own (another framework's, without Palimpsest's columns) when `migrations`.
   */
  function foreignDb(name: string, mode: 'delete' | 'wal', migrations: boolean): string {
    const file = path.join(dir, name);
    sqliteApp(file, mode, `CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL);
      INSERT INTO customers (name) VALUES ('Ada'), ('Grace');
      ${migrations ? "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000');" : ''}`);
    return file;
  }

  /** The file's bytes and the folder's listing, to compare after a refusal. */
  function snapshot(file: string): { bytes: Buffer; files: string[]; mtimeMs: number } {
    return { bytes: fs.readFileSync(file), files: fs.readdirSync(path.dirname(file)).sort(), mtimeMs: fs.statSync(file).mtimeMs };
  }

  for (const [mode, migrations] of [['delete', true], ['wal', false]] as const) {
    it(`refuses a ${mode === 'wal' ? 'WAL-mode' : 'rollback-journal'} database through openStore and the CLI, leaving it byte-identical`, async () => {
      const file = foreignDb(`shop-${mode}.db`, mode, migrations);
      const tables = `customers, invoices${migrations ? ', schema_migrations' : ''}`;
      const before = snapshot(file);
      expect(before.files).not.toContain(`shop-${mode}.db-wal`);
      await expect(openStore(file)).rejects.toThrow(ForeignDatabaseError);
      await expect(openStore(file)).rejects.toThrow(
        `store: ${file} is not a Palimpsest database (it has tables ${tables}); check --db`);
      await expect(openStore(file, { readonly: true })).rejects.toThrow(/is not a Palimpsest database/);
      for (const args of [['--db', file, 'check'], ['--db', file, 'migrate'], ['--db', file, 'track', 'https://news.example/a']]) {
        const r = await cli(args);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`${file} is not a Palimpsest database (it has tables ${tables}); check --db`);
      }
      expect(snapshot(file)).toEqual(before);
    });
  }

  it('refuses a file that is not a SQLite database at all, untouched', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'Shopping list: bread, milk, a new database path.\n'.repeat(10));
    const before = snapshot(file);
    await expect(openStore(file)).rejects.toThrow(`store: ${file} is not a Palimpsest database (it is not a SQLite file); check --db`);
    expect(snapshot(file)).toEqual(before);
  });

  it('refuses a database without tables whose user_version another application set, untouched', async () => {
    const file = path.join(dir, 'versioned.db');
    sqliteApp(file, 'delete', 'PRAGMA user_version = 5');
    const before = snapshot(file);
    await expect(openStore(file)).rejects.toThrow(`store: ${file} is not a Palimpsest database (it has no tables but its user_version is 5); check --db`);
    expect(snapshot(file)).toEqual(before);
  });

  it('opens a brand-new file, an empty file and its own databases (closed, and open in another connection)', async () => {
    const fresh = path.join(dir, 'new', 'palimpsest.db');
    const empty = path.join(dir, 'empty.db');
    fs.writeFileSync(empty, '');
    for (const file of [fresh, empty]) {
      const store = await openStore(file);
      expect(await store.schemaVersion()).toBeGreaterThan(0);
      await store.insertArticle('https://news.example/kept', new Date().toISOString());
      await store.close();
      // Closed cleanly (no -wal file): read from the file itself.
      const again = await openStore(file);
      expect((await again.getArticleByUrl('https://news.example/kept'))?.url).toBe('https://news.example/kept');
      // While it is open (its -wal file exists), a second opener reads the schema through SQLite.
      const second = await openStore(file);
      expect(await second.schemaVersion()).toBe(await again.schemaVersion());
      await second.close();
      await again.close();
    }
    const r = await cli(['--db', fresh, 'track', 'https://news.example/cli']);
    expect(r.code).toBe(0);
  });
});

describePg('a foreign PostgreSQL database', () => {
  it('is refused untouched through openStore and the CLI; an empty database is migrated', async () => {
    const t = await tmpTarget();
    const c = new pg.Client({ connectionString: t.target });
    await c.connect();
    try {
      await c.query(`CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
        INSERT INTO customers (name) VALUES ('Ada'), ('Grace');
        INSERT INTO schema_migrations VALUES ('20240101000000')`);
      const state = async (): Promise<unknown> => ({
        relations: (await c.query(`SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2`)).rows,
        extensions: (await c.query('SELECT extname FROM pg_extension ORDER BY 1')).rows,
        customers: (await c.query('SELECT id, name FROM customers ORDER BY id')).rows,
        migrations: (await c.query('SELECT version FROM schema_migrations')).rows,
      });
      const before = await state();
      await expect(openStore(t.target)).rejects.toThrow(ForeignDatabaseError);
      await expect(openStore(t.target)).rejects.toThrow(/is not a Palimpsest database \(it has tables customers, schema_migrations\); check --db$/);
      await expect(openStore(t.target, { migrate: false })).rejects.toThrow(/is not a Palimpsest database/);
      for (const args of [['--db', t.target, 'check'], ['--db', t.target, 'migrate']]) {
        const r = await cli(args);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('is not a Palimpsest database (it has tables customers, schema_migrations); check --db');
      }
      expect(await state()).toEqual(before);
    } finally {
      await c.end();
      await t.cleanup();
    }
  });

  it('opens an empty database and its own databases again', async () => {
    const t = await tmpTarget();
    try {
      const store = await openStore(t.target);
      const version = await store.schemaVersion();
      expect(version).toBeGreaterThan(0);
      await store.close();
      const again = await openStore(t.target);
      expect(await again.schemaVersion()).toBe(version);
      await again.close();
      expect((await cli(['--db', t.target, 'track', 'https://news.example/pg'])).code).toBe(0);
    } finally {
      await t.cleanup();
    }
  });
});
