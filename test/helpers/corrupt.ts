/**
 * Damaging a copy of a SQLite database the way a failing disk or a bad copy would: one page of a table overwritten
 * with garbage. SQLite only (PostgreSQL has no file to damage); the original file is left alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Where a table's b-tree starts and how large a page is, read by SQLite in a process of its own: loading
 * better-sqlite3 into a test file's module registry would leave its error class behind for the next test file of
 * the same jest worker, whose SQLite errors would then not be `Error`s there.
 */
function tableRoot(file: string, table: string): { page: number; pageSize: number } {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?").get(process.argv[2]);
    console.log(JSON.stringify({ page: row ? row.rootpage : null, pageSize: db.pragma('page_size', { simple: true }) }));
    db.close();`;
  const r = spawnSync(process.execPath, ['-e', script, file, table], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test: cannot read the schema of ${file}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { page: number | null; pageSize: number };
  if (out.page === null) throw new Error(`test: no table ${table} in ${file}`);
  return { page: out.page, pageSize: out.pageSize };
}

/**
 * Copies the closed database `src` to `dest` and overwrites the root page of `table` in the copy with garbage.
 * Returns the page number. Indexes stay intact, so queries answered from an index alone still succeed.
 */
export function corruptTableRoot(src: string, dest: string, table: string): number {
  if (fs.existsSync(`${src}-wal`) && fs.statSync(`${src}-wal`).size > 0) throw new Error(`test: close ${src} first (its -wal file holds data)`);
  fs.copyFileSync(src, dest);
  const { page, pageSize } = tableRoot(dest, table);
  for (const extra of ['-wal', '-shm']) fs.rmSync(`${dest}${extra}`, { force: true });
  const fd = fs.openSync(dest, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
  return page;
}
