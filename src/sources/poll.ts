/**
 * Polling a source: fetch each of its URLs (conditionally, within robots.txt), discover article links,
 * canonicalise and filter them, start tracking the new ones (due at once), and record the poll on the source.
 */
import type { Config } from '../config/index.js';
import { canonicalUrl } from '../discovery/canonical.js';
import { parseDocument } from '../discovery/document.js';
import { compileUrlFilter, passesFilter, type UrlFilter } from '../discovery/patterns.js';
import { pickChildSitemaps } from '../discovery/sitemaps.js';
import type { DiscoveredLink } from '../discovery/types.js';
import { conditionalHeaders, DEFAULT_USER_AGENT, fetchPage, RobotsCache, robotsRefusal, validatorsOf, type FetchResult } from '../fetcher/index.js';
import type { Store } from '../store/index.js';
import { definitionOf, type SourceDefinition } from './schema.js';

/** Dependencies of polling; everything but store and config has a default. */
export interface PollDeps {
  store: Store;
  config: Config;
  /** Fetches a URL with extra request headers (default: fetchPage with the configured fetch settings). */
  fetch?: (url: string, headers: Record<string, string>) => Promise<FetchResult>;
  /** robots.txt cache (default: one per Config object, fetching with the configured settings). */
  robots?: RobotsCache;
  /** Wraps each fetch for politeness, e.g. HostLimiter.schedule (default: runs it at once). */
  schedule?: <T>(url: string, fn: () => Promise<T>) => Promise<T>;
  now?: () => Date;
}

/** One URL of a source that could not be polled. */
export interface PollError {
  url: string;
  message: string;
}

/**
 * The outcome of polling one source. Every link found counts once in `discovered`, which always equals
 * new + duplicates + excluded: `excluded` links were not http(s), failed the include/exclude patterns or were too
 * old; `duplicates` were found earlier in the same poll (under any of their URL variants) or were already tracked.
 */
export interface PollResult {
  sourceId: number;
  slug: string;
  discovered: number;
  new: number;
  duplicates: number;
  excluded: number;
  /** Documents answered 304 Not Modified. */
  notModified: number;
  /** Documents fetched (304s included). */
  fetched: number;
  errors: PollError[];
  /** Ids of the articles this poll started tracking. */
  newArticleIds: number[];
}

/** Depth of sitemap indexes followed: an index may list indexes once (against the protocol, but it happens). */
const MAX_SITEMAP_DEPTH = 2;
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8';
/** Longest wait between polls of a failing source. */
const MAX_BACKOFF_S = 86_400;

const robotsByConfig = new WeakMap<Config, RobotsCache>();
const inFlight = new Set<number>();

function defaultFetch(config: Config): NonNullable<PollDeps['fetch']> {
  return (url, headers) => fetchPage(url, {
    allowPrivate: config.allowPrivate,
    connectTimeoutMs: config.fetch.connectTimeoutMs,
    totalTimeoutMs: config.fetch.totalTimeoutMs,
    maxRedirects: config.fetch.maxRedirects,
    maxBytes: config.fetch.maxBytes,
    userAgent: config.fetch.userAgent,
    headers,
  });
}

function defaultRobots(config: Config): RobotsCache {
  let r = robotsByConfig.get(config);
  if (!r) {
    r = new RobotsCache({
      fetchOptions: {
        allowPrivate: config.allowPrivate, connectTimeoutMs: config.fetch.connectTimeoutMs,
        totalTimeoutMs: config.fetch.totalTimeoutMs, userAgent: config.fetch.userAgent,
      },
    });
    robotsByConfig.set(config, r);
  }
  return r;
}

/** State of one poll while it runs. */
interface Run {
  deps: PollDeps;
  def: SourceDefinition;
  sourceId: number;
  filter: UrlFilter;
  nowIso: string;
  oldestMs: number;
  seen: Set<string>;
  /** URLs fetched and processed (or answered 304) without error. */
  ok: number;
  result: PollResult;
}

/** Polls one source now. Failures of single URLs are collected in `errors`; only an unknown source throws. */
export async function pollSource(deps: PollDeps, sourceId: number): Promise<PollResult> {
  const source = await deps.store.getSource(sourceId);
  if (!source) throw new Error(`sources: no source with id ${sourceId}`);
  if (inFlight.has(sourceId)) throw new Error(`sources: source ${source.slug} is already being polled`);
  const now = (deps.now ?? (() => new Date()))();
  const result: PollResult = {
    sourceId, slug: source.slug, discovered: 0, new: 0, duplicates: 0, excluded: 0, notModified: 0, fetched: 0, errors: [], newArticleIds: [],
  };
  let def: SourceDefinition;
  try {
    def = definitionOf(source);
  } catch (err) {
    result.errors.push({ url: '', message: (err as Error).message });
    await deps.store.recordSourcePoll(sourceId, now.toISOString(), addSeconds(now, backoffS(600, source.errorCount)), (err as Error).message);
    return result;
  }
  inFlight.add(sourceId);
  try {
    const run: Run = {
      deps, def, sourceId, filter: compileUrlFilter(def.include, def.exclude), nowIso: now.toISOString(),
      oldestMs: def.maxAgeDays === undefined ? -Infinity : now.getTime() - def.maxAgeDays * 86_400_000,
      seen: new Set(), ok: 0, result,
    };
    const visited = await pollUrls(run);
    await deps.store.pruneSourceUrls(sourceId, [...visited]);
    const error = result.errors.length > 0 ? summariseErrors(result.errors) : null;
    const waitS = run.ok > 0 || result.errors.length === 0 ? def.intervalS : backoffS(def.intervalS, source.errorCount);
    await deps.store.recordSourcePoll(sourceId, now.toISOString(), addSeconds(now, waitS), error);
    return result;
  } finally {
    inFlight.delete(sourceId);
  }
}

