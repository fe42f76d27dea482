/**
 * The versioner decides whether an extraction is a new version of an article: only a change of the title or of
 * the normalised body text counts; whitespace differences and paragraph re-wrapping do not.
 */
import { createHash } from 'node:crypto';

/** The parts of an extraction that define a version. */
export interface VersionContent {
  title: string;
  paragraphs: string[];
}

/** Text with Unicode NFC and every run of whitespace (including paragraph breaks) folded to one space. */
export function normaliseForComparison(s: string): string {
  return s.normalize('NFC').replace(/[\s\u00a0\u200b\ufeff]+/gu, ' ').trim();
}

/** The canonical string compared between captures: normalised title, a separator, normalised body. */
export function contentKey(c: VersionContent): string {
  return `${normaliseForComparison(c.title)}\u0000${normaliseForComparison(c.paragraphs.join(' '))}`;
}

/** SHA-256 (hex) of the content key: equal hashes mean "no real change". */
export function contentHash(c: VersionContent): string {
  return createHash('sha256').update(contentKey(c)).digest('hex');
}

/** The stored text of a version: paragraphs normalised one by one, joined by a blank line. */
export function versionText(paragraphs: string[]): string {
  return paragraphs.map((p) => p.normalize('NFC').replace(/\s+/gu, ' ').trim()).filter((p) => p.length > 0).join('\n\n');
}

/** What the versioner concluded about one capture. */
export interface VersionDecision {
  /** True when the capture must be stored as a new version. */
  isNew: boolean;
  hash: string;
  titleChanged: boolean;
}

/** Compares a capture with the previous version's hash and title (null when there is no version yet). */
export function decideVersion(previous: { contentHash: string; title: string } | null, capture: VersionContent): VersionDecision {
  const hash = contentHash(capture);
  if (!previous) return { isNew: true, hash, titleChanged: false };
  return {
    isNew: hash !== previous.contentHash,
    hash,
    titleChanged: normaliseForComparison(previous.title) !== normaliseForComparison(capture.title),
  };
}
