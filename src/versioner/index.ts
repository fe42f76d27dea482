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

/** What variantDecision looks at: a capture whose content equals a stored version's. */
export interface VariantFacts {
  /** The capture equals the latest version. */
  isLatest: boolean;
  latestNumber: number;
  /** The lowest version number with the latest version's content (less than latestNumber: the latest is a return). */
  latestFirstSeen: number;
  /** The article already has sightings (its alternation was recognised before). */
  alternating: boolean;
}

/**
 * True when a capture that repeats a stored version is a sighting of that variant rather than a new version (or,
 * for the latest, a plain "unchanged"). A first return to an older text is a revert and becomes a version of its
 * own (A, B, A: three versions, the third a revert). The next return while the latest version is itself such a
 * return (A, B, A, B: the second alternation) proves the page alternates: from then on every capture of a known
 * text, the latest's included, is a sighting of the first version with that text, and never a duplicate version.
 */
export function variantDecision(f: VariantFacts): boolean {
  if (f.alternating) return true;
  if (f.isLatest) return false;
  return f.latestFirstSeen < f.latestNumber;
}
