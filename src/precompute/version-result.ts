/**
 * What the feeds need of one version's diff to its predecessor, computed once when the version is stored (capture,
 * reextract, import) and kept in the store's version_diffs table: for a change, the feed item's diff HTML as the
 * differ's `toFeedHtml` renders it (unchanged text cut to excerpts, cut short after FEED_MAX_PARAGRAPHS), whether it was cut, the statistics and the
 * previous headline; for a first version, its opening paragraphs. Serving a feed then reads these instead of diffing
 * a hundred pairs of texts per request. Pure functions, and the stored form (brotli-compressed JSON, with only what
 * the version's own row does not already hold).
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants, type BrotliOptions } from 'node:zlib';
import { diffArticles, splitParagraphs, toFeedHtml, type ArticleDiff, type DiffStats } from '../differ/index.js';
import { trimRows } from '../differ/render/trim.js';
import type { StoredVersionDiff } from '../store/types.js';

/**
 * The layout (and renderer) of the stored results: bump it whenever toFeedHtml, the trimming or the payload change,
 * and every stored result is computed again on first need (rows of another format count as missing). 2: unchanged
 * text cut to the sentences nearest the changes (differ/render/excerpt.ts), shorter inline styles.
 */
export const RESULT_FORMAT = 2;

/** Paragraphs of a diff shown in a feed item before it is cut short (with a link to the full diff). */
export const FEED_MAX_PARAGRAPHS = 30;

/** Paragraphs of a first version shown in its feed item. */
export const FIRST_PARAGRAPHS = 3;

/** The stored result of a change (version 2 and later). */
export interface ChangeResult {
  kind: 'change';
  /** The version's content hash when the result was computed (a result for other content is not used). */
  contentHash: string;
  /** The previous version's headline. */
  prevTitle: string;
  /** The diff as feed HTML (inline-styled del/ins), trimmed. */
  html: string;
  /** The diff was cut short. */
  trimmed: boolean;
  /**
   * The diff's statistics, when the version's stored ones lack some (a feed shows those stored with the version,
   * completed from these: itemStats); null when they are complete, as a capture stores them.
   */
  stats: DiffStats | null;
}

/** The stored result of a first version. */
export interface FirstResult {
  kind: 'first';
  contentHash: string;
  /** The first FIRST_PARAGRAPHS paragraphs. */
  paragraphs: string[];
  /** The version has more paragraphs than those. */
  more: boolean;
}

/** A version's stored result. */
export type VersionResult = ChangeResult | FirstResult;

/** What a result is computed from: a version's headline, text and content hash. */
export interface VersionContent {
  title: string;
  text: string;
  contentHash: string;
}

/** The differ's ArticleDiff from version `a` to version `b` (either order). */
export function diffVersions(a: { title: string; text: string }, b: { title: string; text: string }): ArticleDiff {
  return diffArticles({ title: a.title, paragraphs: splitParagraphs(a.text) }, { title: b.title, paragraphs: splitParagraphs(b.text) });
}

const STAT_FIELDS: ReadonlyArray<keyof DiffStats> = [
  'wordsAdded', 'wordsRemoved', 'paragraphsAdded', 'paragraphsRemoved', 'paragraphsChanged', 'paragraphsMoved',
  'sentencesAdded', 'sentencesDeleted', 'sentencesEdited', 'sentencesMoved', 'changedShare', 'titleChanged',
];

/** The statistics stored with a version (as the versioner computed them), completed from a fresh diff where missing. */
export function itemStats(stored: Record<string, unknown> | null, computed: DiffStats): DiffStats {
  const out: Record<string, unknown> = { ...computed };
  for (const f of STAT_FIELDS) {
    const v = stored?.[f];
    if (typeof v === typeof computed[f]) out[f] = v;
  }
  return out as unknown as DiffStats;
}

/** The statistics a feed item shows: the version's stored ones, completed from the result's where it has them. */
export function resultStats(stored: Record<string, unknown> | null, r: ChangeResult): DiffStats {
  // Without statistics of its own the result relies on the stored ones being complete (encodeResult checked).
  return itemStats(stored, r.stats ?? (stored as unknown as DiffStats));
}

/** The result of a change from its diff (computed by the caller, who usually needs it for the statistics too). */
export function changeResult(prevTitle: string, cur: Pick<VersionContent, 'contentHash'>, diff: ArticleDiff): ChangeResult {
  return {
    kind: 'change', contentHash: cur.contentHash, prevTitle,
    html: toFeedHtml(diff, { contextParagraphs: 1, maxParagraphs: FEED_MAX_PARAGRAPHS }),
    trimmed: trimRows(diff.rows, 1, FEED_MAX_PARAGRAPHS).some((i) => i.type === 'more'),
    stats: diff.stats,
  };
}

