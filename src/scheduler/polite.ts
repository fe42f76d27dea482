/**
 * The polite fetch used by the scheduler and `palimpsest check`: robots.txt obeyed (with its Crawl-delay), at most N
 * requests at once per host with a minimum delay between them, a global limit, hosts that answered 429 or 503
 * with Retry-After left alone for that long, and keep-alive connections reused from one page of a host to the next.
 *
 * A host left alone never holds anything up: a fetch for it ends at once with a HostDeferredError saying when the
 * host may be asked again (the tracker reschedules the article then), so the other hosts' checks, the tick and the
 * source polls go on. A Retry-After is clamped to [1 s, fetch.maxRetryAfterS].
 */
import type { Config } from '../config/index.js';
import {
  createConnectionPool, DEFAULT_USER_AGENT, fetchPage, HostLimiter, parseRetryAfter, RobotsCache, robotsRefusal, headerValue,
} from '../fetcher/index.js';
import { HostDeferredError, type FetchOptions, type FetchResult } from '../fetcher/types.js';
import { deferFleetHost, setFleetCrawlDelay, withFleetSlot, type FleetSlotOptions } from './fleet-slots.js';

/** A fetch function for the tracker, with the shared limiter and robots cache behind it. */
export interface PoliteFetcher {
  fetch(url: string, headers: Record<string, string>): Promise<FetchResult>;
  limiter: HostLimiter;
  robots: RobotsCache;
  /** Closes the kept-alive connections (idle ones never keep the process alive, so this is for tidy shutdowns). */
  close(): void;
}

/** A Retry-After up to this long is waited out in the host's queue; a longer one ends the fetch at once. */
export const DEFER_WAIT_MS = 1000;

/**
 * Builds the polite fetcher for a configuration; one instance is shared by all checks of a process. With `fleet`,
 * each request (robots.txt included) also takes a fleet-wide slot for its host in the shared database, and
 * Retry-After and Crawl-delay are recorded there for every process to honour.
 */
export function createPoliteFetcher(config: Config, now: () => Date = () => new Date(), fleet?: FleetSlotOptions): PoliteFetcher {
  const f = config.fetch;
  const userAgent = f.userAgent ?? DEFAULT_USER_AGENT;
  const maxRetryAfterMs = f.maxRetryAfterS * 1000;
  // As many pooled connections per host as requests may be open to it: the per-host limit holds for sockets too.
  const pool = f.keepAlive ? createConnectionPool({ maxSocketsPerHost: f.perHostConcurrency }) : undefined;
  const base: FetchOptions = {
    allowPrivate: config.allowPrivate, connectTimeoutMs: f.connectTimeoutMs, totalTimeoutMs: f.totalTimeoutMs,
    maxRedirects: f.maxRedirects, maxBytes: f.maxBytes, userAgent, ...(pool ? { pool } : {}),
  };
  const limiter = new HostLimiter({
    perHostConcurrency: f.perHostConcurrency, perHostDelayMs: f.perHostDelayMs, globalConcurrency: f.globalConcurrency, maxDeferWaitMs: DEFER_WAIT_MS,
  });
  const schedule = <T>(url: string, fn: () => Promise<T>): Promise<T> =>
    limiter.schedule(url, fleet ? () => withFleetSlot(fleet, url, fn, DEFER_WAIT_MS) : fn);
  const robots = new RobotsCache({ fetchOptions: base, schedule });
  const delaysSet = new Set<string>();
  /** Leaves the host alone for `ms` (already clamped), here and fleet-wide, saying why. */
  const defer = async (url: string, ms: number, reason: string): Promise<void> => {
    limiter.deferHost(url, ms);
    if (fleet) await deferFleetHost(fleet, url, ms, reason);
  };
  return {
    limiter,
    robots,
    close: () => pool?.destroy(),
    async fetch(url, headers) {
      // Checked first, so that not even robots.txt is asked for while the host wants to be left alone.
      const until = limiter.deferredUntil(url);
      if (until !== null && until - Date.now() > DEFER_WAIT_MS) {
        const at = new Date(until);
        throw new HostDeferredError(url, at, `${new URL(url).hostname} asked to be left alone until ${at.toISOString()}; not fetching now`);
      }
      if (f.obeyRobots) {
        const refusal = await robotsRefusal(robots, url, userAgent);
        if (refusal) {
          // A robots.txt answering 503 or 429 with Retry-After defers the whole host, like a page would.
          const verdict = await robots.verdict(url);
          if (verdict.kind === 'unavailable' && verdict.retryAfterMs !== undefined) {
            await defer(url, Math.min(verdict.retryAfterMs, maxRetryAfterMs), `${verdict.reason} with Retry-After`);
          }
          throw refusal;
        }
        const host = new URL(url).host;
        if (!delaysSet.has(host)) {
          delaysSet.add(host);
          const delay = await robots.crawlDelayMs(url, userAgent);
          if (delay !== null) {
            limiter.setHostDelay(url, delay);
            if (fleet) await setFleetCrawlDelay(fleet, url, delay);
          }
        }
      }
      const res = await schedule(url, () => fetchPage(url, { ...base, headers }));
      if (res.status === 429 || res.status === 503) {
        const header = headerValue(res.headers, 'retry-after') ?? undefined;
        const wait = parseRetryAfter(header, now(), maxRetryAfterMs);
        if (wait !== null) await defer(url, wait, `HTTP ${res.status}, Retry-After: ${(header ?? '').slice(0, 64)}`);
      }
      return res;
    },
  };
}
