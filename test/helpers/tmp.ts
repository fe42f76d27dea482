/**
 * Temporary directories and stores for tests. The backend is SQLite unless the test runs in jest's "postgres"
 * project (PALIMPSEST_TEST_BACKEND=postgres), where each store is a fresh database on the throw-away cluster named by
 * PALIMPSEST_TEST_PG (started by .ci/run through scripts/pg-test-cluster.sh).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';

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

/** A fresh, empty database target on the test's backend (for tests that start CLI processes on it). */
export async function tmpTarget(): Promise<TmpTarget> {
  const dir = tmpDir();
  if (testBackend() === 'sqlite') {
    return { target: path.join(dir, 'test.db'), dir, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const base = process.env.PALIMPSEST_TEST_PG;
  if (!base) throw new Error('test: the postgres project needs PALIMPSEST_TEST_PG (see scripts/pg-test-cluster.sh)');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${++serial}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    target: withDatabase(base, name),
    dir,
    cleanup: async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh migrated store on the test's backend. */
export interface TmpStore extends TmpTarget {
  store: Store;
}

/** Opens a fresh migrated store in a temporary database; `cleanup` closes and removes it. */
export async function tmpStore(): Promise<TmpStore> {
  const t = await tmpTarget();
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
