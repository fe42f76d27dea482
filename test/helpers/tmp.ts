/** Temporary directories and databases for tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/store/index.js';

/** A new empty temporary directory. */
export function tmpDir(prefix = 'palimpsest-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh migrated database in a temporary directory, and a function removing both. */
export function tmpDb(): { db: Db; file: string; dir: string; cleanup: () => void } {
  const dir = tmpDir();
  const file = path.join(dir, 'test.db');
  const db = openDb(file);
  return { db, file, dir, cleanup: () => { try { db.close(); } catch { /* already closed */ } fs.rmSync(dir, { recursive: true, force: true }); } };
}
