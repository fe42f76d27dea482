/**
 * The scale bench's databases: N versions with the real schema, real texts and real page bodies (bench/scale-texts.ts),
 * written through the tracker's capture path (bench/scale-write.ts) by worker threads, and cached in
 * `${PALIMPSEST_BENCH_CACHE:-~/.cache/palimpsest-bench}` under a name made of the size, the schema version (the
 * highest migration and a digest of the migration files) and GENERATOR_VERSION, so that later runs reuse them.
 *
 * What a database holds: articles of 1 to 60 versions (about 9 on average), a twentieth of them replaying a real
 * revision history from the corpus first; a few live pages of hundreds of versions that grow at the top; six
 * sources, one holding half the articles, and a few articles without a source; each version preceded by the
 * unchanged checks a tracker makes, and each article followed by them.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../src/store/index.js';
import { ROOT } from './fleet-run.js';
import { rng } from './rng.js';
import { loadMaterial, pick } from './scale-texts.js';
import { writeArticles, type ArticlePlan } from './scale-write.js';

/** Bump when what the generator writes changes: cached databases of other versions are not reused. */
export const GENERATOR_VERSION = 2;

/** The sources of a generated database and the share of articles each holds (the rest have no source). */
const SOURCES: ReadonlyArray<{ slug: string; name: string; host: string; share: number }> = [
  { slug: 'daily-courier', name: 'The Daily Courier', host: 'www.daily-courier.example', share: 0.5 },
  { slug: 'wire', name: 'Wire service', host: 'wire.example.net', share: 0.15 },
  { slug: 'evening-post', name: 'Evening Post', host: 'www.evening-post.example', share: 0.12 },
  { slug: 'metro', name: 'Metro news', host: 'metro.example.org', share: 0.1 },
  { slug: 'tribune', name: 'The Tribune', host: 'tribune.example.com', share: 0.07 },
  { slug: 'gazette', name: 'Gazette', host: 'gazette.example', share: 0.03 },
];
/** The generated archive spans two years ending here. */
const END = Date.parse('2026-11-01T00:00:00Z');
const SPAN_MS = 2 * 365 * 86_400_000;

/** Plans the articles of a database of `total` versions (deterministic). */
export function planArticles(total: number, sourceIds: readonly number[], seed = 14): ArticlePlan[] {
  const r = rng(seed);
  const sizes: Array<{ kind: ArticlePlan['kind']; versions: number }> = [];
  let left = total;
  const lives = Math.max(1, Math.round(total / 25_000));
  for (let k = 0; k < lives && left > 0; k++) {
    const n = Math.min(left, Math.max(2, Math.min(150 + pick(r, 350), Math.floor(total / 10))));
    sizes.push({ kind: 'live', versions: n });
    left -= n;
  }
  while (left > 0) {
    const n = Math.min(left, 1 + Math.min(59, Math.floor(Math.log(1 - r()) / Math.log(1 - 1 / 9))));
    sizes.push({ kind: r() < 0.05 ? 'revisions' : 'text', versions: n });
    left -= n;
  }
  // Live pages somewhere in the middle of the archive, not all first.
  for (let k = 0; k < lives && k < sizes.length; k++) {
    const j = pick(r, sizes.length);
    [sizes[k], sizes[j]] = [sizes[j] as (typeof sizes)[number], sizes[k] as (typeof sizes)[number]];
  }
  const cumulative = SOURCES.map((_, i) => SOURCES.slice(0, i + 1).reduce((s, x) => s + x.share, 0));
  return sizes.map((s, index) => {
    const u = r();
    const si = cumulative.findIndex((c) => u < c * 0.97);
    const source = si >= 0 ? SOURCES[si] : undefined;
    const firstSeen = END - SPAN_MS + Math.floor((index / sizes.length) * SPAN_MS);
    const day = new Date(firstSeen).toISOString().slice(0, 10).replace(/-/g, '/');
    return {
      index, kind: s.kind, versions: s.versions, base: pick(r, 1 << 20), firstSeen, seed: (seed * 7919 + index * 104_729) >>> 0,
      sourceId: si >= 0 ? (sourceIds[si] ?? null) : null,
      url: `https://${source?.host ?? 'independent.example'}/${day}/story-${index}${s.kind === 'live' ? '-live' : ''}.html`,
    };
  });
}

/** Inserts the sources; returns their ids in SOURCES order. */
async function insertSources(store: Store): Promise<number[]> {
  const ids: number[] = [];
  for (const s of SOURCES) {
    ids.push(await store.insertSourceRow({
      slug: s.slug, name: s.name, kind: 'feed', config: JSON.stringify({ urls: [`https://${s.host}/rss.xml`] }),
      created_at: new Date(END - SPAN_MS).toISOString(), last_polled: null, next_poll: null, poll_count: 0, error_count: 0, last_error: null,
    }));
  }
  return ids;
}

