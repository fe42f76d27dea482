/**
 * Fetch benchmark: pages per second through the real checking pipeline (checkMany with the polite fetcher, the
 * extraction pool, SQLite) against a loopback origin serving the 175 corpus pages, for
 *   (a) changed pages: every fetch gives a new text, so every check stores a new version (diff included);
 *   (b) unchanged pages answered 200 with the same bytes (skipped on the body hash);
 *   (c) 304 Not Modified answers to conditional requests;
 * the peak resident memory, and the web server's p99 latency on an article page while a 500-page check runs,
 * against the same when idle. It runs twice: extraction in worker threads (what `serve` does) and in the main
 * thread, so the effect of the pool is visible (PALIMPSEST_BENCH_FETCH_RUNS=worker or =main runs one of them). The
 * origin and the latency probe run in child processes, so neither shares the event loop being measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { createMetrics } from '../src/metrics/index.js';
import { checkMany, type CheckSummary } from '../src/scheduler/run.js';
import { createPipeline } from '../src/scheduler/pipeline.js';
import { defaultExtractThreads } from '../src/scheduler/extract-pool.js';
import { insertArticle, openDb } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';

const ORIGIN_FLAG = '--palimpsest-fetch-bench-origin';
const PROBE_FLAG = '--palimpsest-fetch-bench-probe';
/** Loopback addresses used as separate hosts (politeness limits are per host name). */
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
/** Copies of each corpus page under different URLs: 175 x 3 = 525 articles. */
const COPIES = 3;
const CONCURRENCY = 16;
const LOADED_CHECK = 500;
const IDLE_PROBES = 200;
/** Pause between two probe requests. */
const PROBE_GAP_MS = 10;
const REVISION_WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett'];

/** How the origin answers: a new text per round, the same bytes, or 304 to a matching If-None-Match. */
type OriginMode = 'changed' | 'same' | 'validate';

/** What the latency probe is asked to do. */
interface ProbeCommand {
  url: string;
  count?: number;
  gapMs?: number;
}

interface OriginCommand {
  mode: OriginMode;
  round: number;
}

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

function corpusDir(): string {
  return process.env.PALIMPSEST_CORPUS ?? path.resolve(repoRoot(), '../shared/corpus');
}

// ---------------------------------------------------------------- origin child

/**
 * The page with a revision sentence at the start of its longest paragraph (most likely article text), and without
 * canonical links, which would otherwise move the copies of a page onto one URL.
 */
function revise(html: string, round: number): string {
  const page = html.replace(/<link\b[^>]*rel=["']?canonical["']?[^>]*>/gi, '').replace(/<meta\b[^>]*property=["']og:url["'][^>]*>/gi, '');
  if (round === 0) return page;
  let best = -1;
  let bestLen = 0;
  for (const m of page.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/gi)) {
    const len = (m[1] ?? '').replace(/<[^>]*>/g, '').length;
    if (len > bestLen) {
      bestLen = len;
      best = (m.index ?? 0) + m[0].indexOf('>') + 1;
    }
  }
  const word = REVISION_WORDS[round % REVISION_WORDS.length] ?? 'zulu';
  const sentence = `Update ${word}: this story was revised with ${word} details from officials. `;
  return best < 0 ? page.replace(/<\/body>/i, `<p>${sentence}</p></body>`) : `${page.slice(0, best)}${sentence}${page.slice(best)}`;
}

async function runOrigin(): Promise<void> {
  const root = path.join(corpusDir(), 'extraction');
  const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as Array<{ id: string }>;
  const pages = index.map((e) => fs.readFileSync(path.join(root, e.id, 'page.html'), 'utf8'));
  let cmd: OriginCommand = { mode: 'changed', round: 0 };
  let bodies: Buffer[] = [];
  const prepare = (c: OriginCommand): void => {
    if (bodies.length === 0 || c.round !== cmd.round) bodies = pages.map((p) => Buffer.from(revise(p, c.round), 'utf8'));
    cmd = c;
  };
  prepare(cmd);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const m = /^\/a\/(\d+)$/.exec(req.url ?? '');
    const body = m ? bodies[Number(m[1]) % bodies.length] : undefined;
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"r${cmd.round}-${m?.[1]}"`;
    if (cmd.mode === 'validate' && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, etag }).end(body);
  };
  const servers = await Promise.all(HOSTS.map((host) => new Promise<http.Server>((resolve, reject) => {
    const s = http.createServer(handler);
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  })));
  process.on('message', (m: OriginCommand | 'stop') => {
    if (m === 'stop') {
      for (const s of servers) s.close();
      process.disconnect();
      return;
    }
    prepare(m);
    process.send?.('ok');
  });
  process.send?.({ ports: servers.map((s) => (s.address() as AddressInfo).port), pages: pages.length });
}

// ---------------------------------------------------------------- probe child

/**
 * Sequential GETs on one keep-alive connection, `gapMs` apart (a reader clicking, not a load test): `count` of
 * them, or until told to stop. Answers the latencies.
 */
async function runProbe(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (url: string): Promise<number> => new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`fetch bench: probe got HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
  let stop = false;
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  process.on('message', (m: ProbeCommand | 'stop' | 'exit') => {
    if (m === 'exit') return process.disconnect();
    if (m === 'stop') {
      stop = true;
      return;
    }
    stop = false;
    void (async () => {
      const times: number[] = [];
      const max = m.count ?? Infinity;
      while (!stop && times.length < max) {
        times.push(await get(m.url));
        if (m.gapMs) await pause(m.gapMs);
      }
      process.send?.(times);
    })();
  });
  process.send?.('ready');
}

// ---------------------------------------------------------------- main

function child(flag: string): ChildProcess {
  return fork(fileURLToPath(import.meta.url), [flag], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(c: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`fetch bench: child exited with code ${code}`));
    c.once('message', (m) => {
      c.off('exit', onExit);
      resolve(m as T);
    });
    c.once('exit', onExit);
  });
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/** Runs `fn` while sampling the resident set size. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  try {
    const result = await fn();
    return { result, peakMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

interface Phase {
  label: string;
  pages: number;
  seconds: number;
  outcomes: Record<string, number>;
  /** Distinct error messages seen. */
  errors: string[];
}

