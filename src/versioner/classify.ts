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

/** Paragraphs with timestamp and counter lines removed, so edits to them alone are recognised. */
function stripVolatile(paragraphs: string[], pattern: RegExp): string[] {
  return paragraphs.filter((p) => !pattern.test(normaliseForComparison(p)));
}

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

function same(a: Capture, b: Capture, strip: (p: string[]) => string[]): boolean {
  return wordsOnly(a.title) === wordsOnly(b.title) && wordsOnly(strip(a.paragraphs).join(' ')) === wordsOnly(strip(b.paragraphs).join(' '));
}

/** Whether the change from `prev` to `next` is minor, and why (null: substantive). */
export function classifyChange(prev: Capture, next: Capture): MinorReason {
  if (same(prev, next, (p) => p)) return 'punctuation';
  if (same(prev, next, (p) => stripVolatile(p, TIMESTAMP_LINE))) return 'timestamp';
  if (same(prev, next, (p) => stripVolatile(p, COUNTER_LINE))) return 'counter';
  if (same(prev, next, (p) => stripVolatile(stripVolatile(p, TIMESTAMP_LINE), COUNTER_LINE))) return 'timestamp';
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
