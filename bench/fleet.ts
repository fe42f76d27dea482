/**
 * Fleet benchmark: checks per second of 1, 2 and 4 `palimpsest worker` processes sharing one PostgreSQL database,
 * against one worker on a SQLite file (the embedded mode; two workers sharing the file are shown for comparison),
 * all measured in the same run against the same loopback origin (20 hosts x 50 articles, corpus pages when the
 * corpus is there). Each measurement uses a fresh database and real worker processes; the clock runs from the moment
 * every article becomes due (the workers are up and idle) until each was checked once. Where the time goes comes from
 * the workers' /metrics (fetch and extraction time), the check log (whole checks), pg_stat_database (statement time)
 * and /proc (CPU of the workers, the PostgreSQL processes, this process and the whole machine).
 *
 * PostgreSQL: PALIMPSEST_BENCH_PG or PALIMPSEST_TEST_PG (a server URL; a database is created and dropped per
 * measurement), else a throw-away cluster from scripts/pg-test-cluster.sh (stopped at the end if this bench started
 * it). PALIMPSEST_BENCH_FLEET_ROUNDS (default 2) sets how often each configuration is measured.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, findPostgres, measure, startOrigin, type Measurement, type PgServer } from './fleet-run.js';

const HOSTS = 20;
const PER_HOST = 50;
/** scheduler.concurrency of each worker. */
const CONCURRENCY = 4;
const PER_HOST_DELAY_MS = 20;
const ROUNDS = Math.max(1, Number(process.env.PALIMPSEST_BENCH_FLEET_ROUNDS ?? 2) || 2);

/** One measured configuration. */
interface Setup {
  label: string;
  backend: 'sqlite' | 'postgres';
  workers: number;
}

const SETUPS: Setup[] = [
  { label: 'SQLite file, 1 worker (embedded mode)', backend: 'sqlite', workers: 1 },
  { label: 'SQLite file, 2 workers sharing it (comparison)', backend: 'sqlite', workers: 2 },
  { label: 'PostgreSQL, 1 worker', backend: 'postgres', workers: 1 },
  { label: 'PostgreSQL, 2 workers', backend: 'postgres', workers: 2 },
  { label: 'PostgreSQL, 4 workers', backend: 'postgres', workers: 4 },
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k] ?? 0) : c.padStart(widths[k] ?? 0))).join('  ')).join('\n');
}

