/**
 * Checking one article: fetch it (conditionally), extract it, let the versioner decide, and record the outcome in
 * the store. A failure is recorded on the article and returned, never thrown, so one bad article never stops a run.
 * A check whose host asked to be left alone (HostDeferredError) sends nothing and ends at once as `deferred`: the
 * article is due again when the host may be asked, and the deferral is no failure of the article (it never counts
 * towards pausing it). A robots.txt that cannot be read is an ordinary failure with backoff, not `blocked`.
 * An article with versions that answers 404/410 or starts redirecting elsewhere gets an article event
 * (src/tracker/note-presence.ts); a 404/410 is then no failure either: the article keeps its normal schedule.
 */
import type { Config } from '../config/index.js';
import { extract as defaultExtract, EXTRACTOR_VERSION, type SiteRule } from '../extractor/index.js';
import { canonicalMergeTarget } from '../discovery/index.js';
import type { Extracted } from '../extractor/types.js';
import { fetchPage, parseRetryAfter } from '../fetcher/index.js';
import { FetchError, HostDeferredError, type FetchResult } from '../fetcher/types.js';
import { sha256Hex, type CheckOutcome, type DeltaBase, type Encoded, type Store } from '../store/index.js';
import { addSeconds, intervalAfterError, intervalAfterUnchanged } from '../scheduler/intervals.js';
import type { CheckMetrics } from '../metrics/index.js';
import { storeCapture, type CaptureValidators } from './capture.js';
import { watchCapture } from '../health/monitor.js';
import { dropIgnored, plainContext, sourceContext, type SourceContext } from './source-context.js';
import type { RenderedPage, Renderer } from '../render/render.js';
import { notePresence } from './note-presence.js';

/**
 * How a check ended: a stored outcome, or `deferred` when the host asked to be left alone and nothing was sent (it
 * is recorded on the article, not in the check log).
 */
export type CheckResultOutcome = CheckOutcome | 'deferred';

/** What one check did. */
export interface CheckResult {
  articleId: number;
  url: string;
  outcome: CheckResultOutcome;
  /** The new version's number when one was stored. */
  versionNumber?: number;
  httpStatus?: number;
  error?: string;
  durationMs: number;
}

/**
 * A page extractor: `extract` from src/extractor unless a test supplies another; `rules` come from the article's
 * source; `explain` asks for the trace of what was removed (used to say why a body came out empty).
 */
export type ExtractFn = (html: string, url: string, options?: { rules?: readonly SiteRule[]; explain?: boolean }) => Extracted;

/** An extractor that may run elsewhere (a worker thread) and answer later; otherwise like ExtractFn. */
export type AsyncExtractFn = (...args: Parameters<ExtractFn>) => Extracted | Promise<Extracted>;

/** Dependencies of a check; `fetch`, `extract` and `now` are replaceable (politeness wrappers, tests). */
export interface CheckDeps {
  store: Store;
  config: Config;
  fetch?: (url: string, headers: Record<string, string>) => Promise<FetchResult>;
  extract?: AsyncExtractFn;
  /** Encodes a response body as the store keeps it (encodeBody of src/store unless the pipeline offloads it). */
  encode?: (body: Buffer, base: DeltaBase | null) => Promise<Encoded>;
  /** Recorded with each version; must change whenever `extract` would give a different result. */
  extractorVersion?: string;
  now?: () => Date;
  random?: () => number;
  /** Where fetch sizes, durations and outcomes are counted (none by default). */
  metrics?: CheckMetrics;
  /** The browser that renders articles of sources with `render: browser` (createPipeline gives one; none: such checks fail). */
  render?: Renderer;
}

/** A check failure with the reason to record on the article. */
class CheckFailure extends Error {
  constructor(message: string, readonly httpStatus?: number, readonly retryAfterMs?: number | null) {
    super(message);
  }
}

/** Robots-blocked articles are looked at again after a day, in case robots.txt changes. */
const BLOCKED_RETRY_S = 86400;

/** Articles of a deferred host come back over up to 10 % of the deferral, at most this much later. */
const DEFER_SPREAD_MAX_MS = 300_000;

