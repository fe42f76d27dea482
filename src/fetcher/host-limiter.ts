/**
 * HostLimiter: politeness towards each origin server. At most N requests in flight per host, a minimum gap between
 * request starts to the same host, and a global cap on requests in flight. A host that asked to be left alone
 * (deferHost: a Retry-After) for longer than maxDeferWaitMs gets no waiting queue: its calls are refused at once
 * with a HostDeferredError saying until when, so that they never hold up the calls of other hosts, nor whoever
 * awaits them. Independent of the database and of HTTP: it only orders calls of the functions it is given.
 */
import { HostDeferredError } from './types.js';

/** Limits for a HostLimiter; every field has a default. */
export interface HostLimiterOptions {
  /** Requests in flight to one host at a time (default 2). */
  perHostConcurrency?: number;
  /** Minimum milliseconds between two request starts to the same host (default 1000). */
  perHostDelayMs?: number;
  /** Requests in flight overall (default 8). */
  globalConcurrency?: number;
  /**
   * Longest wait for a deferred host before its calls are refused with HostDeferredError instead (default 1000 ms):
   * a short Retry-After is waited out, a long one ends the call at once.
   */
  maxDeferWaitMs?: number;
}

interface Job {
  fn: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface HostState {
  queue: Job[];
  running: number;
  /** Date.now() of the last start, or -Infinity. */
  lastStart: number;
  /** Extra delay for this host (e.g. a robots.txt Crawl-delay); the larger of this and the default applies. */
  delayMs: number;
  /** Nothing starts before this time (Date.now() scale), e.g. after a 429 with Retry-After. */
  notBefore: number;
}

/**
 * Longest single timer: setTimeout takes at most 2^31-1 ms (~24.8 days) and turns anything longer into 1 ms, which
 * would spin. A later start is reached by re-arming.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Longest deferral or spacing kept (a year): beyond it a value is nonsense, and Date cannot hold every number. */
const MAX_HOLD_MS = 365 * 86_400_000;

/** Host-state map size that triggers a sweep of idle hosts. */
const SWEEP_AT = 10_000;

/** Host names are case-insensitive; ports are ignored because politeness is owed to the machine, not the port. */
function hostKey(urlOrHost: string): string {
  try {
    return new URL(urlOrHost).hostname.toLowerCase();
  } catch {
    return urlOrHost.toLowerCase();
  }
}

/** Schedules calls per host under concurrency and start-spacing limits. */
export class HostLimiter {
  private readonly perHost: number;
  private readonly delayMs: number;
  private readonly global: number;
  private readonly maxDeferWaitMs: number;
  private readonly hosts = new Map<string, HostState>();
  /** Hosts with queued jobs, in the order they should next be served (round robin). */
  private readonly waiting = new Set<string>();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(opts: HostLimiterOptions = {}) {
    this.perHost = positiveInt(opts.perHostConcurrency ?? 2, 'perHostConcurrency');
    this.delayMs = Math.max(0, opts.perHostDelayMs ?? 1000);
    this.global = positiveInt(opts.globalConcurrency ?? 8, 'globalConcurrency');
    this.maxDeferWaitMs = Math.max(0, opts.maxDeferWaitMs ?? 1000);
  }

  /**
   * Runs `fn` once the host of `url` (a URL, or a bare host name) may take another request, and settles with
   * its outcome. Jobs for one host start in the order they were scheduled.
   */
  schedule<T>(url: string, fn: () => Promise<T>): Promise<T> {
    const key = hostKey(url);
    const until = this.refusedUntil(key);
    if (until !== null) return Promise.reject(deferredError(url, key, until));
    return new Promise<T>((resolve, reject) => {
      this.state(key).queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.waiting.add(key);
      this.pump();
    });
  }

  /** Raises the start spacing for one host (e.g. robots.txt Crawl-delay); it never goes below the default. */
  setHostDelay(urlOrHost: string, delayMs: number): void {
    this.state(hostKey(urlOrHost)).delayMs = clampHold(delayMs);
    this.pump();
  }

