/**
 * Storage figures of the scale bench (bench/scale.ts): bytes per version by kind of data, from SQLite's `dbstat`
 * virtual table (every table and index, pages as stored, free space inside them included), and the time to read
 * random versions' texts and captured bodies through the store's API.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.js';
import { median, percentile } from './scale-http.js';
import { rng } from './rng.js';

/** What a table or index holds, by its name. */
export type Kind = 'bodies' | 'texts' | 'search index' | 'diff results' | 'check log' | 'other';

/** Order of the kinds in the table. */
export const KINDS: readonly Kind[] = ['bodies', 'texts', 'search index', 'diff results', 'check log', 'other'];

/** The kind of a table or index, by name: FTS shadow tables and search tables, responses and bodies, versions… */
export function kindOf(name: string, table: string): Kind {
  const n = `${name} ${table}`.toLowerCase();
  if (/fts|search|snippet|passage/.test(n)) return 'search index';
  if (/diff/.test(n)) return 'diff results';
  if (/respons|bod(y|ies)/.test(n)) return 'bodies';
  if (/version|text|delta/.test(n)) return 'texts';
  if (/^checks\b|check_log|checks_/.test(n)) return 'check log';
  return 'other';
}

/** Bytes of one table or index. */
export interface ObjectSize {
  name: string;
  /** The table an index belongs to (its own name for a table). */
  table: string;
  kind: Kind;
  bytes: number;
}

/** Every table and index of a SQLite file with its size (dbstat), largest first, and the file's size. */
export function objectSizes(file: string): { objects: ObjectSize[]; fileBytes: number; freeBytes: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Map((db.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')").all() as Array<{ name: string; tbl_name: string }>)
      .map((r) => [r.name, r.tbl_name]));
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const free = (db.pragma('freelist_count', { simple: true }) as number) * pageSize;
    const objects = rows.map((r) => {
      const table = tables.get(r.name) ?? r.name;
      return { name: r.name, table, kind: kindOf(r.name, table), bytes: r.bytes };
    }).sort((a, b) => b.bytes - a.bytes);
    const wal = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
    return { objects, fileBytes: fs.statSync(file).size + wal, freeBytes: free };
  } finally {
    db.close();
  }
}

/** Times of reading random versions through the store: text (getVersion), body (getResponse), both. */
export interface ReadTimes {
  count: number;
  text: { medianMs: number; p99Ms: number };
  body: { medianMs: number; p99Ms: number };
  both: { medianMs: number; p99Ms: number };
  bodyBytes: number;
}

/** Reads `count` random versions (text and captured body) of the database at `file` through the store's API. */
export async function randomReads(file: string, count: number, seed = 7): Promise<ReadTimes> {
  const store = await openStore(file, { migrate: false });
  try {
    const articles = (await store.listAllArticles()).filter((a) => a.versionCount > 0);
    const total = articles.reduce((n, a) => n + a.versionCount, 0);
    const r = rng(seed);
    // Uniform over versions, not articles: an article is picked in proportion to its versions.
    const cumulative: number[] = [];
    let acc = 0;
    for (const a of articles) cumulative.push((acc += a.versionCount));
    const text: number[] = [];
    const body: number[] = [];
    const both: number[] = [];
    let bodyBytes = 0;
    for (let i = 0; i < count; i++) {
      const k = Math.floor(r() * total);
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) > k) hi = mid; else lo = mid + 1;
      }
      const a = articles[lo];
      if (!a) continue;
      const number = 1 + Math.floor(r() * a.versionCount);
      const t0 = performance.now();
      const v = await store.getVersion(a.id, number);
      const t1 = performance.now();
      const res = v?.responseId != null ? await store.getResponse(v.responseId) : null;
      const t2 = performance.now();
      if (!v || !res) throw new Error(`scale bench: version ${number} of article ${a.id} or its response did not read back`);
      bodyBytes += res.body.length;
      text.push(t1 - t0);
      body.push(t2 - t1);
      both.push(t2 - t0);
    }
    const sum = (xs: number[]): { medianMs: number; p99Ms: number } => ({ medianMs: median(xs), p99Ms: percentile(xs, 99) });
    return { count: both.length, text: sum(text), body: sum(body), both: sum(both), bodyBytes: bodyBytes / Math.max(both.length, 1) };
  } finally {
    await store.close();
  }
}