const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(0)} %` : '-');
const sum = (ms: readonly Measurement[], f: (m: Measurement) => number): number => ms.reduce((n, m) => n + f(m), 0);
const rate = (m: Measurement): number => m.checks / m.seconds;

/** Runs every configuration ROUNDS times (interleaved) and prints the tables and a conclusion. */
export async function run(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`fleet bench: ${CLI} is missing; run "npm run build" first`);
  const cores = os.availableParallelism();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-fleet-config-'));
  const configFile = path.join(dir, 'palimpsest.json');
  fs.writeFileSync(configFile, JSON.stringify({
    scheduler: {
      concurrency: CONCURRENCY, maxPerTick: 100_000, idleMs: 200, extractThreads: 1, initialIntervalS: 86_400, afterChangeS: 86_400, jitter: 0,
    },
    fetch: { perHostConcurrency: 2, perHostDelayMs: PER_HOST_DELAY_MS },
  }));
  let origin: Awaited<ReturnType<typeof startOrigin>> | null = null;
  let server: PgServer | null = null;
  try {
    origin = await startOrigin(HOSTS, PER_HOST);
    const found = await findPostgres();
    if (typeof found === 'string') process.stdout.write(`fleet: ${found}; measuring SQLite only\n`);
    else server = found;
    const setups = SETUPS.filter((s) => s.backend === 'sqlite' || server);
    const results = new Map<Setup, Measurement[]>(setups.map((s) => [s, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const s of setups) {
        const m = await measure({ workers: s.workers, pgUrl: s.backend === 'postgres' ? (server?.url ?? null) : null, urls: origin.urls, configFile, concurrency: CONCURRENCY });
        results.get(s)?.push(m);
        process.stderr.write(`fleet: round ${round}/${ROUNDS}, ${s.label}: ${rate(m).toFixed(1)} checks/s\n`);
      }
    }
    report(setups, results, cores, origin.urls.length, origin.pages, server?.describe ?? null);
  } finally {
    await origin?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(setups: Setup[], results: Map<Setup, Measurement[]>, cores: number, articles: number, pages: string, pgWhat: string | null): void {
  const ms = (s: Setup): Measurement[] => results.get(s) ?? [];
  const med = (s: Setup): number => median(ms(s).map(rate));
  const base = setups[0] as Setup;
  process.stdout.write(`fleet: ${articles} articles (${pages}) on ${HOSTS} loopback hosts, each checked once per measurement; per worker process: ` +
    `scheduler.concurrency ${CONCURRENCY}, 1 extraction thread (nice 10, the default), perHostConcurrency 2 and perHostDelayMs ${PER_HOST_DELAY_MS} ` +
    `(fleet-wide through the database on PostgreSQL, per process on SQLite); ${cores} cores shared by the workers, the database server, ` +
    `the origin and this process; ${pgWhat ?? 'no PostgreSQL'}; SQLite: WAL, synchronous=NORMAL; ` +
    `median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (configurations interleaved), a fresh database each\n`);
  const rows = [['configuration', 'checks/s', 'range', `vs ${base.label.split(' (')[0]}`, 'seconds', 'outcomes']];
  for (const s of setups) {
    const rates = ms(s).map(rate);
    const outcomes: Record<string, number> = {};
    for (const m of ms(s)) for (const [k, n] of Object.entries(m.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + n;
    rows.push([s.label, med(s).toFixed(1), `${Math.min(...rates).toFixed(1)}-${Math.max(...rates).toFixed(1)}`, `${(med(s) / med(base)).toFixed(2)}x`,
      median(ms(s).map((m) => m.seconds)).toFixed(1), Object.entries(outcomes).map(([k, n]) => `${k} ${n}`).join(', ')]);
  }
  process.stdout.write(`${table(rows)}\n\nwhere the time goes (all rounds together):\n`);
  const time = [['configuration', 'fetch', 'extract', 'rest of check', 'between checks', 'PG statement ms/check', 'PG xacts/check']];
  const cpu = [['configuration', 'workers', 'PostgreSQL', 'origin+bench', 'other', 'cores busy', 'worker ms/check', 'PG ms/check']];
  for (const s of setups) {
    const m = ms(s);
    const slot = sum(m, (x) => x.slotS);
    const pgActive = m.every((x) => x.pgActiveS !== null) ? sum(m, (x) => x.pgActiveS ?? 0) : null;
    const commits = m.every((x) => x.pgCommits !== null) ? sum(m, (x) => x.pgCommits ?? 0) : null;
    const checks = sum(m, (x) => x.checks);
    time.push([s.label, pct(sum(m, (x) => x.fetchS), slot), pct(sum(m, (x) => x.extractS), slot),
      pct(sum(m, (x) => x.checkS - x.fetchS - x.extractS), slot), pct(slot - sum(m, (x) => x.checkS), slot),
      pgActive === null ? '-' : ((1000 * pgActive) / checks).toFixed(1), commits === null ? '-' : (commits / checks).toFixed(1)]);
    const capacity = sum(m, (x) => x.cpuWindowS) * cores;
    const pgCpu = m.every((x) => x.pgCpuS !== null) ? sum(m, (x) => x.pgCpuS ?? 0) : null;
    const known = sum(m, (x) => x.workerCpuS + x.benchCpuS) + (pgCpu ?? 0);
    cpu.push([s.label, pct(sum(m, (x) => x.workerCpuS), capacity), pgCpu === null ? '-' : pct(pgCpu, capacity), pct(sum(m, (x) => x.benchCpuS), capacity),
      pct(Math.max(0, sum(m, (x) => x.machineCpuS) - known), capacity), pct(sum(m, (x) => x.machineCpuS), capacity),
      ((1000 * sum(m, (x) => x.workerCpuS)) / checks).toFixed(1), pgCpu === null ? '-' : ((1000 * pgCpu) / checks).toFixed(1)]);
  }
  process.stdout.write(`${table(time)}\n`);
  process.stdout.write(`  shares of check-slot time (worker processes x ${CONCURRENCY} concurrent checks x wall time). fetch: the request with the waits for a ` +
    `polite slot (on PostgreSQL a slot in the database, polled); extract: in the worker's extraction thread, queueing included; rest of check: ` +
    `store writes, versioning, body compression; between checks: claiming work, loading the article, the final commit, idle slots at the end. ` +
    `PG statement ms/check: time the PostgreSQL backends spent executing statements (pg_stat_database.active_time, within the shares before it); PG xacts: transactions committed, single statements included\n\n`);
  process.stdout.write(`CPU during the measurement, as a share of wall time x ${cores} cores:\n${table(cpu)}\n`);
  process.stdout.write('  PostgreSQL: the backends of the measured database (the bench\'s polling included), the postmaster and the cluster\'s background ' +
    'processes; other: the rest of the machine (other programs)\n');
  process.stdout.write(`\n${conclusion(setups, results, cores)}\n`);
}

