/**
 * Machinery of the fleet benchmark (bench/fleet.ts): the loopback origin, the PostgreSQL server and fresh databases,
 * real `palimpsest worker` processes, CPU accounting from /proc, and one measurement of K workers on one database.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { canonicalMergeTarget } from '../src/discovery/canonical.js';
import { extract } from '../src/extractor/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { corpusDir } from './corpus.js';
import { startNode, type NodeProc } from './proc.js';

const exec = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The repository root: the nearest folder above this module holding package.json. */
export const ROOT = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
/** The built CLI that the workers run. */
export const CLI = path.join(ROOT, 'dist/src/cli/main.js');

// ------------------------------------------------------------------------------------------------------ origin

/** A loopback origin on several addresses (each a host of its own for politeness). */
export interface Origin {
  urls: string[];
  /** What it serves, in words. */
  pages: string;
  close(): Promise<void>;
}

/** A corpus page with its canonical URL pointed off the origin (as bench/fetch.ts does), so copies stay separate. */
function uncanonical(raw: string): string {
  const base = 'http://127.0.0.1:1/a/0';
  let html = raw.replace(/<link\b[^>]*rel=["']?canonical["']?[^>]*>/gi, '').replace(/<meta\b[^>]*property=["']og:url["'][^>]*>/gi, '');
  const target = canonicalMergeTarget(base, extract(html, base).canonicalUrl);
  if (target) html = html.split(`"${new URL(target).pathname}"`).join(`"https://canonical.invalid${new URL(target).pathname}"`);
  return html;
}

const WORDS = ('council budget river school harbour station minister library hospital museum market bridge festival railway ' +
  'election vaccine drought theatre airport stadium factory village highway mayor teacher farmer nurse').split(' ');

/** A generated article page (when there is no corpus), in the manner of test/helpers/fleet-origin.ts. */
function generatedPage(i: number): Buffer {
  const word = (k: number): string => WORDS[(i * 31 + k * 17 + (k >> 2) * 7) % WORDS.length] as string;
  const paras = Array.from({ length: 8 }, (_, p) => `<p>${Array.from({ length: 40 }, (_, k) => word(p * 40 + k)).join(' ')}. Story ${i} continues in part ${p + 1}.</p>`);
  return Buffer.from(`<!doctype html><html><head><title>Story ${i}</title></head><body><nav><a href="/">Home</a> News Sport</nav>` +
    `<article><h1>Story ${i}: the ${word(1)} and the ${word(2)}</h1><p class="byline">By Reporter ${i % 17}</p>${paras.join('')}</article>` +
    '<footer>Contact us. Privacy.</footer></body></html>');
}

/** Serves hosts x perHost articles on 127.0.0.1..127.0.0.N (one port): corpus pages in turn, else generated ones. */
export async function startOrigin(hosts: number, perHost: number): Promise<Origin> {
  const root = path.join(corpusDir(), 'extraction');
  const hasCorpus = fs.existsSync(path.join(root, 'index.json'));
  const corpus = hasCorpus ? (JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as Array<{ id: string }>)
    .map((e) => Buffer.from(uncanonical(fs.readFileSync(path.join(root, e.id, 'page.html'), 'utf8')))) : [];
  const bodies = Array.from({ length: hosts * perHost }, (_, i) => corpus[i % Math.max(corpus.length, 1)] ?? generatedPage(i));
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const body = bodies[Number(/^\/a\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1)];
    if (!body) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length }).end(body);
  };
  const servers: http.Server[] = [];
  const close = (): Promise<void> => Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => undefined);
  let port = 0;
  try {
    for (let h = 1; h <= hosts; h++) {
      const s = http.createServer(handler);
      await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, `127.0.0.${h}`, () => resolve()); });
      servers.push(s);
      port = (s.address() as AddressInfo).port;
    }
  } catch (err) {
    await close();
    throw err;
  }
  const urls = bodies.map((_, i) => `http://127.0.0.${(i % hosts) + 1}:${port}/a/${i}`);
  const pages = hasCorpus ? `${corpus.length} corpus pages in turn` : 'generated pages (no corpus: set PALIMPSEST_CORPUS)';
  return { urls, pages, close };
}

