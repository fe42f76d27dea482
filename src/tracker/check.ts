/**
 * Checking one article: fetch it (conditionally), extract it, let the versioner decide, and record the outcome in
 * the store. A failure is recorded on the article and returned, never thrown, so one bad article never stops a run.
 */
import type { Config } from '../config/index.js';
import { diffArticles } from '../differ/index.js';
import { extract, EXTRACTOR_VERSION } from '../extractor/index.js';
import { fetchPage } from '../fetcher/index.js';
import { FetchError, type FetchResult } from '../fetcher/types.js';
import {
  getArticle, getLatestVersion, insertCheck, insertResponse, insertVersion, recordChanged, recordError, recordUnchanged,
  setArticleStatus, sha256Hex, type Article, type CheckOutcome, type Db,
} from '../store/index.js';
import { decideVersion, versionText } from '../versioner/index.js';
import { splitParagraphs } from '../differ/index.js';
import { addSeconds, intervalAfterChange, intervalAfterError, intervalAfterUnchanged } from '../scheduler/intervals.js';

/** What one check did. */
export interface CheckResult {
  articleId: number;
  url: string;
  outcome: CheckOutcome;
  /** The new version's number when one was stored. */
  versionNumber?: number;
  httpStatus?: number;
  error?: string;
  durationMs: number;
}

/** Dependencies of a check; `fetch` and `now` are replaceable so the scheduler can wrap politeness around them. */
export interface CheckDeps {
  db: Db;
  config: Config;
  fetch?: (url: string, headers: Record<string, string>) => Promise<FetchResult>;
  now?: () => Date;
  random?: () => number;
}

/** A check failure with the reason to record on the article. */
class CheckFailure extends Error {
  constructor(message: string, readonly httpStatus?: number) {
    super(message);
  }
}

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

function defaultFetch(config: Config) {
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
  const { db, config } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const fetch = deps.fetch ?? defaultFetch(config);
  const article = getArticle(db, articleId);
  if (!article) throw new Error(`tracker: no article ${articleId}`);
  const started = now();
  const t0 = performance.now();
  const done = (outcome: CheckOutcome, extra: Partial<CheckResult> = {}): CheckResult => {
    const durationMs = Math.round(performance.now() - t0);
    insertCheck(db, article.id, started.toISOString(), outcome, extra.httpStatus ?? null, extra.error ?? null, durationMs);
    return { articleId: article.id, url: article.url, outcome, durationMs, ...extra };
  };

  let res: FetchResult;
  try {
    const conditional: Record<string, string> = {};
    if (article.etag) conditional['If-None-Match'] = article.etag;
    if (article.lastModified) conditional['If-Modified-Since'] = article.lastModified;
    res = await fetch(article.url, article.versionCount > 0 ? conditional : {});
    if (res.status === 304 && article.versionCount > 0) {
      recordUnchangedCheck(deps, article, started, random, { etag: null, lastModified: null, bodySha256: null });
      return done('not_modified', { httpStatus: 304 });
    }
    if (res.status < 200 || res.status > 299) {
      throw new CheckFailure(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, res.status);
    }
    if (!isHtml(res)) throw new CheckFailure(`not an HTML page (Content-Type: ${res.contentType || 'none'})`, res.status);
  } catch (err) {
    return failed(deps, article, started, random, err, done);
  }

  const validators = { etag: header(res, 'etag'), lastModified: header(res, 'last-modified'), bodySha256: sha256Hex(res.body) };
  if (article.lastBodySha256 === validators.bodySha256 && article.versionCount > 0) {
    recordUnchangedCheck(deps, article, started, random, validators);
    return done('unchanged', { httpStatus: res.status });
  }

  let extracted: ReturnType<typeof extract>;
  try {
    extracted = extract(res.text, res.url);
    if (extracted.paragraphs.length === 0) throw new CheckFailure('extractor: no article text found on the page', res.status);
  } catch (err) {
    return failed(deps, article, started, random, err instanceof CheckFailure ? err : new CheckFailure(`extractor: ${(err as Error).message}`, res.status), done);
  }

  const previous = getLatestVersion(db, article.id);
  const decision = decideVersion(previous, extracted);
  if (!decision.isNew) {
    recordUnchangedCheck(deps, article, started, random, validators);
    return done('unchanged', { httpStatus: res.status });
  }

  const text = versionText(extracted.paragraphs);
  const stats = previous
    ? diffArticles({ title: previous.title, paragraphs: splitParagraphs(previous.text) }, { title: extracted.title, paragraphs: splitParagraphs(text) }).stats
    : null;
  const intervalS = intervalAfterChange(config.scheduler, !previous, random);
  const capturedAt = started.toISOString();
  const version = db.transaction(() => {
    const responseId = insertResponse(db, {
      articleId: article.id, requestedUrl: res.requestedUrl, url: res.url, fetchedAt: res.fetchedAt, status: res.status,
      statusText: res.statusText, httpVersion: res.httpVersion, headers: res.headers, requestHeaders: res.requestHeaders, body: res.body,
    });
    const v = insertVersion(db, {
      articleId: article.id, title: extracted.title, byline: extracted.byline, publishedAt: extracted.publishedAt, text,
      contentHash: decision.hash, capturedAt, responseId, extractorVersion: EXTRACTOR_VERSION,
      wordsAdded: stats?.wordsAdded ?? 0, wordsRemoved: stats?.wordsRemoved ?? 0, stats,
      metadata: {
        modifiedAt: extracted.modifiedAt, lang: extracted.lang, canonicalUrl: extracted.canonicalUrl, siteName: extracted.siteName,
        section: extracted.section, image: extracted.image, excerpt: extracted.excerpt, finalUrl: res.url,
      },
    });
    recordChanged(db, article.id, capturedAt, extracted.title, addSeconds(started, intervalS), intervalS, validators);
    return v;
  })();
  return done('new_version', { httpStatus: res.status, versionNumber: version.number });
}

function recordUnchangedCheck(deps: CheckDeps, article: Article, started: Date, random: () => number,
  validators: { etag: string | null; lastModified: string | null; bodySha256: string | null }): void {
  const { intervalS, stop } = intervalAfterUnchanged(deps.config.scheduler, article.checkIntervalS, random);
  deps.db.transaction(() => {
    recordUnchanged(deps.db, article.id, started.toISOString(), addSeconds(started, intervalS), intervalS, validators);
    if (stop) setArticleStatus(deps.db, article.id, 'stopped');
  })();
}

/** A fetch error as recorded on the article: the message, its code, and how to allow private hosts when that was the cause. */
function describeFetchError(err: FetchError): string {
  const hint = err.code === 'private_address' ? '; set --allow-private (PALIMPSEST_ALLOW_PRIVATE=1) to track loopback or private hosts' : '';
  return `${err.message} [${err.code}]${hint}`;
}

function failed(deps: CheckDeps, article: Article, started: Date, random: () => number, err: unknown,
  done: (o: CheckOutcome, extra?: Partial<CheckResult>) => CheckResult): CheckResult {
  const message = err instanceof FetchError ? describeFetchError(err)
    : err instanceof CheckFailure ? err.message : `tracker: ${(err as Error).message ?? String(err)}`;
  const httpStatus = err instanceof CheckFailure ? err.httpStatus : undefined;
  const consecutive = article.errorCount + 1;
  const s = deps.config.scheduler;
  const status = consecutive >= s.maxConsecutiveErrors ? 'paused' : article.status;
  const retryS = intervalAfterError(s, consecutive, random);
  recordError(deps.db, article.id, started.toISOString(), message, addSeconds(started, retryS), status);
  return done('error', { error: message, httpStatus });
}