interface RunReport {
  label: string;
  phases: Phase[];
  idleP50: number;
  idleP99: number;
  loadedP50: number;
  loadedP99: number;
  loadedSamples: number;
  loadedRate: number;
  peakRssMb: number;
}

function outcomes(s: CheckSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of s.results) out[r.outcome] = (out[r.outcome] ?? 0) + 1;
  return out;
}

async function measure(label: string, extractThreads: number, origin: ChildProcess, ports: number[], probe: ChildProcess): Promise<RunReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-fetch-'));
  const db = openDb(path.join(dir, 'bench.db'));
  const config = loadConfig({
    env: {},
    flags: {
      db: path.join(dir, 'bench.db'), allowPrivate: true, logLevel: 'silent',
      fetch: { perHostDelayMs: 0, perHostConcurrency: 16, globalConcurrency: 64 },
      scheduler: { concurrency: CONCURRENCY, extractThreads },
    },
  });
  const metrics = createMetrics({ db });
  const pipeline = createPipeline(db, config, { metrics });
  const app = createApp({ db, config, registry: metrics.registry, logger: { error: () => undefined } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const webUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/articles/1`;
  try {
    const now = new Date().toISOString();
    const ids: number[] = [];
    for (let i = 0; i < 175 * COPIES; i++) {
      ids.push(insertArticle(db, `http://${HOSTS[i % HOSTS.length]}:${ports[i % HOSTS.length]}/a/${i}`, now).article.id);
    }
    const setOrigin = async (c: OriginCommand): Promise<void> => {
      origin.send(c);
      await nextMessage(origin);
    };
    const phases: Phase[] = [];
    const phase = async (name: string, c: OriginCommand, batch: number[] = ids): Promise<void> => {
      await setOrigin(c);
      const t0 = performance.now();
      const s = await checkMany(pipeline.deps, batch, { concurrency: CONCURRENCY });
      const errors = [...new Set(s.results.filter((r) => r.error && r.outcome !== 'unchanged').map((r) => `${r.outcome}: ${r.error}`))];
      phases.push({ label: name, pages: batch.length, seconds: (performance.now() - t0) / 1000, outcomes: outcomes(s), errors });
    };
    const { peakMb } = await withPeakRss(async () => {
      await phase('first capture (new articles)', { mode: 'changed', round: 0 });
      await phase('(a) changed pages', { mode: 'changed', round: 1 });
      await phase('(b) unchanged, 200 same bytes', { mode: 'same', round: 1 });
      await phase('(c) 304 Not Modified', { mode: 'validate', round: 1 });
    });
    // Idle latency, then the same page while a 500-page check of changed pages runs.
    probe.send({ url: webUrl, count: 20 });
    await nextMessage(probe); // warm-up: route, templates, connection
    probe.send({ url: webUrl, count: IDLE_PROBES, gapMs: PROBE_GAP_MS });
    const idle = await nextMessage<number[]>(probe);
    await setOrigin({ mode: 'changed', round: 2 });
    const loadedBatch = ids.slice(0, LOADED_CHECK);
    const samples = nextMessage<number[]>(probe);
    probe.send({ url: webUrl, gapMs: PROBE_GAP_MS });
    const t0 = performance.now();
    await checkMany(pipeline.deps, loadedBatch, { concurrency: CONCURRENCY });
    const loadedSeconds = (performance.now() - t0) / 1000;
    probe.send('stop');
    const loaded = await samples;
    return {
      label: `${label}`, phases, idleP50: quantile(idle, 0.5), idleP99: quantile(idle, 0.99), loadedP50: quantile(loaded, 0.5),
      loadedP99: quantile(loaded, 0.99), loadedSamples: loaded.length, loadedRate: LOADED_CHECK / loadedSeconds, peakRssMb: peakMb,
    };
  } finally {
    await new Promise((r) => server.close(r));
    server.closeAllConnections();
    await pipeline.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k] ?? 0) : c.padStart(widths[k] ?? 0))).join('  ')).join('\n');
}