function header(res: FetchResult, name: string): string | null {
  const hit = res.headers.find(([k]) => k.toLowerCase() === name);
  return hit ? hit[1] : null;
}

function isHtml(res: FetchResult): boolean {
  const t = res.contentType;
  if (t === 'text/html' || t === 'application/xhtml+xml') return true;
  if (t === '') return /^\s*</.test(res.text.slice(0, 512));
  return false;
}

/** The fetch the tracker uses by default: fetchPage with the configured limits. */
export function configuredFetch(config: Config) {
  return (url: string, headers: Record<string, string>) => fetchPage(url, {
    allowPrivate: config.allowPrivate,
    connectTimeoutMs: config.fetch.connectTimeoutMs,
    totalTimeoutMs: config.fetch.totalTimeoutMs,
    maxRedirects: config.fetch.maxRedirects,
    maxBytes: config.fetch.maxBytes,
    userAgent: config.fetch.userAgent,
    headers,
  });
}

/** Checks one article now and records the outcome. */
export async function checkArticle(deps: CheckDeps, articleId: number): Promise<CheckResult> {
  const open: { page?: RenderedPage } = {};
  try {
    return await checkOnce(deps, articleId, open);
  } finally {
    // A rendered page stays open through extraction and storing (for the screenshot of a new version).
    await open.page?.release();
  }
}

