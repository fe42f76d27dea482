/**
 * Reading the schema of a SQLite file without SQLite: the tables listed on its schema page (sqlite_schema) and the
 * rows of one table, straight from the file format (https://www.sqlite.org/fileformat2.html).
 *
 * Why not open it with SQLite read-only: a read-only connection to a database in WAL mode whose -wal file does not
 * exist creates the -wal and -shm files beside it (and leaves them). Before Palimpsest knows that the file given to
 * --db is one of its own databases, it must leave the file and its folder exactly as they were.
 *
 * Only what that decision needs is read: table b-trees (interior and leaf pages, overflow chains), record headers,
 * text and integers. Anything unexpected throws, so that the caller can fall back to asking SQLite.
 */
import fs from 'node:fs';

/** One value of a record: what the decision needs (blobs and floats are not looked at). */
export type FileValue = string | number | null;

/** One row of a table b-tree. */
export interface FileRow {
  rowid: number;
  values: FileValue[];
}

/** What the header and schema page of a SQLite file say. */
export interface FileSchema {
  userVersion: number;
  /** The file's change counter (bytes 24-27): a writer changing it during the read means the read may be torn. */
  changeCounter: number;
  /** Every table: its name, root page and CREATE statement. */
  tables: Array<{ name: string; rootPage: number; sql: string }>;
}

const MAGIC = 'SQLite format 3\0';
/** A bound on what one read may follow, so that a damaged or hostile file cannot make it loop or eat memory. */
const MAX_PAGES_VISITED = 100_000;
const MAX_PAYLOAD = 16 * 1024 * 1024;

/** True when the first 16 bytes of `file` are SQLite's magic string. */
export function hasSqliteHeader(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(16);
    return fs.readSync(fd, b, 0, 16, 0) === 16 && b.toString('latin1') === MAGIC;
  } finally {
    fs.closeSync(fd);
  }
}

/** A SQLite file opened for reading pages. */
class PageReader {
  readonly pageSize: number;
  readonly usable: number;
  readonly encoding: BufferEncoding;
  private visited = 0;

  constructor(private readonly fd: number, readonly header: Buffer) {
    if (header.toString('latin1', 0, 16) !== MAGIC) throw new Error('store: not a SQLite file');
    const raw = header.readUInt16BE(16);
    this.pageSize = raw === 1 ? 65536 : raw;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new Error('store: bad page size');
    this.usable = this.pageSize - header.readUInt8(20);
    const enc = header.readUInt32BE(56);
    // UTF-16 big-endian has no Node encoding; such a file is left to SQLite to read.
    if (enc === 2) this.encoding = 'utf16le';
    else if (enc === 1 || enc === 0) this.encoding = 'utf8';
    else throw new Error('store: unsupported text encoding');
  }

  page(n: number): Buffer {
    if (!Number.isInteger(n) || n < 1 || ++this.visited > MAX_PAGES_VISITED) throw new Error('store: bad page number');
    const b = Buffer.alloc(this.pageSize);
    if (fs.readSync(this.fd, b, 0, this.pageSize, (n - 1) * this.pageSize) !== this.pageSize) throw new Error('store: short page');
    return b;
  }
}

/** A varint at `at`: its value (as a number; rowids here stay far below 2^53) and its length. */
function varint(b: Buffer, at: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b.readUInt8(at + i);
    v = v * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return [v, i + 1];
  }
  return [v * 256 + b.readUInt8(at + 8), 9];
}

/** The whole payload of a table leaf cell, following its overflow chain. */
function payload(r: PageReader, page: Buffer, at: number, size: number): Buffer {
  if (size > MAX_PAYLOAD) throw new Error('store: payload too large');
  const u = r.usable;
  const maxLocal = u - 35;
  let local = size;
  if (size > maxLocal) {
    const minLocal = Math.floor(((u - 12) * 32) / 255) - 23;
    const k = minLocal + ((size - minLocal) % (u - 4));
    local = k <= maxLocal ? k : minLocal;
  }
  const parts = [page.subarray(at, at + local)];
  let got = local;
  let next = local < size ? page.readUInt32BE(at + local) : 0;
  while (got < size) {
    const o = r.page(next);
    const take = Math.min(size - got, u - 4);
    parts.push(o.subarray(4, 4 + take));
    got += take;
    next = o.readUInt32BE(0);
  }
  return Buffer.concat(parts, size);
}