function describeOutcomes(o: Record<string, number>): string {
  return Object.entries(o).map(([k, n]) => `${k} ${n}`).join(', ');
}

/** Runs the benchmark (worker-thread extraction, then main-thread extraction) and prints the table. */
export async function run(): Promise<void> {
  if (!fs.existsSync(path.join(corpusDir(), 'extraction', 'index.json'))) {
    process.stdout.write(`fetch bench: no corpus at ${corpusDir()} (set PALIMPSEST_CORPUS); skipped\n`);
    return;
  }
  const origin = child(ORIGIN_FLAG);
  const probe = child(PROBE_FLAG);
  try {
    const { ports } = await nextMessage<{ ports: number[] }>(origin);
    await nextMessage(probe);
    const threads = defaultExtractThreads();
    const runs = (process.env.PALIMPSEST_BENCH_FETCH_RUNS ?? 'worker,main').split(',');
    const reports: RunReport[] = [];
    if (runs.includes('worker')) reports.push(await measure(`extraction in ${threads} worker thread${threads === 1 ? '' : 's'}`, threads, origin, ports, probe));
    if (runs.includes('main')) reports.push(await measure('extraction in the main thread', 0, origin, ports, probe));
    const goals: Record<string, [number, (v: number) => boolean, string]> = {
      '(a) changed pages': [60, (v) => v >= 60, '>= 60/s'],
      '(c) 304 Not Modified': [1000, (v) => v >= 1000, '>= 1000/s'],
    };
    const rows: string[][] = [['case', 'pages', 'seconds', 'pages/s', 'goal', 'result', 'outcomes']];
    for (const r of reports) {
      rows.push([`-- ${r.label}`, '', '', '', '', '', '']);
      for (const p of r.phases) {
        const rate = p.pages / p.seconds;
        const g = goals[p.label];
        rows.push([p.label, String(p.pages), p.seconds.toFixed(2), rate.toFixed(0), g?.[2] ?? '', g ? (g[1](rate) ? 'pass' : 'FAIL') : '', describeOutcomes(p.outcomes)]);
      }
      const ratio = r.loadedP99 / r.idleP99;
      rows.push([`web p99 idle / during ${LOADED_CHECK}-page check`, '', '', '', '<= 2x idle', ratio <= 2 ? 'pass' : 'FAIL',
        `${r.idleP99.toFixed(1)} ms / ${r.loadedP99.toFixed(1)} ms = ${ratio.toFixed(2)}x (p50 ${r.idleP50.toFixed(1)} / ${r.loadedP50.toFixed(1)} ms; ${r.loadedSamples} requests during the check at ${r.loadedRate.toFixed(0)} pages/s)`]);
      rows.push(['peak RSS (MB, sampled, this run)', '', '', '', '', '', r.peakRssMb.toFixed(0)]);
    }
    process.stdout.write(`fetch: ${175 * COPIES} articles (175 corpus pages x ${COPIES}) on ${HOSTS.length} loopback hosts, checkMany concurrency ${CONCURRENCY}, ` +
      `polite fetcher (perHostDelayMs 0, 16 per host), ${os.availableParallelism()} cores; origin and latency probe in child processes; goals apply to the worker-thread run\n`);
    process.stdout.write(`${table(rows)}\n`);
    const errors = [...new Set(reports.flatMap((r) => r.phases.flatMap((p) => p.errors)))];
    if (errors.length > 0) process.stdout.write(`errors and rejections (corpus pages the pipeline refuses, the same in every run):\n${errors.map((e) => `  ${e}`).join('\n')}\n`);
    process.stdout.write(`process peak RSS (maxRSS, both runs): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
  } finally {
    origin.send('stop');
    probe.send('exit');
  }
}

if (process.argv[2] === ORIGIN_FLAG) await runOrigin();
else if (process.argv[2] === PROBE_FLAG) await runProbe();
