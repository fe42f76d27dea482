/**
 * Turning one successful capture into the store's record: reject truncated or walled pages, recognise pages that
 * alternate between texts (a sighting of an existing variant instead of a duplicate version), classify minor
 * changes, flag correction notices, and store the version with its raw response and statistics.
 */
import type { Config } from '../config/index.js';
import { diffArticles, splitParagraphs } from '../differ/index.js';
import type { Extracted } from '../extractor/types.js';
import type { FetchResult } from '../fetcher/types.js';
import { encodeBody, type Article, type CheckOutcome, type DeltaBase, type Encoded, type Store, type Version } from '../store/index.js';
import { decideVersion, variantDecision, versionText } from '../versioner/index.js';
import { correctionRules, findCorrectionNotice, type CorrectionRules } from '../versioner/corrections.js';
import { classifyChange, DEFAULT_REJECT, rejectCapture } from '../versioner/classify.js';
import { addSeconds, intervalAfterChange } from '../scheduler/intervals.js';
import { screenshotOf, storeRendering, type RenderedCapture } from './render-capture.js';
import { changeResult, encodeResult, firstResult, type VersionResult } from '../precompute/version-result.js';

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
  /** The compiled correction rules (default: compiled from config.corrections on each capture). */
  corrections?: CorrectionRules;
  /** The page as rendered in a browser, when the article's source renders (its HTML and screenshot go with a new version). */
  rendered?: RenderedCapture;
  /**
   * Encodes the body as the store keeps it, a delta against `base` (the article's newest body); default encodeBody
   * in the calling thread, the pipeline passes its worker pool's.
   */
  encode?: (body: Buffer, base: DeltaBase | null) => Promise<Encoded>;
}

/** What a capture will do: finish with an outcome, or store a version computed against `previousId`. */
type Plan =
  | { kind: 'done'; outcome: CaptureOutcome }
  | { kind: 'sighting'; hash: string; versionId: number; versionNumber: number }
  | {
    kind: 'store';
    previousId: number | null;
    hash: string;
    isFirst: boolean;
    text: string;
    stats: ReturnType<typeof diffArticles>['stats'] | null;
    minorReason: ReturnType<typeof classifyChange> | null;
    /** The correction or update notice the version added, or null. */
    correction: string | null;
    /** What the feeds need of the version's diff, stored with it (src/precompute). */
    result: VersionResult;
  };

/** Decides what a capture is against the latest version stored in `store` (reads only). */
async function plan(store: Store, c: CaptureInput): Promise<Plan> {
  const { article, res, extracted } = c;
  const previous = await store.getLatestVersion(article.id);
  const decision = decideVersion(previous, extracted);
  if (previous) {
    const variant = await variantOf(store, article.id, previous, decision.hash);
    if (variant) return { kind: 'sighting', hash: decision.hash, ...variant };
  }
  if (!decision.isNew) return { kind: 'done', outcome: { outcome: 'unchanged', hash: decision.hash } };

  const prevCapture = previous ? { title: previous.title, paragraphs: splitParagraphs(previous.text) } : null;
  const reason = rejectCapture(prevCapture, extracted, DEFAULT_REJECT, res.text);
  if (reason) return { kind: 'done', outcome: { outcome: 'rejected', hash: decision.hash, reason } };

  const text = versionText(extracted.paragraphs);
  const next = { title: extracted.title, paragraphs: splitParagraphs(text) };
  // One diff for the statistics and for the feed item's HTML (computed here, on the capturing thread, once).
  const diff = previous && prevCapture ? diffArticles(prevCapture, next) : null;
  const stats = diff?.stats ?? null;
  return {
    kind: 'store', previousId: previous?.id ?? null, hash: decision.hash, isFirst: !previous, text, stats,
    minorReason: prevCapture ? classifyChange(prevCapture, next) : null,
    correction: diff ? findCorrectionNotice(diff.sentences, c.corrections ?? correctionRules(c.config.corrections), next.paragraphs) : null,
    result: previous && diff ? changeResult(previous.title, { contentHash: decision.hash }, diff) : firstResult({ contentHash: decision.hash, text }),
  };
}

/**
 * Whether a capture with content `hash` is a sighting of an existing variant (variantDecision of src/versioner),
 * and of which version: the first one with that content.
 */