// ------------------------------------------------------------------------------------------- PostgreSQL, databases

/** A PostgreSQL server to create the measured databases on. */
export interface PgServer {
  url: string;
  /** Version and durability settings, in words. */
  describe: string;
  /** Stops the server if this bench started it. */
  stop(): Promise<void>;
}

/** PALIMPSEST_BENCH_PG or PALIMPSEST_TEST_PG, else a throw-away cluster; a reason when there is no server. */
export async function findPostgres(): Promise<PgServer | string> {
  let url = process.env.PALIMPSEST_BENCH_PG ?? process.env.PALIMPSEST_TEST_PG;
  let stop = async (): Promise<void> => undefined;
  if (!url) {
    const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [];
    if (!versions.some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))) return 'no PostgreSQL server binaries on this machine (/usr/lib/postgresql/*/bin)';
    const script = path.join(ROOT, 'scripts/pg-test-cluster.sh');
    const state = path.join(process.env.TMPDIR ?? '/tmp', `palimpsest-pg-${process.env.PALIMPSEST_TEST_PG_PORT ?? '54329'}`, 'data');
    const running = fs.existsSync(state);
    try {
      url = (await exec('bash', [script], { cwd: ROOT })).stdout.trim();
    } catch (err) {
      if (!running) await exec('bash', [script, 'stop'], { cwd: ROOT }).catch(() => undefined);
      return `scripts/pg-test-cluster.sh failed: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`;
    }
    if (!running) stop = async () => { await exec('bash', [script, 'stop'], { cwd: ROOT }); };
  }
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    const r = await c.query<{ v: string; f: string; s: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('fsync') AS f, current_setting('synchronous_commit') AS s");
    const s = r.rows[0];
    return { url, stop, describe: `PostgreSQL ${s?.v} at ${new URL(url).host} (fsync ${s?.f}, synchronous_commit ${s?.s})` };
  } catch (err) {
    await stop();
    return `cannot use PostgreSQL at ${new URL(url).host}: ${(err as Error).message}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh empty database: a SQLite file in a temporary folder, or a new database on the PostgreSQL server. */
interface Database {
  target: string;
  /** The PostgreSQL database's name (null: SQLite). */
  pgName: string | null;
  cleanup(): Promise<void>;
}

let serial = 0;

async function freshDatabase(pgUrl: string | null): Promise<Database> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-fleet-'));
  const removeDir = async (): Promise<void> => fs.rmSync(dir, { recursive: true, force: true });
  if (!pgUrl) return { target: path.join(dir, 'bench.db'), pgName: null, cleanup: removeDir };
  const name = `palimpsest_bench_fleet_${process.pid}_${++serial}`;
  await admin(pgUrl, (c) => c.query(`CREATE DATABASE ${name}`)).catch(async (err: unknown) => { await removeDir(); throw err; });
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  return {
    target: u.toString(), pgName: name,
    cleanup: async () => { await removeDir(); await admin(pgUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)); },
  };
}

/** Statement time (ms, PostgreSQL 14+) and commits of a database so far, from pg_stat_database. */
async function pgStat(pgUrl: string, name: string): Promise<{ activeMs: number; commits: number } | null> {
  return admin(pgUrl, async (c) => {
    const r = await c.query<{ a: number; x: number }>('SELECT active_time::float8 AS a, xact_commit::float8 AS x FROM pg_stat_database WHERE datname = $1', [name]);
    return r.rows[0] ? { activeMs: r.rows[0].a, commits: r.rows[0].x } : null;
  }).catch(() => null);
}

// ---------------------------------------------------------------------------------------------------- CPU, /proc

const TICK_S = 1 / (Number(((): string => { try { return execFileSync('getconf', ['CLK_TCK']).toString(); } catch { return '100'; } })()) || 100);

/** utime + stime of a process (all its threads) in seconds, and its parent; null once it is gone. */
function procStat(pid: number): { cpuS: number; ppid: number } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { cpuS: (Number(f[11]) + Number(f[12])) * TICK_S, ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores) since boot, from /proc/stat. */
function machineBusyS(): number {
  const f = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) * TICK_S;
}

/**
 * CPU of the PostgreSQL processes serving one database: its backends (found by their process title), the cluster's
 * background processes and the postmaster. Sampled often, so backends that exit meanwhile still count.
 */
class PgCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private postmaster = -1;
  private readonly mine: RegExp;
  constructor(db: string) {
    this.mine = new RegExp(`^postgres: .*\\s${db}(\\s|$)`);
  }
  /** Whether any backend of the database runs on this machine. */
  get local(): boolean {
    return this.postmaster > 0;
  }
  sample(initial = false): void {
    const found: Array<[number, string, { cpuS: number; ppid: number }]> = [];
    for (const e of fs.readdirSync('/proc')) {
      const pid = Number(e);
      if (!Number.isInteger(pid)) continue;
      let title: string;
      try {
        title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        continue;
      }
      const st = title.startsWith('postgres') ? procStat(pid) : null;
      if (st) found.push([pid, title, st]);
      if (st && this.postmaster < 0 && this.mine.test(title)) this.postmaster = st.ppid;
    }
    for (const [pid, title, st] of found) {
      const background = /^postgres: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher)/.test(title);
      if (!(this.mine.test(title) || pid === this.postmaster || (background && st.ppid === this.postmaster))) continue;
      if (initial) this.first.set(pid, st.cpuS);
      this.last.set(pid, st.cpuS);
    }
  }
  cpuS(): number {
    let n = 0;
    for (const [pid, s] of this.last) n += s - (this.first.get(pid) ?? 0);
    return n;
  }
}

// -------------------------------------------------------------------------------------------------------- workers

/** A running `palimpsest worker` process; `url` is its /metrics and /healthz base URL. */
type WorkerProc = NodeProc;

/** Starts `palimpsest worker --port 0 --allow-private`; resolves once it printed its ready line. */
function startWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<WorkerProc> {
  return startNode([CLI, 'worker', '--port', '0', '--allow-private'], env, /metrics and health on (http:\/\/\S+)\//, 'fleet bench: a worker', timeoutMs);
}

/** Sum of every series of a metric (all label sets) in a Prometheus text exposition. */
function metricSum(text: string, name: string): number {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

// ---------------------------------------------------------------------------------------------------- measurement

/** One measurement: K workers checking every article once on a fresh database. */
export interface Measurement {
  checks: number;
  /** From making the articles due to the end of the last check. */
  seconds: number;
  /** Check-slot seconds: workers x scheduler.concurrency x seconds. */
  slotS: number;
  /** Sums over the checks: fetch (politeness waits included), extraction (queueing included), whole check. */
  fetchS: number;
  extractS: number;
  checkS: number;
  /** CPU seconds over `cpuWindowS`: the workers, PostgreSQL (null: not on this machine / SQLite), this process, all. */
  cpuWindowS: number;
  workerCpuS: number;
  pgCpuS: number | null;
  benchCpuS: number;
  machineCpuS: number;
  /** pg_stat_database: statement seconds and commits (null on SQLite). */
  pgActiveS: number | null;
  pgCommits: number | null;
  outcomes: Record<string, number>;
}

/** Options of measure. */
export interface MeasureOptions {
  workers: number;
  /** PostgreSQL server URL; null: a SQLite file. */
  pgUrl: string | null;
  urls: string[];
  configFile: string;
  concurrency: number;
  timeoutMs?: number;
}

/**
 * Tracks every URL in a fresh database (one `palimpsest track`), parks them in the future, starts the workers and
 * waits for their ready lines, makes every article due at once and waits until each was checked once. Everything it
 * started or created is stopped and removed, also on failure.
 */
export async function measure(o: MeasureOptions): Promise<Measurement> {
  const db = await freshDatabase(o.pgUrl);
  const workers: WorkerProc[] = [];
  let store: Store | null = null;
  try {
    const env = { PALIMPSEST_DB: db.target, PALIMPSEST_CONFIG: o.configFile, PALIMPSEST_LOG_LEVEL: 'warn' };
    await exec(process.execPath, [CLI, 'track', ...o.urls], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    store = await openStore(db.target);
    const ids = (await store.listAllArticles()).map((a) => a.id);
    if (ids.length !== o.urls.length) throw new Error(`fleet bench: tracked ${ids.length} of ${o.urls.length} URLs`);
    const move = (when: Date): Promise<void> => (store as Store).rescheduleArticles(ids.map((id) => ({ id, nextCheck: when.toISOString() })));
    await move(new Date(Date.now() + 86_400_000));
    const started = await Promise.allSettled(Array.from({ length: o.workers }, () => startWorker(env)));
    for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;

    const pgCpu = db.pgName ? new PgCpu(db.pgName) : null;
    pgCpu?.sample(true);
    const stat0 = o.pgUrl && db.pgName ? await pgStat(o.pgUrl, db.pgName) : null;
    const worker0 = workers.map((w) => procStat(w.pid)?.cpuS ?? 0);
    const machine0 = machineBusyS();
    const bench0 = process.cpuUsage();
    await move(new Date());
    const t0 = Date.now();
    for (;;) {
      await sleep(250);
      pgCpu?.sample();
      if ((await store.countDueArticles(new Date().toISOString())) === 0 && (await store.listAllArticles()).every((a) => a.checkCount >= 1)) break;
      const dead = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (dead) throw new Error(`fleet bench: a worker exited during the measurement:\n${dead.output()}`);
      if (Date.now() - t0 > (o.timeoutMs ?? 600_000)) throw new Error(`fleet bench: not every article was checked within ${(o.timeoutMs ?? 600_000) / 1000} s`);
    }
    pgCpu?.sample();
    const cpuWindowS = (Date.now() - t0) / 1000;
    const workerCpuS = workers.reduce((n, w, k) => n + (procStat(w.pid)?.cpuS ?? 0) - (worker0[k] ?? 0), 0);
    const machineCpuS = machineBusyS() - machine0;
    const bench = process.cpuUsage(bench0);
    const texts = await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/metrics`)).text()));
    await Promise.all(workers.map((w) => w.stop()));
    const stat1 = o.pgUrl && db.pgName ? await pgStat(o.pgUrl, db.pgName) : null;

    let checkMs = 0;
    let end = 0;
    const outcomes: Record<string, number> = {};
    for (const id of ids) {
      for (const c of await store.listChecksPage(id, 0, 1000)) {
        checkMs += c.duration_ms ?? 0;
        end = Math.max(end, Date.parse(c.checked_at) + (c.duration_ms ?? 0));
        outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
      }
    }
    const seconds = (Math.min(end > t0 ? end : Infinity, t0 + cpuWindowS * 1000) - t0) / 1000;
    return {
      checks: ids.length, seconds, slotS: o.workers * o.concurrency * seconds,
      fetchS: texts.reduce((n, t) => n + metricSum(t, 'palimpsest_fetch_duration_seconds_sum'), 0),
      extractS: texts.reduce((n, t) => n + metricSum(t, 'palimpsest_extract_duration_seconds_sum'), 0),
      checkS: checkMs / 1000, cpuWindowS, workerCpuS, pgCpuS: pgCpu?.local ? pgCpu.cpuS() : null,
      benchCpuS: (bench.user + bench.system) / 1e6, machineCpuS,
      pgActiveS: stat0 && stat1 ? (stat1.activeMs - stat0.activeMs) / 1000 : null,
      pgCommits: stat0 && stat1 ? stat1.commits - stat0.commits : null,
      outcomes,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await store?.close().catch(() => undefined);
    await db.cleanup();
  }
}
