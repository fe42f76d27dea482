/**
 * Recovering held-back captures: once a degraded source's site rules are fixed (or the site is), `palimpsest
 * reextract` extracts each held raw response again with the source's current rules. A capture that now looks
 * healthy goes through the ordinary capture path (variants, corrections, statistics), dated when it was fetched;
 * one that still looks broken stays held. A source whose held captures are all dealt with recovers.
 */
import type { Config } from '../config/index.js';
import { extract as defaultExtract, EXTRACTOR_VERSION } from '../extractor/index.js';
import { decodeBody, headerValue, parseContentType, type FetchResult } from '../fetcher/index.js';
import { sha256Hex, type Article, type SourceHealthEvent, type StoredResponse, type Store } from '../store/index.js';
import { storeCapture } from '../tracker/capture.js';
import type { ExtractFn } from '../tracker/check.js';
import { dropIgnored, sourceContext, type SourceContext } from '../tracker/source-context.js';
import { judgeAgainstHistory } from './monitor.js';

/** What recovering one article's held-back captures did. */
export interface HeldRecovery {
  /** Held captures that became versions. */
  recovered: number;
  /** Held captures that now extract well but hold nothing new (the same text as a version, or older than the latest). */
  released: number;
  /** Held captures that still look broken (kept held). */
  stillSuspect: number;
}

/** The extractor with a source's site rules and ignore patterns applied, as checking applies them. */
export function withSourceRules(extract: ExtractFn, ctx: Pick<SourceContext, 'rules' | 'ignore'>): ExtractFn {
  return (html, url, options) => {
    const raw = extract(html, url, { ...options, rules: ctx.rules });
    const paragraphs = dropIgnored(raw.paragraphs, ctx.ignore);
    return paragraphs.length === raw.paragraphs.length ? raw : { ...raw, paragraphs, text: paragraphs.join('\n\n') };
  };
}

/** A stored response as the fetcher would have given it. Pure. */
export function fetchResultOf(r: StoredResponse): FetchResult {
  const type = headerValue(r.headers, 'content-type');
  const { text, charset } = decodeBody(r.body, type ?? undefined);
  return {
    requestedUrl: r.requestedUrl, url: r.url, redirectChain: r.requestedUrl === r.url ? [r.url] : [r.requestedUrl, r.url],
    status: r.status, statusText: r.statusText, headers: r.headers, requestHeaders: r.requestHeaders, httpVersion: r.httpVersion,
    body: r.body, text, charset, contentType: parseContentType(type).mediaType, fetchedAt: r.fetchedAt, durationMs: 0,
  };
}

/** Options of recoverHeldCaptures. */
export interface RecoverOptions {
  extract?: ExtractFn;
  extractorVersion?: string;
}

/** Extracts each held-back capture of an article again and makes versions of the healthy ones (see the module comment). */
export async function recoverHeldCaptures(store: Store, config: Config, articleId: number, opts: RecoverOptions = {}): Promise<HeldRecovery> {
  const report: HeldRecovery = { recovered: 0, released: 0, stillSuspect: 0 };
  const held = await store.listHeldCaptures(articleId);
  if (held.length === 0) return report;
  let article = await store.getArticle(articleId);
  if (!article) return report;
  const extract = withSourceRules(opts.extract ?? defaultExtract, await sourceContext(store, config, article));
  for (const h of held) {
    const stored = await store.getResponse(h.responseId);
    if (!stored) continue;
    const res = fetchResultOf(stored);
    const extracted = extract(res.text, res.url);
    if ((await judgeAgainstHistory(store, articleId, extracted.paragraphs, config.health)).kind !== 'ok') {
      report.stillSuspect++;
      continue;
    }
    // A version captured after this one supersedes it: versions stay in the order they were captured.
    const latest = await store.getLatestVersion(articleId);
    if (latest && latest.capturedAt > h.at) {
      await store.releaseHeldCapture(h.id, 'ok');
      report.released++;
      continue;
    }
    const outcome = await storeCapture({
      store, config, article, res, extracted, extractorVersion: opts.extractorVersion ?? EXTRACTOR_VERSION,
      started: new Date(h.at), random: Math.random, validators: validatorsOf(article, res),
    });
    if (outcome.outcome === 'rejected') {
      report.stillSuspect++;
      continue;
    }
    // The held response stays (the version has its own copy, possibly stored as a delta against it): deleting it could
    // take away the base another stored body was encoded against.
    await store.releaseHeldCapture(h.id, 'ok');
    if (outcome.outcome === 'new_version') report.recovered++;
    else report.released++;
    article = (await store.getArticle(articleId)) ?? article;
  }
  return report;
}

/** The article's own validators (a recovered capture must not replace what the latest fetch remembered). */
function validatorsOf(a: Article, res: FetchResult) {
  return { etag: a.etag, lastModified: a.lastModified, bodySha256: a.lastBodySha256 ?? sha256Hex(res.body) };
}

/**
 * After a re-extraction of a degraded source's articles: when none of its captures is held any more and the
 * re-extraction dealt with some, the source recovers (returns the event; null when nothing changed).
 */
export async function settleAfterReextract(store: Store, sourceId: number, dealtWith: number, at: Date = new Date()): Promise<SourceHealthEvent | null> {
  const state = await store.getSourceHealthState(sourceId);
  if (!state || dealtWith === 0) return null;
  const left = (await store.countHeldCaptures()).find((c) => c.sourceSlug === state.sourceSlug)?.count ?? 0;
  if (left > 0) return null;
  return store.clearSourceDegraded(sourceId, at.toISOString(),
    `re-extraction recovered ${dealtWith} held-back capture${dealtWith === 1 ? '' : 's'}; none is left held`);
}
