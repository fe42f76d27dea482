/**
 * Classifying captures: a "minor" version (only punctuation, quote style, a timestamp or "updated" line, or share
 * and comment counts changed), and captures that must not become versions at all (a truncated body, a paywall or
 * consent wall, an error page served with 200).
 */
import { normaliseForComparison } from './index.js';

/** Why a change is minor, or null for a substantive change. */
export type MinorReason = 'punctuation' | 'timestamp' | 'counter' | null;

const TIMESTAMP_LINE = new RegExp([
  String.raw`^(last\s+)?(updated|published|posted|modified|edited)\b.{0,60}$`,
  String.raw`^\d{1,2}:\d{2}\s*(am|pm)?\b.{0,40}$`,
  String.raw`^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s.{0,50}\d{4}.{0,20}$`,
  String.raw`^\d+\s+(minutes?|hours?|days?|mins?|hrs?)\s+ago\.?$`,
].join('|'), 'iu');
const COUNTER_LINE = /^[\d.,]+\s*[km]?\s+(shares?|comments?|reactions?|likes?|views?|reads?|replies)\b.{0,20}$|^(shares?|comments?|views?)\s*:?\s*[\d.,]+\s*[km]?$/iu;

/** Text with quotes, dashes, punctuation and letter case folded away: what is left is the words. */
export function wordsOnly(s: string): string {
  return normaliseForComparison(s)
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A capture's title and paragraphs. */
export interface Capture {
  title: string;
  paragraphs: string[];
}

/** Each paragraph's words, and whether it is a timestamp or a counter line: computed once per capture. */
interface Folded {
  title: string;
  words: string[];
  timestamp: boolean[];
  counter: boolean[];
}

function fold(c: Capture): Folded {
  const norm = c.paragraphs.map(normaliseForComparison);
  return {
    title: wordsOnly(c.title),
    words: c.paragraphs.map(wordsOnly),
    timestamp: norm.map((p) => TIMESTAMP_LINE.test(p)),
    counter: norm.map((p) => COUNTER_LINE.test(p)),
  };
}

/** The words of the paragraphs that `keep` accepts, as one string. */
function body(f: Folded, keep: (i: number) => boolean): string {
  return f.words.filter((w, i) => w !== '' && keep(i)).join(' ');
}

/** Whether the change from `prev` to `next` is minor, and why (null: substantive). */
export function classifyChange(prev: Capture, next: Capture): MinorReason {
  const a = fold(prev);
  const b = fold(next);
  if (a.title !== b.title) return null;
  const variants: Array<[Exclude<MinorReason, null>, (f: Folded) => (i: number) => boolean]> = [
    ['punctuation', () => () => true],
    ['timestamp', (f) => (i) => !f.timestamp[i]],
    ['counter', (f) => (i) => !f.counter[i]],
    ['timestamp', (f) => (i) => !f.timestamp[i] && !f.counter[i]],
  ];
  for (const [reason, keep] of variants) {
    if (body(a, keep(a)) === body(b, keep(b))) return reason;
  }
  return null;
}

function wordCount(paragraphs: string[]): number {
  return paragraphs.join(' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

const WALL = /\b(subscribe (now )?to (continue|keep) reading|to continue reading,? (please )?(subscribe|sign in|log in)|already a subscriber|this (article|content) is (only )?(available|reserved) (to|for) (subscribers|members)|create a free account to (continue|read)|we use cookies|accept (all )?cookies|cookie (settings|preferences)|manage (your )?consent|before you continue to|enable javascript to (continue|view)|are you a robot|verify you are (a )?human)\b/iu;
const ERROR_TITLE = /^(404\b|410\b|500\b|503\b|page not found|not found|error\b|access denied|forbidden|service unavailable|just a moment)/iu;

/** Thresholds for rejecting captures. */
export interface RejectOptions {
  /** Reject when the body shrinks by more than this share of the previous version's words (0.8 = 80 %). */
  maxShrink: number;
  /** Previous versions shorter than this many words are never judged truncated. */
  minWordsForShrink: number;
}

/** Default thresholds: a body shrinking by more than 80 % is truncated. */
export const DEFAULT_REJECT: RejectOptions = { maxShrink: 0.8, minWordsForShrink: 50 };

/**
 * Why a capture must be recorded as a failed check instead of a version (null when it is acceptable):
 * an error page served with 200, a paywall or consent wall (in the body, or in `pageHtml` when the body also
 * shrank), or a body that shrank by more than `maxShrink`.
 */
export function rejectCapture(prev: Capture | null, next: Capture, opts: RejectOptions = DEFAULT_REJECT, pageHtml = ''): string | null {
  const words = wordCount(next.paragraphs);
  if (ERROR_TITLE.test(normaliseForComparison(next.title)) && words < 150) {
    return `an error page served with a success status ("${next.title.slice(0, 60)}")`;
  }
  // The extractor drops a wall's "subscribe to continue" line as boilerplate, so the page is searched too; a wall
  // only counts when the body also lost much of its text, since many sites ship their paywall prompt on every page.
  const shrunk = prev !== null && words < wordCount(prev.paragraphs) * 0.6;
  if ((WALL.test(next.paragraphs.join(' ')) && (prev === null || shrunk)) || (shrunk && WALL.test(pageHtml))) {
    return `a paywall or consent page (${words} words) instead of the article`;
  }
  if (prev) {
    const before = wordCount(prev.paragraphs);
    if (before >= opts.minWordsForShrink && words < before * (1 - opts.maxShrink)) {
      return `truncated: the body shrank from ${before} to ${words} words (paywall, consent wall or partial page?)`;
    }
  }
  return null;
}