/** Fetches the source's URLs and the child sitemaps they list, breadth first; returns every URL visited. */
async function pollUrls(run: Run): Promise<Set<string>> {
  const queue = run.def.urls.map((url) => ({ url, depth: 0 }));
  const visited = new Set<string>();
  for (let item = queue.shift(); item; item = queue.shift()) {
    if (visited.has(item.url)) continue;
    visited.add(item.url);
    try {
      const children = await pollUrl(run, item.url);
      if (item.depth < MAX_SITEMAP_DEPTH) for (const c of children) queue.push({ url: c, depth: item.depth + 1 });
    } catch (err) {
      run.result.errors.push({ url: item.url, message: (err as Error).message });
    }
  }
  return visited;
}

/** Polls one URL; returns the child sitemaps to visit next. */
async function pollUrl(run: Run, url: string): Promise<string[]> {
  const { deps, def, sourceId, result } = run;
  const robots = deps.robots ?? defaultRobots(deps.config);
  // Only a rule of robots.txt "disallows"; one that cannot be read is a failure to retry, and a private address is
  // refused by the fetch below, each with its own message.
  const refusal = await robotsRefusal(robots, url, deps.config.fetch.userAgent ?? DEFAULT_USER_AGENT);
  if (refusal?.code === 'robots') throw new Error(`sources: robots.txt disallows ${url}`);
  if (refusal) throw refusal;
  const state = await deps.store.getSourceUrlState(sourceId, url);
  const headers = { ...(def.kind === 'page' ? {} : { Accept: FEED_ACCEPT }), ...conditionalHeaders(state ?? {}) };
  const fetch = deps.fetch ?? defaultFetch(deps.config);
  const schedule = deps.schedule ?? ((_u, fn) => fn());
  result.fetched++;
  const res = await schedule(url, () => fetch(url, headers));
  if (res.status === 304 && state) {
    result.notModified++;
    run.ok++;
    await deps.store.saveSourceUrlState(sourceId, url, { ...state, lastFetched: run.nowIso, lastStatus: 304 });
    return state.children; // an unchanged index still has children that change
  }
  if (res.status < 200 || res.status >= 300) throw new Error(`sources: ${url} answered HTTP ${res.status}`);
  const doc = parseDocument(def.kind, { url: res.url, body: res.body, text: res.text }, {
    links: def.links, maxBytes: deps.config.fetch.maxBytes,
  });
  const children = pickChildSitemaps(doc.sitemaps, def.maxChildSitemaps).map((s) => s.url);
  await deps.store.transaction(async (tx) => {
    for (const link of doc.links) await takeLink(run, tx, link);
  });
  // Validators are stored only once the document was processed, so a failed parse is retried in full next time.
  const v = validatorsOf(res);
  await deps.store.saveSourceUrlState(sourceId, url, { etag: v.etag, lastModified: v.lastModified, lastFetched: run.nowIso, lastStatus: res.status, children });
  run.ok++;
  return children;
}

/** Counts one discovered link and starts tracking it (through `tx`, the poll's transaction) when it is new and wanted. */
async function takeLink(run: Run, tx: Store, link: DiscoveredLink): Promise<void> {
  const { result } = run;
  result.discovered++;
  const url = canonicalUrl(link.url, { stripParams: run.def.stripParams });
  const dated = link.publishedAt ?? link.lastModified;
  if (!url || !passesFilter(run.filter, url) || (dated !== undefined && Date.parse(dated) < run.oldestMs)) {
    result.excluded++;
    return;
  }
  if (run.seen.has(url)) {
    result.duplicates++;
    return;
  }
  run.seen.add(url);
  const { article, created } = await tx.insertArticle(url, run.nowIso, run.sourceId);
  if (created) {
    result.new++;
    result.newArticleIds.push(article.id);
  } else result.duplicates++;
}

function summariseErrors(errors: PollError[]): string {
  const text = errors.map((e) => e.message).join('; ');
  return text.length > 2000 ? `${text.slice(0, 1997)}...` : text;
}

/** Wait after a poll where every URL failed: the interval doubled per earlier consecutive failure, capped. */
function backoffS(intervalS: number, previousErrors: number): number {
  return Math.min(Math.max(intervalS, MAX_BACKOFF_S), intervalS * 2 ** Math.min(previousErrors + 1, 16));
}

function addSeconds(now: Date, seconds: number): string {
  return new Date(now.getTime() + Math.round(seconds * 1000)).toISOString();
}

/** Options of pollDueSources. */
export interface PollDueOptions {
  /** Most sources polled in one call (default 50). */
  limit?: number;
  /** Sources polled at the same time (default 2). */
  concurrency?: number;
  /** Called after each source (logging). */
  onResult?: (r: PollResult) => void;
}

/**
 * Polls every source whose next poll is due (skipping any still being polled from an earlier call), a few at a
 * time. Meant for the scheduler tick; never throws for one source.
 */
export async function pollDueSources(deps: PollDeps, opts: PollDueOptions = {}): Promise<PollResult[]> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const due = (await deps.store.listDueSources(now, opts.limit ?? 50)).filter((s) => !inFlight.has(s.id));
  const results: PollResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const s = due[next++];
      if (!s) break;
      let r: PollResult;
      try {
        r = await pollSource(deps, s.id);
      } catch (err) {
        r = { sourceId: s.id, slug: s.slug, discovered: 0, new: 0, duplicates: 0, excluded: 0, notModified: 0, fetched: 0, errors: [{ url: '', message: (err as Error).message }], newArticleIds: [] };
      }
      results.push(r);
      opts.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 2, due.length) }, worker));
  return results;
}
