/**
 * `npm run bench -- scale [--sizes 10k,100k,500k] [--quick] [--duration S] [--threads N] [--reuse] [--routes a,b] [--storage FILE]
 * [--no-load] [--generate-only]`: Palimpsest on databases of 10k and 100k versions (generated from the corpus through the
 * capture path, bench/scale-gen.ts, and cached) and 500k (the 100k database replicated 5x under new URLs,
 * bench/scale-replicate.ts, cached too), printing:
 *
 * 1. at 100k (or the largest size asked below it), each route's req/s and p99 at 50 connections (autocannon, median of
 *    3 rounds) against a plain Express app answering a small string, measured in the same run; goals: 20 % of the
 *    floor (`/feed.rss` 30 %), p99 under 100 ms;
 * 2. each route's time at every size, one request at a time (median after a warm-up, and the first request), the
 *    ratio of the largest size to the smallest (goal at 500k/10k: at most 2x; a 304 within 10 ms);
 * 3. bytes per version by kind (bodies, texts, search index, diff results, check log, other; goal 4 KB in all) and
 *    the time to read a random version's text and body through the store (goal under 2 ms), at 100k and at 500k;
 * 4. the serve process's resident memory after every route was requested (goal under 250 MB).
 *
 * The server is a real `palimpsest serve --no-scheduler` process (the built CLI) on 127.0.0.1 over a copy of the
 * cached database. --quick: 10k only unless --sizes says otherwise, one short round, fewer requests. --reuse: take
 * any cached database of a size, whatever schema or generator version it was built with (development only).
 * --no-load: no autocannon rounds (parts 2 to 4 only). --generate-only: build or find
 * the databases of the sizes asked, measure nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, cachedDatabase, countVersions, readBuildNote, sizeLabel } from './scale-gen.js';
import { cachedReplica, REPLICA_BASE } from './scale-replicate.js';
import { cannon, get, memoryOf, startFloor, startServe, timeRoute, type Round, type Timing } from './scale-http.js';
import { routesOf, validatorsFor, type Route } from './scale-routes.js';
import { KINDS, objectSizes, randomReads } from './scale-storage.js';

const CONNECTIONS = 50;
/**
 * Sizes measured when --sizes is not given. Written through the real capture path (differ, delta compression, stored
 * diff results, search index) 500k would take hours, so it is the 100k database replicated 5x
 * (bench/scale-replicate.ts; about a minute, once); its route times and storage add a few minutes to a run.
 */
const DEFAULT_SIZES = '10k,100k,500k';

/** The bench's options, from the command line. */
interface Options {
  sizes: number[];
  rounds: number;
  seconds: number;
  requests: number;
  reads: number;
  threads: number;
  reuse: boolean;
  /** --storage FILE: only the storage figures, of that SQLite file (read, never changed; migrate a copy first). */
  storage: string | null;
  /** --routes: only these routes (names or paths; a word not starting with "/" matches names containing it), no storage. */
  routes: string[] | null;
  /** --generate-only: build (or find) the cached databases of the sizes asked, measure nothing. */
  generateOnly: boolean;
  /** --no-load: no autocannon rounds; route times one request at a time, memory and storage only. */
  noLoad: boolean;
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`scale bench: bad size "${s}" (examples: 10k, 100k, 500k, 2000)`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1));
}

function parseOptions(args: readonly string[]): Options {
  const quick = args.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (value('--sizes') ?? (quick ? '10k' : DEFAULT_SIZES)).split(',').map(parseSize).sort((a, b) => a - b);
  return {
    sizes, rounds: quick ? 1 : 3, seconds: Number(value('--duration') ?? (quick ? 3 : 10)), requests: quick ? 5 : 20, reads: quick ? 200 : 1000,
    threads: Number(value('--threads') ?? 2), reuse: args.includes('--reuse'), storage: value('--storage') ?? null,
    routes: value('--routes')?.split(',').map((r) => r.trim()).filter((r) => r !== '') ?? null,
    generateOnly: args.includes('--generate-only'), noLoad: args.includes('--no-load'),
  };
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k] ?? 0) : c.padStart(widths[k] ?? 0))).join('  ')).join('\n');
}