/** The values of a record (the first `columns` of them). */
function record(r: PageReader, b: Buffer, columns: number): FileValue[] {
  const [headerSize, n0] = varint(b, 0);
  const types: number[] = [];
  for (let at = n0; at < headerSize && types.length < columns;) {
    const [t, n] = varint(b, at);
    types.push(t);
    at += n;
  }
  const values: FileValue[] = [];
  let at = headerSize;
  for (const t of types) {
    if (t === 0) values.push(null);
    else if (t >= 1 && t <= 6) {
      const len = [0, 1, 2, 3, 4, 6, 8][t] as number;
      values.push(len === 8 ? Number(b.readBigInt64BE(at)) : b.readIntBE(at, len));
      at += len;
    } else if (t === 7) {
      values.push(b.readDoubleBE(at));
      at += 8;
    } else if (t === 8 || t === 9) values.push(t - 8);
    else if (t >= 12) {
      const len = Math.floor((t - 12) / 2);
      values.push(t % 2 === 1 ? b.toString(r.encoding, at, at + len) : null);
      at += len;
    } else throw new Error('store: bad serial type');
  }
  if (at > b.length) throw new Error('store: record overruns its payload');
  return values;
}

/** Every row of the table b-tree rooted at `root` (the first `columns` values of each). */
function tableRows(r: PageReader, root: number, columns: number): FileRow[] {
  const rows: FileRow[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop() as number;
    const page = r.page(n);
    const h = n === 1 ? 100 : 0;
    const kind = page.readUInt8(h);
    const cells = page.readUInt16BE(h + 3);
    if (kind === 0x05) {
      const children: number[] = [];
      for (let i = 0; i < cells; i++) children.push(page.readUInt32BE(page.readUInt16BE(h + 12 + 2 * i)));
      children.push(page.readUInt32BE(h + 8));
      // Popped in order, so rows come out in rowid order.
      stack.push(...children.reverse());
    } else if (kind === 0x0d) {
      for (let i = 0; i < cells; i++) {
        let at = page.readUInt16BE(h + 8 + 2 * i);
        const [size, a] = varint(page, at);
        const [rowid, b] = varint(page, at + a);
        at += a + b;
        rows.push({ rowid, values: record(r, payload(r, page, at, size), columns) });
      }
    } else throw new Error(`store: page ${n} is not a table b-tree page`);
  }
  return rows;
}

/** Reads `fn` with the file open, closing it afterwards. */
function withFile<T>(file: string, fn: (r: PageReader) => T): T {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(100);
    if (fs.readSync(fd, header, 0, 100, 0) !== 100) throw new Error('store: not a SQLite file');
    return fn(new PageReader(fd, header));
  } finally {
    fs.closeSync(fd);
  }
}

/** The user_version, change counter and tables of the SQLite file `file`. Throws when the file cannot be read so. */
export function readFileSchema(file: string): FileSchema {
  return withFile(file, (r) => {
    const tables = tableRows(r, 1, 5)
      .filter((row) => row.values[0] === 'table' && typeof row.values[1] === 'string')
      .map((row) => ({ name: row.values[1] as string, rootPage: Number(row.values[3] ?? 0), sql: String(row.values[4] ?? '') }));
    return { userVersion: r.header.readInt32BE(60), changeCounter: r.header.readUInt32BE(24), tables };
  });
}

/** The rows of the table whose b-tree starts at `rootPage` (the first `columns` values of each). */
export function readFileRows(file: string, rootPage: number, columns: number): FileRow[] {
  return withFile(file, (r) => tableRows(r, rootPage, columns));
}