/** A plain-English conclusion computed from the figures. */
function conclusion(setups: Setup[], results: Map<Setup, Measurement[]>, cores: number): string {
  const of = (s: Setup): Measurement[] => results.get(s) ?? [];
  const med = (s: Setup): number => median(of(s).map(rate));
  const share = (s: Setup, f: (m: Measurement) => number): number => sum(of(s), f) / (sum(of(s), (x) => x.cpuWindowS) * cores);
  const perCheck = (s: Setup, f: (m: Measurement) => number): string => ((1000 * sum(of(s), f)) / sum(of(s), (x) => x.checks)).toFixed(0);
  const sqlite = setups[0] as Setup;
  const pgs = setups.filter((s) => s.backend === 'postgres');
  const words = [`SQLite with one worker checks ${med(sqlite).toFixed(0)} pages/s at ${perCheck(sqlite, (x) => x.workerCpuS)} ms of CPU a check.`];
  const one = pgs[0];
  const top = pgs[pgs.length - 1];
  if (one && top) {
    const best = pgs.reduce((a, b) => (med(b) > med(a) ? b : a));
    const pgCpu = of(one).every((x) => x.pgCpuS !== null) ? ` + ${perCheck(one, (x) => x.pgCpuS ?? 0)} ms in PostgreSQL` : '';
    words.push(`One PostgreSQL worker does ${(med(one) / med(sqlite)).toFixed(2)}x that, at ${perCheck(one, (x) => x.workerCpuS)} ms a check in the worker${pgCpu}; ` +
      `${top.workers} workers reach ${(med(top) / med(one)).toFixed(2)}x one PostgreSQL worker (${(med(top) / med(sqlite)).toFixed(2)}x SQLite).`);
    const busy = share(top, (x) => x.machineCpuS);
    if (busy >= 0.85) {
      words.push(`With ${top.workers} workers the ${cores} cores were ${(100 * busy).toFixed(0)} % busy, so on this machine more worker processes only add ` +
        `contention${best !== top ? ` (the best figure was with ${best.workers})` : ''}: a fleet gains from more machines, and from a database on a machine of its own.`);
    } else {
      words.push(`With ${top.workers} workers the cores were only ${(100 * busy).toFixed(0)} % busy: the limit is not CPU here (see the time shares).`);
    }
  }
  const other = Math.max(...setups.map((s) => share(s, (x) => x.machineCpuS - x.workerCpuS - x.benchCpuS - (x.pgCpuS ?? 0))));
  if (other > 0.1) words.push(`Other programs used up to ${(100 * other).toFixed(0)} % of the machine meanwhile: the rates are lower and noisier than on an idle machine.`);
  return words.join(' ');
}