/** checkArticle's work; a page it renders is left in `open` for the caller to release. */
async function checkOnce(deps: CheckDeps, articleId: number, open: { page?: RenderedPage }): Promise<CheckResult> {
  const { store, config } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const fetch = deps.fetch ?? configuredFetch(config);
  const article = await store.getArticle(articleId);
  if (!article) throw new Error(`tracker: no article ${articleId}`);
  const started = now();
  const t0 = performance.now();
  let ctx: SourceContext;
  try {
    ctx = await sourceContext(store, config, article);
  } catch (err) {
    // A source whose stored settings no longer validate: check with the global settings, and say so.
    ctx = plainContext(config);
    process.emitWarning(`tracker: article ${article.id}: ${(err as Error).message}`);
  }
  const s = ctx.scheduler;
  /** Logs the check (through `tx` inside a transaction) and gives its result. */
  const done = async (outcome: CheckOutcome, extra: Partial<CheckResult> = {}, hash: string | null = null, tx: Store = store): Promise<CheckResult> => {
    const durationMs = Math.round(performance.now() - t0);
    deps.metrics?.checked(outcome, article.sourceId);
    await tx.insertCheck(article.id, started.toISOString(), outcome, extra.httpStatus ?? null, extra.error ?? null, durationMs, hash);
    return { articleId: article.id, url: article.url, outcome, durationMs, ...extra };
  };
  /** Records a check that found no new version, and its log entry, in one transaction. */
  const unchanged = (validators: Partial<CaptureValidators>, outcome: CheckOutcome, extra: Partial<CheckResult>, hash: string | null = null): Promise<CheckResult> => {
    const { intervalS, stop } = intervalAfterUnchanged(s, article.checkIntervalS, random);
    return store.transaction(async (tx) => {
      await tx.recordUnchanged(article.id, started.toISOString(), addSeconds(started, intervalS), intervalS,
        { etag: validators.etag ?? null, lastModified: validators.lastModified ?? null, bodySha256: validators.bodySha256 ?? null });
      if (stop) await tx.setArticleStatus(article.id, 'stopped');
      return done(outcome, extra, hash, tx);
    });
  };
  /** Reschedules the article for when its host may be asked again, spread a little so they do not all come back at once. */
  const deferred = async (err: HostDeferredError): Promise<CheckResult> => {
    const message = describeFetchError(err);
    const waitMs = Math.min(Math.max(err.until.getTime() - started.getTime(), 1000), config.fetch.maxRetryAfterS * 1000);
    const spreadMs = Math.min(waitMs * 0.1, DEFER_SPREAD_MAX_MS) * random();
    await store.recordDeferred(article.id, started.toISOString(), message, addSeconds(started, (waitMs + spreadMs) / 1000));
    return { articleId: article.id, url: article.url, outcome: 'deferred', error: message, durationMs: Math.round(performance.now() - t0) };
  };
  const fail = async (err: unknown, outcome: CheckOutcome = 'error', hash: string | null = null): Promise<CheckResult> => {
    if (err instanceof HostDeferredError) return deferred(err);
    const message = err instanceof FetchError ? describeFetchError(err)
      : err instanceof CheckFailure ? err.message : `tracker: ${(err as Error).message ?? String(err)}`;
    const httpStatus = err instanceof CheckFailure ? err.httpStatus : undefined;
    if (err instanceof FetchError && err.code === 'robots') {
      await store.recordError(article.id, started.toISOString(), message, addSeconds(started, BLOCKED_RETRY_S), 'blocked');
      return done('blocked', { error: message }, hash);
    }
    const consecutive = article.errorCount + 1;
    const status = consecutive >= s.maxConsecutiveErrors ? 'paused' : article.status === 'blocked' ? 'active' : article.status;
    // A Retry-After (429, 503) says when to come back; otherwise exponential backoff with jitter.
    const retryAfterS = err instanceof CheckFailure && err.retryAfterMs != null ? err.retryAfterMs / 1000 : null;
    const delayS = retryAfterS !== null ? Math.max(retryAfterS, 1) : intervalAfterError(s, consecutive, random);
    await store.recordError(article.id, started.toISOString(), message, addSeconds(started, delayS), status);
    return done(outcome, { error: message, httpStatus }, hash);
  };

  let res: FetchResult;
  try {
    const conditional: Record<string, string> = {};
    // A rendered page can change while its HTML does not (its text comes from scripts): it is always fetched whole.
    if (article.versionCount > 0 && article.etag && !ctx.render.browser) conditional['If-None-Match'] = article.etag;
    if (article.versionCount > 0 && article.lastModified && !ctx.render.browser) conditional['If-Modified-Since'] = article.lastModified;
    const tf = performance.now();
    try {
      res = await fetch(article.url, conditional);
    } catch (err) {
      if (!(err instanceof HostDeferredError)) deps.metrics?.fetchFailed((performance.now() - tf) / 1000); // nothing was sent
      throw err;
    }
    deps.metrics?.fetched(res.body.length, (performance.now() - tf) / 1000);
    // A live article that answers 404/410 is absent, not failing: an event marks the change, and it stays on its
    // normal schedule (no error count, never paused for it) in case it comes back.
    if ((await notePresence(store, article, res, started))?.state === 'absent') {
      return await unchanged({}, 'error', { httpStatus: res.status, error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}: absent, checked again on schedule` });
    }
    if (res.status === 304 && article.versionCount > 0) {
      return await unchanged({}, 'not_modified', { httpStatus: 304 });
    }
    if (res.status < 200 || res.status > 299) {
      const retryAfter = res.status === 429 || res.status === 503
        ? parseRetryAfter(header(res, 'retry-after') ?? undefined, started, config.fetch.maxRetryAfterS * 1000) : null;
      throw new CheckFailure(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${retryAfter !== null ? ` (Retry-After ${Math.round(retryAfter / 1000)} s)` : ''}`, res.status, retryAfter);
    }
    if (!isHtml(res)) throw new CheckFailure(`not an HTML page (Content-Type: ${res.contentType || 'none'})`, res.status);
    if (ctx.render.browser) {
      if (!deps.render) throw new CheckFailure('render: this process has no browser to render the page with', res.status);
      open.page = await deps.render.render(res).catch((err: unknown) => {
        throw new CheckFailure((err as Error).message, res.status);
      });
    }
  } catch (err) {
    return fail(err);
  }
  // What the extractor reads: the rendered DOM when the page was rendered, else the document as fetched.
  const page: FetchResult = open.page ? { ...res, text: open.page.html } : res;

  const validators: CaptureValidators = { etag: header(res, 'etag'), lastModified: header(res, 'last-modified'), bodySha256: sha256Hex(res.body) };
  if (article.lastBodySha256 === validators.bodySha256 && article.versionCount > 0 && !open.page) {
    return unchanged(validators, 'unchanged', { httpStatus: res.status });
  }

  let extracted: Extracted;
  let rawCount = 0;
  try {
    const te = performance.now();
    const raw = await (deps.extract ?? defaultExtract)(page.text, res.url, { rules: ctx.rules });
    deps.metrics?.extracted((performance.now() - te) / 1000);
    const paragraphs = dropIgnored(raw.paragraphs, ctx.ignore);
    extracted = { ...raw, paragraphs, text: paragraphs.join('\n\n') };
    rawCount = raw.paragraphs.length;
  } catch (err) {
    return fail(err instanceof CheckFailure ? err : new CheckFailure(`extractor: ${(err as Error).message}`, res.status));
  }
  // Extraction health (src/health): a suspect capture (empty, much shorter, nearly all rewritten) of a degraded
  // source keeps its raw response but makes no version, until `palimpsest reextract` recovers it.
  const held = await watchCapture({ store, config, ...(deps.encode ? { encode: deps.encode } : {}) }, article, res, extracted.paragraphs, started);
  if (held) return unchanged(validators, 'held_back', { httpStatus: res.status, error: held });
  if (extracted.paragraphs.length === 0) {
    return fail(new CheckFailure(await emptyBodyReason(deps.extract ?? defaultExtract, page, ctx.rules, rawCount), res.status));
  }

  if (article.versionCount === 0) {
    // The same story reached through two URLs is tracked once: the first capture moves to the page's canonical URL.
    const target = canonicalMergeTarget(article.url, extracted.canonicalUrl, { stripParams: ctx.stripParams });
    if (target && target !== article.url && !(await store.setArticleUrl(article.id, target))) {
      const other = await store.getArticleByUrl(target);
      await store.recordError(article.id, started.toISOString(), `duplicate of article ${other?.id ?? '?'} (same canonical URL ${target})`, started.toISOString(), 'stopped');
      return done('rejected', { httpStatus: res.status, error: `duplicate of article ${other?.id ?? '?'}` });
    }
  }

  let stored: CheckResult | null = null;
  const r = await storeCapture({
    store, config: s === config.scheduler ? config : { ...config, scheduler: s }, article, res, extracted, extractorVersion: deps.extractorVersion ?? EXTRACTOR_VERSION, started, random, validators,
    ...(deps.encode ? { encode: deps.encode } : {}),
    ...(open.page ? { rendered: { page: open.page, screenshot: ctx.render.screenshot } } : {}),
  }, async (o, tx) => {
    // The check record of a new version is written in the version's own transaction.
    if (o.outcome === 'new_version') stored = await done('new_version', { httpStatus: res.status, versionNumber: o.versionNumber }, o.hash, tx);
  });
  switch (r.outcome) {
    case 'new_version':
      return stored ?? done('new_version', { httpStatus: res.status, versionNumber: r.versionNumber }, r.hash);
    case 'rejected':
      return fail(new CheckFailure(`rejected: ${r.reason}`, res.status), 'rejected', r.hash);
    default:
      return unchanged(validators, r.outcome, { httpStatus: res.status, ...(r.note ? { error: r.note } : {}) }, r.hash);
  }
}

/**
 * Why a page gave no article text, as recorded on the failed check: the paragraphs all matched the source's
 * ignore patterns, or (asking the extractor again, with its trace, only in this rare case) which rules removed
 * the most text. Never stored as an empty version.
 */
async function emptyBodyReason(extractFn: AsyncExtractFn, res: FetchResult, rules: readonly SiteRule[] | undefined, extractedCount: number): Promise<string> {
  if (extractedCount > 0) return `extractor: no article text left: all ${extractedCount} paragraphs matched the source's ignore patterns`;
  let summary: string | undefined;
  try {
    summary = (await extractFn(res.text, res.url, { rules, explain: true })).explain?.summary;
  } catch {
    summary = undefined; // the first run succeeded; a failing second run only loses the detail
  }
  return `extractor: no article text found on the page${summary ? ` (${summary})` : ''}`;
}

/** A fetch error as recorded on the article: the message, its code, and how to allow private hosts when that was the cause. */
function describeFetchError(err: FetchError): string {
  const hint = err.code === 'private_address' ? '; set --allow-private (PALIMPSEST_ALLOW_PRIVATE=1) to track loopback or private hosts' : '';
  return `${err.message} [${err.code}]${hint}`;
}