const ms = (x: number): string => (Number.isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const met = (ok: boolean): string => (ok ? 'met' : 'NOT MET');
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;
const say = (s: string): void => { process.stdout.write(`${s}\n`); };
const note = (s: string): void => { process.stderr.write(`scale: ${s}\n`); };

/** A cached database when --reuse finds one of the size, whatever its schema or generator version. */
function anyCached(total: number): string | null {
  const dir = cacheDir();
  if (!fs.existsSync(dir)) return null;
  const f = fs.readdirSync(dir).filter((n) => n.startsWith(`scale-${sizeLabel(total)}-`) && n.endsWith('.db')).sort().pop();
  return f ? path.join(dir, f) : null;
}

/** How a cached database was built, from the note the generator left beside it. */
function describeBuild(file: string): string {
  const b = readBuildNote(file);
  if (b?.replicatedFrom) return ` (replicated from ${b.replicatedFrom} ${b.at.slice(0, 16).replace('T', ' ')} in ${(b.seconds / 60).toFixed(1)} min; checked: ${b.check})`;
  return b ? ` (generated ${b.at.slice(0, 16).replace('T', ' ')} in ${(b.seconds / 60).toFixed(1)} min, ${b.threads} thread${b.threads === 1 ? '' : 's'}, load average ${b.load})` : '';
}

/**
 * The database of `total` versions: with --reuse any cached one of the size; above 100k (a multiple of it) the 100k
 * database replicated (bench/scale-replicate.ts), else generated; cached either way.
 */
async function databaseFor(total: number, o: Options): Promise<{ file: string; generatedS: number | null; versions: number }> {
  const reused = o.reuse ? anyCached(total) : null;
  if (reused) return { file: reused, generatedS: null, versions: await countVersions(reused) };
  if (total > REPLICA_BASE && total % REPLICA_BASE === 0) {
    const base = await databaseFor(REPLICA_BASE, o);
    return cachedReplica(base.file, total, total / REPLICA_BASE, (l) => note(`${sizeLabel(total)}: ${l.trim()}`));
  }
  return cachedDatabase(total, { threads: o.threads, progress: (l) => note(`generating ${sizeLabel(total)}: ${l.trim()}`) });
}

/** The routes --routes asks for (all without it). */
function pickRoutes(routes: Route[], o: Options): Route[] {
  const want = o.routes;
  if (!want) return routes;
  return routes.filter((r) => want.some((w) => w === r.name || w === r.path || (!w.startsWith('/') && r.name.includes(w))));
}

/** What one size gave. */
interface SizeResult {
  total: number;
  times: Map<string, Timing>;
}

/** Times every route one request at a time on a running server. */
async function timeRoutes(base: string, routes: Route[], o: Options): Promise<Map<string, Timing>> {
  const times = new Map<string, Timing>();
  for (const r of routes) {
    const headers = r.conditional ? await validatorsFor(base + r.path) : {};
    times.set(r.name, await timeRoute(r.fresh ? (i) => `${base}${r.path}${i}` : base + r.path, headers, o.requests));
  }
  return times;
}

/** Autocannon rounds, interleaved: the floor and every loaded route once per round. */
async function loadRoutes(base: string, floorUrl: string, routes: Route[], o: Options): Promise<{ floor: Round[]; per: Map<string, Round[]> }> {
  const floor: Round[] = [];
  const per = new Map<string, Round[]>(routes.map((r) => [r.name, []]));
  // Requests still queued in the server when a round ends are answered before the next round starts.
  const settle = async (): Promise<void> => { await get(`${base}/healthz`); };
  for (let round = 1; round <= o.rounds; round++) {
    floor.push(await cannon(floorUrl, CONNECTIONS, o.seconds));
    for (const r of routes) {
      per.get(r.name)?.push(await cannon(base + r.path, CONNECTIONS, o.seconds));
      await settle();
      note(`round ${round}/${o.rounds}: ${r.name} ${per.get(r.name)?.at(-1)?.reqPerS.toFixed(0)} req/s`);
    }
  }
  return { floor, per };
}

/** The median round by req/s. */
function medianRound(rs: readonly Round[]): Round {
  const s = [...rs].sort((a, b) => a.reqPerS - b.reqPerS);
  return s[Math.floor(s.length / 2)] as Round;
}

function printLoad(label: string, floor: Round[], per: Map<string, Round[]>, o: Options): void {
  const f = medianRound(floor);
  say(`\nroutes at ${label} against a plain Express floor (autocannon, ${CONNECTIONS} connections, median of ${o.rounds} round${o.rounds === 1 ? '' : 's'} of ${o.seconds} s):`);
  const rows = [['route', 'req/s', 'share of floor', 'p99 ms', 'non-2xx', 'errors', 'goal', 'share', 'p99']];
  rows.push(['plain Express (floor)', f.reqPerS.toFixed(0), '1.00', ms(f.p99Ms), String(f.non2xx), String(f.errors + f.timeouts), '', '', '']);
  for (const [name, rs] of per) {
    const r = medianRound(rs);
    const share = r.reqPerS / f.reqPerS;
    const want = name === '/feed.rss' ? 0.3 : 0.2;
    rows.push([name, r.reqPerS.toFixed(0), share.toFixed(2), r.requests > 0 ? ms(r.p99Ms) : '-', String(r.non2xx), String(r.errors + r.timeouts),
      `>= ${want.toFixed(2)}, p99 < 100`, met(share >= want && r.non2xx + r.errors + r.timeouts === 0), met(r.requests > 0 && r.p99Ms < 100)]);
  }
  say(table(rows));
  say('  a route with non-2xx answers (503 from the heavy-request queue) or errors misses its share goal; "-": no request was answered within a round');
}

function printTimes(results: SizeResult[], routes: Route[]): void {
  const first = results[0];
  const last = results[results.length - 1];
  if (!first || !last) return;
  const ratioLabel = `${sizeLabel(last.total)}/${sizeLabel(first.total)}`;
  say('\nroute times, one request at a time (median ms after a warm-up; the first request in brackets):');
  const rows = [['route', ...results.map((r) => sizeLabel(r.total)), ratioLabel, 'goal', 'met']];
  for (const r of routes) {
    const cells = results.map((s) => {
      const t = s.times.get(r.name);
      return t ? `${ms(t.medianMs)} (${ms(t.firstMs)})${t.status >= 400 || (r.conditional && t.status !== 304) ? ` [${t.status}]` : ''}` : '-';
    });
    const a = first.times.get(r.name)?.medianMs ?? NaN;
    const b = last.times.get(r.name)?.medianMs ?? NaN;
    const ratio = b / a;
    const okRatio = results.length < 2 || ratio <= 2;
    const okStatus = !r.conditional || last.times.get(r.name)?.status === 304;
    const goal = r.conditional ? '304, <= 10 ms' : '<= 2x';
    const ok = r.conditional ? okStatus && b <= 10 && okRatio : okRatio;
    rows.push([r.name, ...cells, results.length < 2 ? '-' : `${ratio.toFixed(2)}x`, goal, met(ok)]);
  }
  say(table(rows));
  if (last.total !== 500_000 || first.total !== 10_000) say(`  the goal is stated for 500k against 10k; this run compares ${ratioLabel}`);
}

async function printStorage(file: string, versions: number, o: Options): Promise<void> {
  const { objects, fileBytes, freeBytes } = objectSizes(file);
  const byKind = new Map(KINDS.map((k) => [k, 0]));
  for (const x of objects) byKind.set(x.kind, (byKind.get(x.kind) ?? 0) + x.bytes);
  const total = objects.reduce((n, x) => n + x.bytes, 0);
  say(`\nbytes per version at ${sizeLabel(versions)} (${versions} versions; SQLite dbstat, pages as stored):`);
  const rows = [['kind', 'per version', 'share', 'MB']];
  for (const [k, b] of byKind) rows.push([k, kb(b / versions), `${((100 * b) / total).toFixed(1)} %`, (b / 2 ** 20).toFixed(1)]);
  rows.push(['all (file)', kb(fileBytes / versions), '', (fileBytes / 2 ** 20).toFixed(1)]);
  say(table(rows));
  say(`  goal: at most 4 KB per version all-in: ${met(fileBytes / versions <= 4096)}; free pages ${(freeBytes / 2 ** 20).toFixed(1)} MB`);
  say(`  largest objects: ${objects.slice(0, 8).map((x) => `${x.name} ${kb(x.bytes / versions)}`).join(', ')}`);
  const r = await randomReads(file, o.reads);
  say(`random version read (${r.count} versions through the store API, average body ${(r.bodyBytes / 1024).toFixed(0)} KB): ` +
    `text median ${ms(r.text.medianMs)} ms, p99 ${ms(r.text.p99Ms)} ms; body median ${ms(r.body.medianMs)} ms, p99 ${ms(r.body.p99Ms)} ms; ` +
    `both median ${ms(r.both.medianMs)} ms, p99 ${ms(r.both.p99Ms)} ms; goal under 2 ms: ${met(r.both.medianMs < 2)}`);
}

/** Runs the bench (see the module comment). */
export async function run(args: readonly string[] = []): Promise<void> {
  const o = parseOptions(args);
  if (o.storage && !o.generateOnly) {
    await printStorage(o.storage, await countVersions(o.storage), o);
    return;
  }
  const main = [...o.sizes].reverse().find((s) => s <= 100_000) ?? o.sizes[0] ?? 10_000;
  say(`sizes ${o.sizes.map(sizeLabel).join(', ')}; ${o.noLoad ? 'no load (--no-load), ' : 'load, '}storage and memory at ${sizeLabel(main)}` +
    `${o.sizes.some((t) => t > REPLICA_BASE) ? ', storage at the replicated sizes too' : ''}; cache ${cacheDir()}; ` +
    `${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (a shared machine makes the figures noisy)`);
  const results: SizeResult[] = [];
  let routesShown: Route[] = [];
  for (const total of o.sizes) {
    const db = await databaseFor(total, o);
    const replicaOf = readBuildNote(db.file)?.factor;
    if (replicaOf) say(`${sizeLabel(total)}: the ${sizeLabel(total / replicaOf)} database replicated ${replicaOf}x under new URLs (real texts and bodies)`);
    say(`${sizeLabel(total)}: ${path.basename(db.file)}, ${db.versions} versions, ${(fs.statSync(db.file).size / 2 ** 20).toFixed(0)} MB, ` +
      (db.generatedS === null ? `reused from the cache${describeBuild(db.file)}` : `${replicaOf ? 'built' : 'generated'} in ${(db.generatedS / 60).toFixed(1)} min${replicaOf ? '' : ` (${o.threads} thread${o.threads === 1 ? '' : 's'})`}`));
    if (o.generateOnly) continue;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-scale-'));
    const copy = path.join(dir, 'scale.db');
    fs.copyFileSync(db.file, copy, fs.constants.COPYFILE_FICLONE);
    let server = null;
    let floor = null;
    try {
      const { routes: all, notes } = await routesOf(copy);
      const routes = pickRoutes(all, o);
      routesShown = routes;
      say(`  ${notes.join('; ')}`);
      server = await startServe(copy);
      results.push({ total, times: await timeRoutes(server.url, routes, o) });
      if (total === main && !o.noLoad) {
        floor = await startFloor();
        const load = await loadRoutes(server.url, floor.url, routes.filter((r) => r.loaded), o);
        printLoad(sizeLabel(total), load.floor, load.per, o);
      }
      if (total === main) {
        const m = memoryOf(server.pid);
        say(`\nserve's memory at ${sizeLabel(total)} after every route was requested${o.noLoad ? ' (one request at a time, no load)' : ''}: ` +
          `RSS ${m.rssMb.toFixed(0)} MB, peak (VmHWM) ${m.hwmMb.toFixed(0)} MB; goal under 250 MB: ${met(m.hwmMb < 250)}`);
      }
      await server.stop();
      server = null;
      if (!o.routes && (total === main || total > REPLICA_BASE)) await printStorage(copy, db.versions, o);
    } finally {
      await server?.stop();
      await floor?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (o.generateOnly) return;
  printTimes(results, routesShown);
  if (!o.sizes.includes(500_000)) say('  500k not asked: npm run bench -- scale --sizes 10k,100k,500k (the 100k database replicated 5x, built once, then cached)');
  say(`  (single requests: ${o.requests} timed after 3 warm-ups; a fresh server per size, on a copy of the cached database)`);
}
