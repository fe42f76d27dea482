/**
 * Turning one successful capture into the store's record: reject truncated or walled pages, recognise pages that
 * alternate between two texts, classify minor changes, and store the version with its raw response and statistics.
 */
import type { Config } from '../config/index.js';
import { diffArticles, splitParagraphs } from '../differ/index.js';
import type { Extracted } from '../extractor/types.js';
import type { FetchResult } from '../fetcher/types.js';
import { compressBody, type Article, type CheckOutcome, type Store } from '../store/index.js';
import { decideVersion, versionText } from '../versioner/index.js';
import { classifyChange, DEFAULT_REJECT, rejectCapture } from '../versioner/classify.js';
import { addSeconds, intervalAfterChange } from '../scheduler/intervals.js';

/** HTTP validators and the body hash to remember after a capture. */
export interface CaptureValidators {
  etag: string | null;
  lastModified: string | null;
  bodySha256: string;
}

/** What storing a capture concluded. */
export type CaptureOutcome =
  | { outcome: Extract<CheckOutcome, 'new_version'>; versionNumber: number; hash: string }
  | { outcome: Extract<CheckOutcome, 'unchanged' | 'flipflop'>; hash: string; note?: string }
  | { outcome: Extract<CheckOutcome, 'rejected'>; hash: string; reason: string };

/** Inputs of `storeCapture`. */
export interface CaptureInput {
  store: Store;
  config: Config;
  article: Article;
  res: FetchResult;
  extracted: Extracted;
  extractorVersion: string;
  started: Date;
  random: () => number;
  validators: CaptureValidators;
  /** Compresses the body as the store keeps it (default: compressBody, in libuv's thread pool). */
  compress?: (body: Buffer) => Promise<Buffer>;
}

/** What a capture will do: finish with an outcome, or store a version computed against `previousId`. */
type Plan =
  | { kind: 'done'; outcome: CaptureOutcome }
  | {
    kind: 'store';
    previousId: number | null;
    hash: string;
    isFirst: boolean;
    text: string;
    stats: ReturnType<typeof diffArticles>['stats'] | null;
    minorReason: ReturnType<typeof classifyChange> | null;
  };

/** Decides what a capture is against the latest version stored in `store` (reads only). */
async function plan(store: Store, c: CaptureInput): Promise<Plan> {
  const { article, res, extracted } = c;
  const previous = await store.getLatestVersion(article.id);
  const decision = decideVersion(previous, extracted);
  if (!decision.isNew) return { kind: 'done', outcome: { outcome: 'unchanged', hash: decision.hash } };

  const prevCapture = previous ? { title: previous.title, paragraphs: splitParagraphs(previous.text) } : null;
  const reason = rejectCapture(prevCapture, extracted, DEFAULT_REJECT, res.text);
  if (reason) return { kind: 'done', outcome: { outcome: 'rejected', hash: decision.hash, reason } };

  if (previous) {
    // An A/B test or CDN variant: the capture repeats an older version while the latest one is itself a repeat.
    const seenAt = await store.firstVersionWithHash(article.id, decision.hash);
    const latestFirstSeen = await store.firstVersionWithHash(article.id, previous.contentHash);
    if (seenAt !== null && latestFirstSeen !== null && latestFirstSeen < previous.number) {
      return { kind: 'done', outcome: { outcome: 'flipflop', hash: decision.hash, note: `alternates with version ${seenAt}` } };
    }
  }

  const text = versionText(extracted.paragraphs);
  const next = { title: extracted.title, paragraphs: splitParagraphs(text) };
  return {
    kind: 'store', previousId: previous?.id ?? null, hash: decision.hash, isFirst: !previous, text,
    stats: prevCapture ? diffArticles(prevCapture, next).stats : null,
    minorReason: prevCapture ? classifyChange(prevCapture, next) : null,
  };
}

/**
 * Decides what a capture is and stores a new version when it is one, with its raw response, statistics and the
 * article's new schedule, all in one transaction; `inTransaction` (the caller's check record, written through the
 * `tx` it is given) joins it. The response body is compressed off the calling thread first; the transaction then
 * locks the article, and should another writer have stored a version of it meanwhile, the capture is decided again,
 * inside the transaction, against what is there now.
 * The caller records unchanged, flip-flop and rejected outcomes on the article.
 */
export async function storeCapture(
  c: CaptureInput, inTransaction?: (o: CaptureOutcome, tx: Store) => Promise<void>,
): Promise<CaptureOutcome> {
  const { store, config, article, res, extracted, started } = c;
  const first = await plan(store, c);
  if (first.kind === 'done') return first.outcome;
  const bodyGzip = await (c.compress ?? compressBody)(res.body);
  const intervalS = intervalAfterChange(config.scheduler, first.isFirst, c.random);
  const capturedAt = started.toISOString();
  return store.transaction(async (tx): Promise<CaptureOutcome> => {
    // Two writers of one article (processes sharing a PostgreSQL database) take turns from here on.
    await tx.lockArticle(article.id);
    const latestId = (await tx.getLatestVersion(article.id))?.id ?? null;
    const p = latestId === first.previousId ? first : await plan(tx, c);
    if (p.kind === 'done') return p.outcome;
    const responseId = await tx.insertResponse({
      articleId: article.id, requestedUrl: res.requestedUrl, url: res.url, fetchedAt: res.fetchedAt, status: res.status,
      statusText: res.statusText, httpVersion: res.httpVersion, headers: res.headers, requestHeaders: res.requestHeaders, body: res.body,
    }, bodyGzip);
    const v = await tx.insertVersion({
      articleId: article.id, title: extracted.title, byline: extracted.byline, publishedAt: extracted.publishedAt, text: p.text,
      contentHash: p.hash, capturedAt, responseId, extractorVersion: c.extractorVersion,
      wordsAdded: p.stats?.wordsAdded ?? 0, wordsRemoved: p.stats?.wordsRemoved ?? 0, stats: p.stats,
      metadata: metadataOf(extracted, res.url),
      changeKind: p.isFirst ? 'initial' : (p.minorReason ? 'minor' : 'substantive'),
      minorReason: p.minorReason,
    });
    await tx.recordChanged(article.id, capturedAt, extracted.title, addSeconds(started, intervalS), intervalS, c.validators);
    const outcome: CaptureOutcome = { outcome: 'new_version', versionNumber: v.number, hash: p.hash };
    await inTransaction?.(outcome, tx);
    return outcome;
  });
}

/** The extracted metadata kept with a version besides its title, byline and text. */
export function metadataOf(e: Extracted, finalUrl: string): Record<string, unknown> {
  return {
    modifiedAt: e.modifiedAt, lang: e.lang, canonicalUrl: e.canonicalUrl, siteName: e.siteName,
    section: e.section, image: e.image, excerpt: e.excerpt, finalUrl,
  };
}
