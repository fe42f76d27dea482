/**
 * RobotsCache: fetches, parses (robots-parser) and caches robots.txt per origin, answering "may we fetch this
 * URL?" and "how long should we wait between requests?". Failure handling follows RFC 9309: a 4xx robots.txt means
 * no restrictions; a 5xx/429 or a network failure (timeout, refused, DNS...) means robots.txt is *unavailable*: no
 * page of the origin is fetched for a short while, and the caller treats that as a transient failure to retry later,
 * never as the site forbidding anything. Only the first 512 KiB of a robots.txt are read (RFC 9309 section 2.5).
 */
import robotsParserModule from 'robots-parser';
import { fetchPage } from './fetch-page.js';
import { parseRetryAfter } from './retry.js';
import { FetchError, HostDeferredError, type FetchErrorCode, type FetchOptions, type FetchResult } from './types.js';
import { DEFAULT_USER_AGENT } from './user-agent.js';

// The package is CommonJS (`module.exports = fn`) but its typings declare `export default`: at run time the default
// import IS the function, while TypeScript (NodeNext) types it as the module record. Bridge the two.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robot = ReturnType<typeof robotsParser>;

/** Options of a RobotsCache; every field has a default. */
export interface RobotsCacheOptions {
  /** How robots.txt is fetched (default fetchPage). */
  fetch?: (url: string, opts: FetchOptions) => Promise<FetchResult>;
  /** Passed to every robots.txt fetch (allowPrivate, lookup, userAgent, timeouts...). */
  fetchOptions?: FetchOptions;
  /** Lifetime of a successfully fetched robots.txt, or of a 4xx "allow all" (default 24 h). */
  ttlMs?: number;
  /** Lifetime of the "unavailable" verdict after a 5xx, 429 or network failure (default 10 min). */
  errorTtlMs?: number;
  /** Origins kept at most; the oldest entries are dropped first (default 10 000). */
  maxEntries?: number;
  /** Wraps each robots.txt fetch, e.g. HostLimiter.schedule, so robots requests obey the same politeness. */
  schedule?: <T>(url: string, fn: () => Promise<T>) => Promise<T>;
  /** Clock (ms since epoch), injectable for tests. */
  now?: () => number;
}

/**
 * What is known about one origin's robots.txt: its rules (`truncated` when it was longer than 512 KiB and only the
 * first 512 KiB were parsed), no restrictions (a 4xx, endless redirects), or unavailable for now. `code` says why
 * it is unavailable (`http` for a 5xx or 429, whose Retry-After, if any, is `retryAfterMs`; otherwise the fetch's
 * error code, e.g. `timeout`, `connection`, `dns`, `private_address`).
 */
export type RobotsVerdict =
  | { kind: 'rules'; robot: Robot; status: number; truncated?: boolean }
  | { kind: 'allow-all'; reason: string }
  | { kind: 'unavailable'; reason: string; code: FetchErrorCode | 'http'; status?: number; retryAfterMs?: number };

interface Entry {
  verdict: RobotsVerdict;
  expiresAt: number;
}

/** robots.txt is parsed up to this size and the rest ignored (RFC 9309 asks for at least 500 KiB). */
export const MAX_ROBOTS_BYTES = 512 * 1024;