/** The result of a first version. */
export function firstResult(cur: Pick<VersionContent, 'contentHash' | 'text'>): FirstResult {
  const paragraphs = splitParagraphs(cur.text);
  return { kind: 'first', contentHash: cur.contentHash, paragraphs: paragraphs.slice(0, FIRST_PARAGRAPHS), more: paragraphs.length > FIRST_PARAGRAPHS };
}

/** The result of version `cur` given the version before it (null for a first version). */
export function computeResult(prev: VersionContent | null, cur: VersionContent): VersionResult {
  return prev ? changeResult(prev.title, cur, diffVersions(prev, cur)) : firstResult(cur);
}

/** The payload's JSON: short keys, since every stored byte counts a hundred thousand times. */
type Payload =
  | { c: string; p: string; h: string; t: 0 | 1; s?: DiffStats }
  | { c: string; f: string[]; m: 0 | 1 };

/** Characters of the content hash kept: enough to tell a result computed for other content, at a quarter the bytes. */
const HASH_KEPT = 16;

/** True when stored statistics have every field the feeds show (itemStats would take none from a fresh diff). */
export function statsComplete(stored: Record<string, unknown> | null): boolean {
  const probe = {
    wordsAdded: 0, wordsRemoved: 0, paragraphsAdded: 0, paragraphsRemoved: 0, paragraphsChanged: 0, paragraphsMoved: 0,
    sentencesAdded: 0, sentencesDeleted: 0, sentencesEdited: 0, sentencesMoved: 0, changedShare: 0, titleChanged: false,
  } satisfies DiffStats;
  return stored !== null && STAT_FIELDS.every((f) => typeof stored[f] === typeof probe[f]);
}

/** The payload's JSON of a result (see encodeResult). */
function payloadJson(r: VersionResult, storedStats: Record<string, unknown> | null): Buffer {
  const c = r.contentHash.slice(0, HASH_KEPT);
  const p: Payload = r.kind === 'change'
    ? { c, p: r.prevTitle, h: r.html, t: r.trimmed ? 1 : 0, ...(r.stats && !statsComplete(storedStats) ? { s: r.stats } : {}) }
    : { c, f: r.paragraphs, m: r.more ? 1 : 0 };
  return Buffer.from(JSON.stringify(p));
}

/** Brotli at its best quality: written once, read many times, and a quarter smaller than deflate on this HTML. */
function brotliOptions(size: number): BrotliOptions {
  return { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: size } };
}

/**
 * The stored form of a version's result. `storedStats`, the statistics stored in the version's own row: when they
 * are complete the result's are left out (the feed reads the row's). Compresses on the calling thread (a few
 * milliseconds): for the capturing thread, reextract and import.
 */
export function encodeResult(versionId: number, r: VersionResult, storedStats: Record<string, unknown> | null = null): StoredVersionDiff {
  const json = payloadJson(r, storedStats);
  return { versionId, formatVersion: RESULT_FORMAT, payload: brotliCompressSync(json, brotliOptions(json.length)) };
}

const brotliAsync = promisify(brotliCompress);

/** encodeResult compressing in libuv's thread pool: for results filled in by the web server's thread. */
export async function encodeResultAsync(versionId: number, r: VersionResult, storedStats: Record<string, unknown> | null = null): Promise<StoredVersionDiff> {
  const json = payloadJson(r, storedStats);
  return { versionId, formatVersion: RESULT_FORMAT, payload: await brotliAsync(json, brotliOptions(json.length)) };
}

/**
 * A stored result read back, or null when it is not usable for a version with content hash `contentHash`: another
 * format (or one made stale), computed for other content, or unreadable. Callers compute such results again.
 */
export function decodeResult(d: StoredVersionDiff, contentHash: string): VersionResult | null {
  if (d.formatVersion !== RESULT_FORMAT) return null;
  let p: Payload;
  try {
    p = JSON.parse(brotliDecompressSync(d.payload).toString('utf8')) as Payload;
  } catch {
    return null;
  }
  if (p.c !== contentHash.slice(0, HASH_KEPT)) return null;
  if ('h' in p) return { kind: 'change', contentHash, prevTitle: p.p, html: p.h, trimmed: p.t === 1, stats: p.s ?? null };
  return { kind: 'first', contentHash, paragraphs: p.f, more: p.m === 1 };
}
