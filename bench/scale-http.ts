/**
 * HTTP machinery of the scale bench (bench/scale.ts): a real `palimpsest serve --no-scheduler` process and a plain
 * Express floor process on 127.0.0.1, single requests timed one after another, autocannon rounds, and the server's
 * memory from /proc.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { CLI } from './fleet-run.js';
import { startNode } from './proc.js';

/** A server process the bench started. */
export interface ServerProc {
  /** Base URL without a trailing slash. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `node <args>` and waits for its ready line; the URL it names, without a trailing slash. */
async function startProcess(args: string[], env: Record<string, string>, ready: RegExp, what: string): Promise<ServerProc> {
  const p = await startNode(args, env, ready, `scale bench: ${what}`, 120_000);
  return { url: p.url.replace(/\/$/, ''), pid: p.pid, stop: p.stop };
}

/** `palimpsest serve --no-scheduler` on the database `db`, on a free port of 127.0.0.1. */
export function startServe(db: string): Promise<ServerProc> {
  if (!fs.existsSync(CLI)) throw new Error(`scale bench: ${CLI} is missing; run "npm run build" first`);
  return startProcess([CLI, 'serve', '--no-scheduler', '--port', '0', '--host', '127.0.0.1'],
    { PALIMPSEST_DB: db, PALIMPSEST_LOG_LEVEL: 'warn' }, /Palimpsest listening on (http:\/\/\S+)/, 'palimpsest serve');
}

/** The floor: a plain Express app answering a small string (bench/scale-floor.ts), in a process of its own. */
export function startFloor(): Promise<ServerProc> {
  const here = fileURLToPath(import.meta.url);
  return startProcess([path.join(path.dirname(here), `scale-floor${path.extname(here)}`)], {}, /floor listening on (http:\/\/\S+)/, 'the Express floor');
}

/** Resident memory of a process now and at its peak (VmRSS, VmHWM), in MB. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One answer: status, the headers the bench needs, bytes and milliseconds to the last byte. */
export interface Answer {
  status: number;
  ms: number;
  bytes: number;
  etag: string | null;
  lastModified: string | null;
}

/** GETs `url` (with extra headers) on a kept-alive connection and times it to the last byte. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers: { 'accept-encoding': 'gzip', ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => { bytes += d.length; });
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, ms: performance.now() - t0, bytes,
        etag: (res.headers.etag as string | undefined) ?? null, lastModified: (res.headers['last-modified'] as string | undefined) ?? null,
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(600_000, () => req.destroy(new Error(`scale bench: ${url} did not answer within 10 minutes`)));
  });
}

/** Median of numbers (NaN for none). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The p-th percentile (0..100, nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** Single-request timing of one route: the first request, then `n` after `warm` warm-up requests. */
export interface Timing {
  firstMs: number;
  medianMs: number;
  status: number;
  bytes: number;
}

/** Times a route: the first request, `warm` warm-ups, then the median of `n` sequential requests. */
export async function timeRoute(url: string | ((i: number) => string), headers: Record<string, string>, n: number, warm = 3): Promise<Timing> {
  // A function gives each request a URL of its own (see Route.fresh).
  const at = typeof url === 'string' ? (): string => url : url;
  const first = await get(at(0), headers);
  for (let i = 1; i <= warm; i++) await get(at(i), headers);
  const ms: number[] = [];
  let last = first;
  for (let i = 0; i < n; i++) {
    last = await get(at(warm + 1 + i), headers);
    ms.push(last.ms);
  }
  return { firstMs: first.ms, medianMs: median(ms), status: last.status, bytes: last.bytes };
}

/** One autocannon round. */
export interface Round {
  /** Requests answered within the round. */
  requests: number;
  reqPerS: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** One autocannon round on `url`: `connections` connections for `seconds` s. */
export async function cannon(url: string, connections: number, seconds: number): Promise<Round> {
  const r = await autocannon({ url, connections, duration: seconds, headers: { 'accept-encoding': 'gzip' }, timeout: 30 });
  // Completed requests over the whole round (autocannon's per-second average leaves out a last partial second).
  return { requests: r.requests.total, reqPerS: r.requests.total / Math.max(r.duration, 1e-3), p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
}