  /**
   * Starts nothing for this host during the next `ms` milliseconds (e.g. a 429 or 503 with Retry-After; at most a
   * year). When that is longer than maxDeferWaitMs, the calls waiting for the host are refused at once, and so are
   * later ones until the time has passed.
   */
  deferHost(urlOrHost: string, ms: number): void {
    if (Number.isNaN(ms)) return;
    const key = hostKey(urlOrHost);
    const s = this.state(key);
    s.notBefore = Math.max(s.notBefore, Date.now() + clampHold(ms));
    const until = this.refusedUntil(key);
    if (until !== null && s.queue.length > 0) {
      for (const job of s.queue.splice(0)) job.reject(deferredError(urlOrHost, key, until));
      this.waiting.delete(key);
    }
    this.pump();
  }

  /** When the host may be asked again (Date.now() scale), if it asked to be left alone until later than now. */
  deferredUntil(urlOrHost: string): number | null {
    const s = this.hosts.get(hostKey(urlOrHost));
    return s && s.notBefore > Date.now() ? s.notBefore : null;
  }

  /** Counts for monitoring: calls in flight and calls waiting, overall. */
  stats(): { running: number; queued: number; hosts: number } {
    let queued = 0;
    for (const key of this.waiting) queued += this.hosts.get(key)?.queue.length ?? 0;
    return { running: this.running, queued, hosts: this.hosts.size };
  }

  /** The end of the host's deferral when calls to it are refused rather than queued (see maxDeferWaitMs). */
  private refusedUntil(key: string): number | null {
    const s = this.hosts.get(key);
    return s && s.notBefore - Date.now() > this.maxDeferWaitMs ? s.notBefore : null;
  }

  private state(key: string): HostState {
    let s = this.hosts.get(key);
    if (!s) {
      if (this.hosts.size >= SWEEP_AT) this.sweep();
      s = { queue: [], running: 0, lastStart: -Infinity, delayMs: 0, notBefore: 0 };
      this.hosts.set(key, s);
    }
    return s;
  }

  /** Starts every job allowed now and arms a timer for the earliest one that will be allowed later. */
  private pump(): void {
    const now = Date.now();
    let earliest = Infinity;
    for (const key of [...this.waiting]) {
      if (this.running >= this.global) break;
      const s = this.hosts.get(key);
      const job = s?.queue[0];
      if (!s || !job) {
        this.waiting.delete(key);
        continue;
      }
      if (s.running >= this.perHost) continue; // a completion will pump again
      const readyAt = Math.max(s.lastStart + Math.max(this.delayMs, s.delayMs), s.notBefore);
      if (readyAt > now) {
        earliest = Math.min(earliest, readyAt);
        continue;
      }
      s.queue.shift();
      // Move the host to the back so other hosts get their turn before its next job.
      this.waiting.delete(key);
      if (s.queue.length > 0) this.waiting.add(key);
      this.start(key, s, job, now);
    }
    if (earliest < Infinity && earliest < this.timerAt) this.arm(earliest, now);
  }

  private arm(at: number, now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - now)));
  }

  private start(key: string, s: HostState, job: Job, now: number): void {
    s.running++;
    this.running++;
    s.lastStart = now;
    Promise.resolve()
      .then(job.fn)
      .then(job.resolve, job.reject)
      .finally(() => {
        s.running--;
        this.running--;
        this.forgetIfIdle(key, s);
        this.pump();
      });
  }

  /** Forgets every idle host whose spacing has expired (hosts finished too fast to be forgotten at completion). */
  private sweep(): void {
    for (const [key, s] of this.hosts) this.forgetIfIdle(key, s);
  }

  /** Drops state nobody needs any more, so a long run over many hosts does not grow the map forever. */
  private forgetIfIdle(key: string, s: HostState): void {
    if (s.running > 0 || s.queue.length > 0 || s.delayMs > 0) return;
    const readyAt = Math.max(s.lastStart + this.delayMs, s.notBefore);
    if (readyAt <= Date.now()) this.hosts.delete(key);
    // Otherwise the spacing still matters; the state stays and is reused by the next job for this host.
  }
}

/** A deferral or spacing in ms within [0, MAX_HOLD_MS] (Infinity, from a nonsensical header, becomes the maximum). */
function clampHold(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(MAX_HOLD_MS, Math.max(0, ms));
}

/** The refusal of a call to a deferred host. */
function deferredError(url: string, host: string, until: number): HostDeferredError {
  const at = new Date(until);
  return new HostDeferredError(url, at, `${host} asked to be left alone until ${at.toISOString()}; not fetching now`);
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`fetcher: HostLimiter ${name} must be a positive integer, got ${n}`);
  return n;
}