/** Options of generate. */
export interface GenerateOptions {
  /** Worker threads (0: write in this thread). */
  threads: number;
  /** Prints progress (to stderr). */
  progress?: (line: string) => void;
}

/** Builds a database of `total` versions at `file` (which must not exist yet); returns the versions written. */
export async function generate(file: string, total: number, o: GenerateOptions): Promise<number> {
  const store = await openStore(file);
  let plans: ArticlePlan[];
  try {
    plans = planArticles(total, await insertSources(store));
  } catch (err) {
    await store.close();
    throw err;
  }
  let done = 0;
  let lastReport = 0;
  const t0 = performance.now();
  const tick = (n: number): void => {
    done += n;
    if (o.progress && performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      const rate = done / ((lastReport - t0) / 1000);
      o.progress(`  ${done} / ${total} versions, ${rate.toFixed(0)}/s, about ${((total - done) / Math.max(rate, 1) / 60).toFixed(1)} min left`);
    }
  };
  if (o.threads <= 0) {
    try {
      return await writeArticles(store, loadMaterial(), plans, tick);
    } finally {
      await store.close();
    }
  }
  await store.close();
  const ext = path.extname(new URL(import.meta.url).pathname);
  const workers: Worker[] = [];
  const results = await Promise.all(Array.from({ length: o.threads }, (_, w) => new Promise<number>((resolve, reject) => {
    const worker = new Worker(new URL(`./scale-gen-worker${ext}`, import.meta.url), {
      workerData: { file, plans: plans.filter((_, i) => i % o.threads === w) },
    });
    workers.push(worker);
    let written = 0;
    worker.on('message', (m: { versions?: number; total?: number }) => {
      if (m.versions !== undefined) tick(m.versions);
      if (m.total !== undefined) written = m.total;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve(written) : reject(new Error(`scale bench: generator thread exited with code ${code}`))));
  }))).catch(async (err: unknown) => {
    // One thread failed: stop the others, the half-built database is of no use.
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  });
  return results.reduce((a, b) => a + b, 0);
}

/** The number of versions in a database file. */
export async function countVersions(file: string): Promise<number> {
  const store = await openStore(file, { migrate: false });
  try {
    return await store.countVersions();
  } finally {
    await store.close();
  }
}

/** The cache folder: PALIMPSEST_BENCH_CACHE, else ~/.cache/palimpsest-bench. */
export function cacheDir(): string {
  return process.env.PALIMPSEST_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'palimpsest-bench');
}

/** The schema's identity: the highest SQLite migration and a digest of every migration file. */
export function schemaKey(): string {
  const dir = path.join(ROOT, 'migrations');
  const files = fs.readdirSync(dir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  const top = files.length ? Number(/^(\d+)/.exec(files[files.length - 1] as string)?.[1]) : 0;
  return `schema${top}-${h.digest('hex').slice(0, 8)}`;
}

/** "10k", "1.5M" … for file names and tables. */
export function sizeLabel(n: number): string {
  return n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/**
 * A cached database of `total` versions: reused when present, else generated. Other generations of the size are left
 * in place (a cached database took up to half an hour to write; `--reuse` still takes them).
 */
export async function cachedDatabase(total: number, o: GenerateOptions): Promise<{ file: string; generatedS: number | null; versions: number }> {
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const prefix = `scale-${sizeLabel(total)}-`;
  const file = path.join(dir, `${prefix}${schemaKey()}-gen${GENERATOR_VERSION}.db`);
  if (fs.existsSync(file)) return { file, generatedS: null, versions: await countVersions(file) };
  const tmp = `${file}.building`;
  // A build interrupted earlier left its half-written file (and WAL) behind.
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const t0 = performance.now();
  const versions = await generate(tmp, total, o);
  // Fold the WAL into the file, so the cached database is one file.
  const db = new Database(tmp);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (fs.existsSync(`${tmp}-wal`) && fs.statSync(`${tmp}-wal`).size === 0) fs.rmSync(`${tmp}-wal`);
  fs.rmSync(`${tmp}-shm`, { force: true });
  fs.renameSync(tmp, file);
  const seconds = (performance.now() - t0) / 1000;
  const note: BuildNote = { at: new Date().toISOString(), seconds, threads: o.threads, versions, load: os.loadavg().map((x) => x.toFixed(1)).join(' ') };
  fs.writeFileSync(`${file}.json`, `${JSON.stringify(note)}\n`);
  return { file, generatedS: seconds, versions };
}

/** What the generator notes beside a database it built (`<file>.json`). */
export interface BuildNote {
  at: string;
  seconds: number;
  threads: number;
  versions: number;
  /** The machine's load average when it finished. */
  load: string;
  /** A replica (bench/scale-replicate.ts): the database it copies, and how many times. */
  replicatedFrom?: string;
  factor?: number;
  /** What the replica's check found (verifyReplica). */
  check?: string;
}

/** The build note of a cached database, or null. */
export function readBuildNote(file: string): BuildNote | null {
  try {
    return JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as BuildNote;
  } catch {
    return null;
  }
}
