/**
 * The numbered migration files of both backends: SQLite's in `migrations/`, PostgreSQL's in `migrations/postgres/`
 * (a sequence of their own). Where they are and how they are read; applying them is each backend's db.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One migration file: its number, its name and its SQL. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The folder `parts` (e.g. migrations/postgres) in this module's folder or one of the `levels` - 1 above it: from
 * `src/store/` under ts the repository is 2 levels up, from `dist/src/store/` once built, 3.
 */
function findFolder(parts: readonly string[], levels: number): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < levels; i++) {
    const candidate = path.join(dir, ...parts);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`store: cannot find the ${parts.join('/')}/ folder`);
}

/** The repository's `migrations/` folder of SQLite migrations. */
export function sqliteMigrationsDir(): string {
  return findFolder(['migrations'], 4);
}

/** The repository's `migrations/postgres/` folder of PostgreSQL migrations. */
export function postgresMigrationsDir(): string {
  // One level more than SQLite's: the reach each backend's own search had from src/store/<backend>/.
  return findFolder(['migrations', 'postgres'], 5);
}

/**
 * Reads the `NNNN_name.sql` files of `dir` in order; refuses gaps and duplicates so a broken checkout fails loudly.
 * `label` names a file in that error ('migration', 'PostgreSQL migration').
 */
export function readMigrations(dir: string, label: string): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return files.map((file, i) => {
    const version = Number(file.slice(0, 4));
    if (version !== i + 1) throw new Error(`store: ${label} ${file} is out of sequence (expected ${i + 1})`);
    return { version, name: file, sql: fs.readFileSync(path.join(dir, file), 'utf8') };
  });
}
