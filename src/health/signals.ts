/**
 * The signals of broken extraction, as pure functions: how one capture looks against its article's previous
 * version (empty, much shorter, almost every paragraph different), and whether a source's recent window of
 * captures, compared with its own baseline, says its extraction broke, with the reason in words.
 */
import { splitParagraphs } from '../differ/index.js';
import type { HealthConfig } from '../config/health.js';
import type { CaptureHealthCounts, CaptureHealthKind } from '../store/index.js';
import { versionText } from '../versioner/index.js';
import { wordsOnly } from '../versioner/classify.js';

/** How one capture looks, and in words why when it is suspect. */
export interface Judgement {
  kind: CaptureHealthKind;
  /** Why it is suspect ("an empty body"); null for a healthy capture. */
  detail: string | null;
}

/** The thresholds `judgeCapture` reads. */
export type JudgeOptions = Pick<HealthConfig, 'shorterRatio' | 'minPreviousChars' | 'rewriteShare' | 'minParagraphs'>;

/** Distinct words of a paragraph (letters and digits, case and punctuation folded). */
function wordSet(p: string): Set<string> {
  return new Set(wordsOnly(p).split(' ').filter((w) => w !== ''));
}

/**
 * Share of `before`'s paragraphs that have no counterpart in `after`: no paragraph of `after` holds at least half
 * of its distinct words. An exact-match measure (or the differ's "changed" count) would also count a paragraph
 * with one word corrected; a redesign that makes the extractor pick other text leaves almost no paragraph's words.
 */
export function paragraphsGoneShare(before: readonly string[], after: readonly string[]): number {
  if (before.length === 0) return 0;
  const next = after.map(wordSet);
  let gone = 0;
  for (const p of before) {
    const words = wordSet(p);
    if (words.size === 0) continue;
    const kept = next.some((n) => {
      let shared = 0;
      for (const w of words) if (n.has(w)) shared++;
      return shared * 2 >= words.size;
    });
    if (!kept) gone++;
  }
  return gone / before.length;
}

/**
 * Judges a capture's paragraphs against the article's previous version's text (null: its first capture): 'empty'
 * without paragraphs, 'shorter' when the text fell below `shorterRatio` of a long enough previous text, 'rewrite'
 * when at least `rewriteShare` of a previous version's paragraphs (it having `minParagraphs` or more) are gone.
 */
export function judgeCapture(previousText: string | null, paragraphs: string[], o: JudgeOptions): Judgement {
  if (paragraphs.length === 0) return { kind: 'empty', detail: 'an empty body' };
  if (previousText === null) return { kind: 'ok', detail: null };
  const before = previousText.length;
  const after = versionText(paragraphs).length;
  if (before >= o.minPreviousChars && after < before * o.shorterRatio) {
    return { kind: 'shorter', detail: `a body of ${after} characters where the previous version had ${before}` };
  }
  const prev = splitParagraphs(previousText);
  if (prev.length >= o.minParagraphs) {
    const share = paragraphsGoneShare(prev, paragraphs);
    if (share >= o.rewriteShare) {
      return { kind: 'rewrite', detail: `${Math.round(share * prev.length)} of the previous version's ${prev.length} paragraphs changed at once` };
    }
  }
  return { kind: 'ok', detail: null };
}

/** Suspect captures in some counts. */
export function suspectCount(c: CaptureHealthCounts): number {
  return c.empty + c.shorter + c.rewrite;
}

const KIND_WORDS: Record<Exclude<CaptureHealthKind, 'ok'>, { verb: string; one: string; many: string }> = {
  empty: { verb: 'had empty bodies', one: 'empty body', many: 'empty bodies' },
  shorter: { verb: 'had much shorter bodies than their previous version', one: 'much shorter body', many: 'much shorter bodies' },
  rewrite: { verb: 'changed almost every paragraph at once', one: 'near-total rewrite', many: 'near-total rewrites' },
};

/** "the last 24 h", "the last 90 min". */
function windowWords(hours: number): string {
  return hours >= 1 ? `the last ${Number(hours.toFixed(1))} h` : `the last ${Math.round(hours * 60)} min`;
}

/** The thresholds `degradedReason` reads. */
export type WindowOptions = Pick<HealthConfig, 'minArticles' | 'suspectShare' | 'minIncrease' | 'windowHours'>;

/**
 * Why a source's extraction looks broken, or null when it does not: in the window at least `minArticles`
 * different articles had suspect captures, they were at least `suspectShare` of the window's captures, and that
 * share is at least `minIncrease` above the baseline's (a source whose pages were always like that has not broken).
 * The reason reads like "12 of 15 captures in the last 24 h had empty bodies (baseline 0 of 40)".
 */
export function degradedReason(window: CaptureHealthCounts, baseline: CaptureHealthCounts, o: WindowOptions): string | null {
  const suspect = suspectCount(window);
  if (window.total === 0 || window.suspectArticles < o.minArticles) return null;
  const share = suspect / window.total;
  const baseShare = baseline.total === 0 ? 0 : suspectCount(baseline) / baseline.total;
  if (share < o.suspectShare || share - baseShare < o.minIncrease) return null;
  const kinds = (['empty', 'shorter', 'rewrite'] as const).filter((k) => window[k] > 0);
  const head = `${suspect} of ${window.total} captures in ${windowWords(o.windowHours)}`;
  if (kinds.length === 1) {
    const k = kinds[0]!;
    return `${head} ${KIND_WORDS[k].verb} (baseline ${baseline[k]} of ${baseline.total})`;
  }
  const parts = kinds.map((k) => `${window[k]} ${window[k] === 1 ? KIND_WORDS[k].one : KIND_WORDS[k].many}`).join(', ');
  return `${head} looked broken: ${parts} (baseline ${suspectCount(baseline)} of ${baseline.total})`;
}

/**
 * Why a degraded source counts as recovered, or null: its newest `recoverAfter` captures since it was degraded
 * (newest first in `recent`) are all healthy.
 */
export function recoveredReason(recent: readonly CaptureHealthKind[], recoverAfter: number): string | null {
  if (recent.length < recoverAfter || recent.slice(0, recoverAfter).some((k) => k !== 'ok')) return null;
  return `the last ${recoverAfter} captures were healthy again`;
}