/** Per-origin robots.txt cache. */
export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly fetch: NonNullable<RobotsCacheOptions['fetch']>;
  private readonly fetchOptions: FetchOptions;
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly maxEntries: number;
  private readonly schedule: NonNullable<RobotsCacheOptions['schedule']>;
  private readonly now: () => number;

  constructor(opts: RobotsCacheOptions = {}) {
    this.fetch = opts.fetch ?? fetchPage;
    this.fetchOptions = opts.fetchOptions ?? {};
    this.ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000;
    this.errorTtlMs = opts.errorTtlMs ?? 10 * 60 * 1000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.schedule = opts.schedule ?? ((_url, fn) => fn());
    this.now = opts.now ?? Date.now;
  }

  /**
   * True when robots.txt of the URL's origin lets `userAgent` fetch it (product token matched, e.g. "palimpsest");
   * false too while robots.txt is unavailable (robotsRefusal tells the two apart).
   */
  async isAllowed(url: string, userAgent: string = this.fetchOptions.userAgent ?? DEFAULT_USER_AGENT): Promise<boolean> {
    const verdict = await this.verdict(url);
    if (verdict.kind !== 'rules') return verdict.kind === 'allow-all';
    return verdict.robot.isAllowed(url, userAgent) ?? true;
  }

  /** The Crawl-delay for `userAgent` on the URL's origin in milliseconds, or null when none is given. */
  async crawlDelayMs(url: string, userAgent: string = this.fetchOptions.userAgent ?? DEFAULT_USER_AGENT): Promise<number | null> {
    const verdict = await this.verdict(url);
    if (verdict.kind !== 'rules') return null;
    const seconds = verdict.robot.getCrawlDelay(userAgent);
    return seconds === undefined || !Number.isFinite(seconds) || seconds < 0 ? null : Math.round(seconds * 1000);
  }

  /**
   * The cached (or freshly fetched) verdict for the URL's origin. Concurrent callers share one fetch. Rejects with
   * HostDeferredError (and caches nothing) when the robots.txt request itself was refused because the host is
   * deferred.
   */
  async verdict(url: string): Promise<RobotsVerdict> {
    const origin = new URL(url).origin;
    const cached = this.entries.get(origin);
    if (cached && cached.expiresAt > this.now()) return cached.verdict;
    let pending = this.inflight.get(origin);
    if (!pending) {
      pending = this.load(origin).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, pending);
    }
    return (await pending).verdict;
  }

  /** Forgets everything (e.g. after a configuration change). */
  clear(): void {
    this.entries.clear();
  }

  private async load(origin: string): Promise<Entry> {
    const robotsUrl = `${origin}/robots.txt`;
    const verdict = await this.fetchVerdict(robotsUrl);
    // An unavailable robots.txt is asked for again after errorTtlMs, or when its Retry-After ends if sooner.
    const ttl = verdict.kind !== 'unavailable' ? this.ttlMs : Math.min(this.errorTtlMs, verdict.retryAfterMs ?? Infinity);
    const entry = { verdict, expiresAt: this.now() + ttl };
    this.entries.delete(origin); // re-insert so Map order is age order
    this.entries.set(origin, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  private async fetchVerdict(robotsUrl: string): Promise<RobotsVerdict> {
    let res: FetchResult;
    try {
      // Our size limit wins over the caller's (pages may be larger than robots.txt is read).
      const opts: FetchOptions = { ...this.fetchOptions, maxBytes: MAX_ROBOTS_BYTES, truncate: true };
      res = await this.schedule(robotsUrl, () => this.fetch(robotsUrl, opts));
    } catch (err) {
      if (err instanceof HostDeferredError) throw err; // not an answer about robots.txt: ask again when allowed
      // Endless redirects count as "no robots.txt" (as Google does); anything else as unavailable for now.
      if (err instanceof FetchError && err.code === 'too_many_redirects') return { kind: 'allow-all', reason: err.message };
      const code = err instanceof FetchError ? err.code : 'connection';
      return { kind: 'unavailable', code, reason: `robots.txt unreachable: ${(err as Error).message.replace(/^fetcher: /, '')}` };
    }
    const s = res.status;
    if (s >= 200 && s < 300) {
      // robots.txt is UTF-8 by specification (RFC 9309), whatever the Content-Type says. A cut file loses its
      // last, partial line: half a rule ("Disallow: /a" of "Disallow: /about/team") would forbid too much.
      let text = res.body.toString('utf8');
      if (res.truncated) text = text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1));
      return { kind: 'rules', robot: robotsParser(robotsUrl, text), status: s, ...(res.truncated ? { truncated: true } : {}) };
    }
    if (s === 429 || s >= 500) {
      const retryAfter = parseRetryAfter(res.headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1], new Date());
      return {
        kind: 'unavailable', code: 'http', status: s, reason: `robots.txt answered ${s}`,
        ...(retryAfter !== null ? { retryAfterMs: retryAfter } : {}),
      };
    }
    return { kind: 'allow-all', reason: `robots.txt answered ${s}` };
  }
}

/**
 * Whether robots.txt lets `userAgent` fetch `url` now: null to go ahead, or the FetchError to fail with, `robots`
 * when robots.txt forbids the URL and `robots_unavailable` when it cannot be read for now (a transient failure: try
 * again later, the site forbids nothing). An origin refused for its address is let through: the fetch itself then
 * refuses it with its own, clearer error. Rejects with HostDeferredError when the host is deferred.
 */
export async function robotsRefusal(robots: RobotsCache, url: string, userAgent: string): Promise<FetchError | null> {
  const verdict = await robots.verdict(url);
  const origin = new URL(url).origin;
  if (verdict.kind === 'unavailable') {
    if (verdict.code === 'private_address') return null;
    return new FetchError('robots_unavailable', `${verdict.reason}: not fetching ${url} until robots.txt of ${origin} can be read`, url);
  }
  if (verdict.kind === 'rules' && verdict.robot.isAllowed(url, userAgent) === false) {
    return new FetchError('robots', `robots.txt of ${origin} forbids ${userAgent.split('/')[0]} to fetch this page`, url);
  }
  return null;
}
