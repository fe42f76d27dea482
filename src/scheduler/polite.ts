/**
 * The polite fetch used by the scheduler and `palimpsest check`: robots.txt obeyed (with its Crawl-delay), at most N
 * requests at once per host with a minimum delay between them, a global limit, hosts that answered 429 or 503
 * with Retry-After left alone for that long, and keep-alive connections reused from one page of a host to the next.
 */
import type { Config } from '../config/index.js';
import {
  createConnectionPool, DEFAULT_USER_AGENT, fetchPage, HostLimiter, parseRetryAfter, RobotsCache, headerValue,
} from '../fetcher/index.js';
import { FetchError, type FetchOptions, type FetchResult } from '../fetcher/types.js';
import { deferFleetHost, setFleetCrawlDelay, withFleetSlot, type FleetSlotOptions } from './fleet-slots.js';

/** A fetch function for the tracker, with the shared limiter and robots cache behind it. */
export interface PoliteFetcher {
  fetch(url: string, headers: Record<string, string>): Promise<FetchResult>;
  limiter: HostLimiter;
  robots: RobotsCache;
  /** Closes the kept-alive connections (idle ones never keep the process alive, so this is for tidy shutdowns). */
  close(): void;
}

/**
 * Builds the polite fetcher for a configuration; one instance is shared by all checks of a process. With `fleet`,
 * each request (robots.txt included) also takes a fleet-wide slot for its host in the shared database, and
 * Retry-After and Crawl-delay are recorded there for every process to honour.
 */
export function createPoliteFetcher(config: Config, now: () => Date = () => new Date(), fleet?: FleetSlotOptions): PoliteFetcher {
  const f = config.fetch;
  const userAgent = f.userAgent ?? DEFAULT_USER_AGENT;
  // As many pooled connections per host as requests may be open to it: the per-host limit holds for sockets too.
  const pool = f.keepAlive ? createConnectionPool({ maxSocketsPerHost: f.perHostConcurrency }) : undefined;
  const base: FetchOptions = {
    allowPrivate: config.allowPrivate, connectTimeoutMs: f.connectTimeoutMs, totalTimeoutMs: f.totalTimeoutMs,
    maxRedirects: f.maxRedirects, maxBytes: f.maxBytes, userAgent, ...(pool ? { pool } : {}),
  };
  const limiter = new HostLimiter({ perHostConcurrency: f.perHostConcurrency, perHostDelayMs: f.perHostDelayMs, globalConcurrency: f.globalConcurrency });
  const schedule = <T>(url: string, fn: () => Promise<T>): Promise<T> =>
    limiter.schedule(url, fleet ? () => withFleetSlot(fleet, url, fn) : fn);
  const robots = new RobotsCache({ fetchOptions: base, schedule });
  const delaysSet = new Set<string>();
  return {
    limiter,
    robots,
    close: () => pool?.destroy(),
    async fetch(url, headers) {
      if (f.obeyRobots) {
        const verdict = await robots.verdict(url);
        // An address the fetcher refuses anyway is reported as such by the fetch below, not as a robots.txt verdict.
        const refused = verdict.kind === 'disallow-all' && /\[?private_address\]?|non-public address/.test(verdict.reason);
        if (verdict.kind === 'disallow-all' && !refused) {
          throw new FetchError('robots', `${verdict.reason.replace(/^fetcher: /, '')}: not fetching ${url} until robots.txt can be read`, url);
        }
        if (verdict.kind === 'rules' && verdict.robot.isAllowed(url, userAgent) === false) {
          throw new FetchError('robots', `robots.txt of ${new URL(url).origin} forbids ${userAgent.split('/')[0]} to fetch this page`, url);
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
        const wait = parseRetryAfter(headerValue(res.headers, 'retry-after') ?? undefined, now());
        if (wait !== null) {
          limiter.deferHost(url, wait);
          if (fleet) await deferFleetHost(fleet, url, wait);
        }
      }
      return res;
    },
  };
}
