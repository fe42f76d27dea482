/**
 * Turning one successful capture into the store's record: reject truncated or walled pages, recognise pages that
 * alternate between two texts, classify minor changes, and store the version with its raw response and statistics.
 */
import type { Config } from '../config/index.js';
import { diffArticles, splitParagraphs } from '../differ/index.js';
import type { Extracted } from '../extractor/types.js';
import type { FetchResult } from '../fetcher/types.js';
import {
  firstVersionWithHash, getLatestVersion, insertResponse, insertVersion, recordChanged, type Article, type CheckOutcome, type Db,
} from '../store/index.js';
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
  db: Db;
  config: Config;
  article: Article;
  res: FetchResult;
  extracted: Extracted;
  extractorVersion: string;
  started: Date;
  random: () => number;
  validators: CaptureValidators;
}

/**
 * Decides what a capture is and stores a new version when it is one (all writes in one transaction).
 * The caller records unchanged, flip-flop and rejected outcomes on the article.
 */
export function storeCapture(c: CaptureInput): CaptureOutcome {
  const { db, config, article, res, extracted, started } = c;
  const previous = getLatestVersion(db, article.id);
  const decision = decideVersion(previous, extracted);
  if (!decision.isNew) return { outcome: 'unchanged', hash: decision.hash };

  const prevCapture = previous ? { title: previous.title, paragraphs: splitParagraphs(previous.text) } : null;
  const reason = rejectCapture(prevCapture, extracted, DEFAULT_REJECT, res.text);
  if (reason) return { outcome: 'rejected', hash: decision.hash, reason };

  if (previous) {
    // An A/B test or CDN variant: the capture repeats an older version while the latest one is itself a repeat.
    const seenAt = firstVersionWithHash(db, article.id, decision.hash);
    const latestFirstSeen = firstVersionWithHash(db, article.id, previous.contentHash);
    if (seenAt !== null && latestFirstSeen !== null && latestFirstSeen < previous.number) {
      return { outcome: 'flipflop', hash: decision.hash, note: `alternates with version ${seenAt}` };
    }
  }

  const text = versionText(extracted.paragraphs);
  const next = { title: extracted.title, paragraphs: splitParagraphs(text) };
  const stats = prevCapture ? diffArticles(prevCapture, next).stats : null;
  const minorReason = prevCapture ? classifyChange(prevCapture, next) : null;
  const intervalS = intervalAfterChange(config.scheduler, !previous, c.random);
  const capturedAt = started.toISOString();
  const version = db.transaction(() => {
    const responseId = insertResponse(db, {
      articleId: article.id, requestedUrl: res.requestedUrl, url: res.url, fetchedAt: res.fetchedAt, status: res.status,
      statusText: res.statusText, httpVersion: res.httpVersion, headers: res.headers, requestHeaders: res.requestHeaders, body: res.body,
    });
    const v = insertVersion(db, {
      articleId: article.id, title: extracted.title, byline: extracted.byline, publishedAt: extracted.publishedAt, text,
      contentHash: decision.hash, capturedAt, responseId, extractorVersion: c.extractorVersion,
      wordsAdded: stats?.wordsAdded ?? 0, wordsRemoved: stats?.wordsRemoved ?? 0, stats,
      metadata: metadataOf(extracted, res.url),
      changeKind: previous ? (minorReason ? 'minor' : 'substantive') : 'initial',
      minorReason,
    });
    recordChanged(db, article.id, capturedAt, extracted.title, addSeconds(started, intervalS), intervalS, c.validators);
    return v;
  })();
  return { outcome: 'new_version', versionNumber: version.number, hash: decision.hash };
}

/** The extracted metadata kept with a version besides its title, byline and text. */
export function metadataOf(e: Extracted, finalUrl: string): Record<string, unknown> {
  return {
    modifiedAt: e.modifiedAt, lang: e.lang, canonicalUrl: e.canonicalUrl, siteName: e.siteName,
    section: e.section, image: e.image, excerpt: e.excerpt, finalUrl,
  };
}
