/**
 * Excerpts of unchanged text for feed items and notifications. A subscriber reads the changes, so the unchanged text
 * around them is cut down to what places them: an unchanged paragraph shown as context keeps only its sentence
 * nearest the change, and inside a changed paragraph the unchanged text keeps only the sentences the changes sit in.
 * Either is cut to EXCERPT_CHARS characters (at a word) on each side, and an ellipsis stands for what is left out.
 * Deleted and inserted text is never cut.
 */
import { sentenceRanges } from '../segment.js';
import type { Segment } from './view.js';

/** Characters of unchanged text kept on one side of a change at most. */
export const EXCERPT_CHARS = 200;

/** Stands for unchanged text left out. */
export const ELLIPSIS = '…';

/** Unchanged text shorter than this (trimmed) is never left out: the ellipsis would save next to nothing. */
const ELIDE_MIN = 24;

/** A piece of an excerpt: kept text, or null for a gap (text left out). */
type Piece = string | null;

const isWhite = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Keeps a cut from splitting a surrogate pair. */
function safeCut(text: string, at: number): number {
  const c = text.charCodeAt(at - 1);
  return c >= 0xd800 && c <= 0xdbff ? at - 1 : at;
}

/** Where to end a head of at most `max` characters: at the last space before it, or at `max` in a long word. */
function headCut(text: string, max: number): number {
  let cut = max;
  while (cut > max / 2 && !isWhite(text[cut])) cut--;
  return safeCut(text, cut > max / 2 ? cut : max);
}

/** Where to start a tail of at most `max` characters: after the first space in it, or `max` from the end. */
function tailCut(text: string, max: number): number {
  const start = text.length - max;
  let cut = start;
  while (cut < text.length - max / 2 && !isWhite(text[cut - 1])) cut++;
  return safeCut(text, cut < text.length - max / 2 ? cut : start);
}

/** The start of `text`, at most `max` characters, then a gap if cut. */
const head = (text: string, max: number): Piece[] => (text.length <= max ? [text] : [text.slice(0, headCut(text, max)), null]);

/** A gap if cut, then the end of `text`, at most `max` characters. */
const tail = (text: string, max: number): Piece[] => (text.length <= max ? [text] : [null, text.slice(tailCut(text, max))]);

/** `text` whole when at most `2 * max` characters, else its start and end around a gap. */
const ends = (text: string, max: number): Piece[] =>
  (text.length <= 2 * max ? [text] : [text.slice(0, headCut(text, max)), null, text.slice(tailCut(text, max))]);

/** The pieces as text, each gap one ellipsis (set off by spaces where it meets text; consecutive gaps are one). */
function compose(pieces: readonly Piece[]): string {
  let out = '';
  let gap = false;
  for (const p of pieces) {
    if (p === null) {
      gap = true;
      continue;
    }
    if (gap) {
      out = out === '' ? `${ELLIPSIS} ` : `${out.trimEnd()} ${ELLIPSIS} `;
      out += p.trimStart();
      gap = false;
    } else out += p;
  }
  return gap ? (out === '' ? ELLIPSIS : `${out.trimEnd()} ${ELLIPSIS}`) : out;
}

/**
 * The unchanged run [a, b) of paragraph text `text` (sentences starting at `starts`), shortened to what places the
 * changes around it: after a change (`changeBefore`), the rest of the sentence that change ends in; before one
 * (`changeAfter`), the start of the sentence it begins in; each at most `max` characters. Between two changes
 * whatever lies beyond those two becomes an ellipsis; with no change either side, the first sentence is kept.
 */
function shortenRun(text: string, starts: readonly number[], a: number, b: number, changeBefore: boolean, changeAfter: boolean, max: number): string {
  if (!changeBefore && !changeAfter) return shortenRun(text, starts, a, b, true, false, max);
  const run = text.slice(a, b);
  // The sentence a change before the run ends in stops at the first sentence start inside the run.
  const headEnd = changeBefore ? starts.find((s) => s > a && s < b) ?? b : a;
  // The sentence a change after the run begins in starts at the last sentence start inside the run.
  let tailStart = changeAfter ? a : b;
  if (changeAfter) for (const s of starts) if (s > a && s <= b) tailStart = s;
  if (tailStart <= headEnd || text.slice(headEnd, tailStart).trim().length < ELIDE_MIN) {
    // Nothing worth leaving out between the two: the run is kept, cut only when too long.
    return compose(changeBefore && changeAfter ? ends(run, max) : changeBefore ? head(run, max) : tail(run, max));
  }
  const before = changeBefore ? head(text.slice(a, headEnd), max) : [];
  const after = changeAfter ? tail(text.slice(tailStart, b), max) : [];
  return compose([...before, null, ...after]);
}

/**
 * An unchanged paragraph shown next to a change: its first sentence when a change comes before it (`changeAbove`),
 * its last when one follows it (`changeBelow`), both when both; each cut to `max` characters, an ellipsis standing
 * for what is left out.
 */
export function contextExcerpt(text: string, changeAbove: boolean, changeBelow: boolean, max = EXCERPT_CHARS): string {
  const starts = sentenceRanges(text).map((r) => r[0]);
  return shortenRun(text, starts, 0, text.length, changeAbove, changeBelow, max);
}

/**
 * The segments of a changed (or moved) paragraph with its unchanged runs shortened: deleted and inserted segments
 * are kept whole, and so is the unchanged text of the sentences they sit in, up to `max` characters on each side
 * of a change; other unchanged sentences become an ellipsis. A paragraph without any change (moved unedited) keeps
 * its first sentence.
 */
export function excerptSegments(segments: readonly Segment[], max = EXCERPT_CHARS): Segment[] {
  // Sentences are found in the new text (unchanged + inserted), in which every unchanged run has its place.
  let text = '';
  const at: number[] = [];
  let firstChange = -1;
  let lastChange = -1;
  segments.forEach((s, k) => {
    at.push(text.length);
    if (s.mark !== 'del') text += s.text;
    if (s.mark !== null) {
      if (firstChange < 0) firstChange = k;
      lastChange = k;
    }
  });
  const starts = sentenceRanges(text).map((r) => r[0]);
  return segments.map((s, k) => {
    if (s.mark !== null) return s;
    const a = at[k] as number;
    const changeBefore = firstChange >= 0 && firstChange < k;
    const changeAfter = lastChange > k;
    return { text: shortenRun(text, starts, a, a + s.text.length, changeBefore, changeAfter, max), mark: null };
  });
}