async function variantOf(store: Store, articleId: number, latest: Version, hash: string): Promise<{ versionId: number; versionNumber: number } | null> {
  const isLatest = hash === latest.contentHash;
  // The common case, a capture equal to the latest version of an article that never alternated, costs one query.
  const alternating = isLatest ? await store.hasVersionSightings(articleId) : false;
  if (isLatest && !alternating) return null;
  const seenAt = await store.firstVersionWithHash(articleId, hash);
  if (seenAt === null) return null;
  const latestFirstSeen = isLatest ? seenAt : await store.firstVersionWithHash(articleId, latest.contentHash);
  const facts = { isLatest, latestNumber: latest.number, latestFirstSeen: latestFirstSeen ?? latest.number, alternating: alternating || await store.hasVersionSightings(articleId) };
  if (!variantDecision(facts)) return null;
  if (seenAt === latest.number) return { versionId: latest.id, versionNumber: seenAt };
  const v = await store.getVersion(articleId, seenAt);
  return v ? { versionId: v.id, versionNumber: seenAt } : null;
}

/**
 * Decides what a capture is and stores a new version when it is one, with its raw response, statistics and the
 * article's new schedule, all in one transaction; `inTransaction` (the caller's check record, written through the
 * `tx` it is given) joins it. The response body is encoded (a delta against the article's newest body) first; the transaction then
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
  if (first.kind === 'sighting') return recordSighting(store, article.id, first, started);
  // Encoded before the transaction, against the article's newest body (the store checks that it is still there).
  const encoded = await (c.encode ?? (async (b: Buffer, base: DeltaBase | null) => encodeBody(b, base)))(res.body, await store.bodyBase(article.id));
  const intervalS = intervalAfterChange(config.scheduler, first.isFirst, c.random);
  const capturedAt = started.toISOString();
  const shot = await screenshotOf(c.rendered);
  return store.transaction(async (tx): Promise<CaptureOutcome> => {
    // Two writers of one article (processes sharing a PostgreSQL database) take turns from here on.
    await tx.lockArticle(article.id);
    const latestId = (await tx.getLatestVersion(article.id))?.id ?? null;
    const p = latestId === first.previousId ? first : await plan(tx, c);
    if (p.kind === 'done') return p.outcome;
    if (p.kind === 'sighting') return recordSighting(tx, article.id, p, started);
    const responseId = await tx.insertResponse({
      articleId: article.id, requestedUrl: res.requestedUrl, url: res.url, fetchedAt: res.fetchedAt, status: res.status,
      statusText: res.statusText, httpVersion: res.httpVersion, headers: res.headers, requestHeaders: res.requestHeaders, body: res.body,
    }, encoded);
    const v = await tx.insertVersion({
      articleId: article.id, title: extracted.title, byline: extracted.byline, publishedAt: extracted.publishedAt, text: p.text,
      contentHash: p.hash, capturedAt, responseId, extractorVersion: c.extractorVersion,
      wordsAdded: p.stats?.wordsAdded ?? 0, wordsRemoved: p.stats?.wordsRemoved ?? 0, stats: p.stats,
      metadata: metadataOf(extracted, res.url),
      changeKind: p.isFirst ? 'initial' : (p.minorReason ? 'minor' : 'substantive'),
      minorReason: p.minorReason,
    });
    await tx.putVersionDiff(encodeResult(v.id, p.result, v.stats));
    if (p.correction !== null) await tx.setVersionCorrection(v.id, article.id, p.correction);
    await storeRendering(tx, v.id, c.rendered, shot);
    await tx.recordChanged(article.id, capturedAt, extracted.title, addSeconds(started, intervalS), intervalS, c.validators);
    const outcome: CaptureOutcome = { outcome: 'new_version', versionNumber: v.number, hash: p.hash };
    await inTransaction?.(outcome, tx);
    return outcome;
  });
}

/** Stores a sighting of an existing variant and gives the check's outcome ('flipflop', saying which version). */
async function recordSighting(store: Store, articleId: number, p: { hash: string; versionId: number; versionNumber: number }, started: Date): Promise<CaptureOutcome> {
  await store.insertVersionSighting(articleId, p.versionId, started.toISOString());
  return { outcome: 'flipflop', hash: p.hash, note: `variant: version ${p.versionNumber} seen again` };
}

/** The extracted metadata kept with a version besides its title, byline and text. */
export function metadataOf(e: Extracted, finalUrl: string): Record<string, unknown> {
  return {
    modifiedAt: e.modifiedAt, lang: e.lang, canonicalUrl: e.canonicalUrl, siteName: e.siteName,
    section: e.section, image: e.image, excerpt: e.excerpt, finalUrl,
  };
}
