/**
 * RobotsCache: fetches, parses (robots-parser) and caches robots.txt per origin, answering "may we fetch this
 * URL?" and "how long should we wait between requests?". Failure handling follows Google's documented practice:
 * a 4xx robots.txt means no restrictions, a 5xx/429 or a network failure means "disallow everything" for a short
 * while, so an overloaded site is left alone.
 */
import robotsParserModule from 'robots-parser';
import { fetchPage } from './fetch-page.js';
import { FetchError, type FetchOptions, type FetchResult } from './types.js';
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
  /** Lifetime of the "disallow all" verdict after a 5xx, 429 or network failure (default 10 min). */
  errorTtlMs?: number;
  /** Origins kept at most; the oldest entries are dropped first (default 10 000). */
  maxEntries?: number;
  /** Wraps each robots.txt fetch, e.g. HostLimiter.schedule, so robots requests obey the same politeness. */
  schedule?: <T>(url: string, fn: () => Promise<T>) => Promise<T>;
  /** Clock (ms since epoch), injectable for tests. */
  now?: () => number;
}

/** What is known about one origin's robots.txt. */
export type RobotsVerdict =
  | { kind: 'rules'; robot: Robot; status: number }
  | { kind: 'allow-all'; reason: string }
  | { kind: 'disallow-all'; reason: string };

interface Entry {
  verdict: RobotsVerdict;
  expiresAt: number;
}

/** robots.txt files larger than this are treated as unreachable (Google reads at most 500 KiB). */
const MAX_ROBOTS_BYTES = 512 * 1024;

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

  /** True when robots.txt of the URL's origin lets `userAgent` fetch it (product token matched, e.g. "palimpsest"). */
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

  /** The cached (or freshly fetched) verdict for the URL's origin. Concurrent callers share one fetch. */
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
    const ttl = verdict.kind === 'disallow-all' ? this.errorTtlMs : this.ttlMs;
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
      res = await this.schedule(robotsUrl, () => this.fetch(robotsUrl, { maxBytes: MAX_ROBOTS_BYTES, ...this.fetchOptions }));
    } catch (err) {
      // Endless redirects count as "no robots.txt" (as Google does); anything else as unreachable.
      if (err instanceof FetchError && err.code === 'too_many_redirects') return { kind: 'allow-all', reason: err.message };
      return { kind: 'disallow-all', reason: `fetcher: robots.txt unreachable: ${(err as Error).message}` };
    }
    const s = res.status;
    if (s >= 200 && s < 300) {
      // robots.txt is UTF-8 by specification (RFC 9309), whatever the Content-Type says.
      return { kind: 'rules', robot: robotsParser(robotsUrl, res.body.toString('utf8')), status: s };
    }
    if (s === 429 || s >= 500) return { kind: 'disallow-all', reason: `fetcher: robots.txt answered ${s}` };
    return { kind: 'allow-all', reason: `robots.txt answered ${s}` };
  }
}
