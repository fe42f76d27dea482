/** Entry points: the full diff of two article versions, and conveniences around it. */
import { alignParagraphs } from './align.js';
import { mirrorDiff } from './mirror.js';
import { buildRows } from './rows.js';
import { computeSentenceActions } from './sentences.js';
import type { ArticleDiff, DiffStats, SentenceAction, WordOp } from './types.js';
import { diffTokenIds } from './worddiff.js';
import { collapseWhitespace, Workspace } from './workspace.js';

/** One version of an article as the differ sees it. */
export interface ArticleVersion {
  title: string;
  paragraphs: readonly string[];
}

/** Splits plain text into paragraphs at blank lines (lines holding only whitespace count as blank); trims them and drops empty ones. */
export function splitParagraphs(text: string): string[] {
  const out: string[] = [];
  const push = (start: number, end: number): void => {
    const p = text.slice(start, end).trim();
    if (p) out.push(p);
  };
  // A blank line is a newline followed by whitespace holding another newline: the same cut as
  // text.split(/\n\s*\n/), without the regex (this runs on every version of every article).
  let start = 0;
  let i = text.indexOf('\n');
  while (i !== -1) {
    let j = i + 1;
    let second = -1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 0x0a) second = j;
      else if (!(c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c || (c > 0x7f && /\s/.test(text.charAt(j))))) break;
      j++;
    }
    if (second === -1) {
      i = text.indexOf('\n', j);
      continue;
    }
    push(start, i);
    start = j;
    i = text.indexOf('\n', j);
  }
  push(start, text.length);
  return out;
}

/**
 * The complete diff between two versions: word-level title diff, paragraph rows with word ops, sentence
 * actions and statistics. Deterministic, and `diffArticles(b, a)` is exactly the mirror of `diffArticles(a, b)`.
 */
export function diffArticles(a: ArticleVersion, b: ArticleVersion): ArticleDiff {
  checkVersion(a, 'old');
  checkVersion(b, 'new');
  return compareVersions(a, b) > 0 ? mirrorDiff(compute(b, a, false)) : compute(a, b, true);
}

/** `diffArticles` on two plain texts (paragraphs at blank lines, empty titles). */
export function diffTexts(oldText: string, newText: string): ArticleDiff {
  return diffArticles({ title: '', paragraphs: splitParagraphs(oldText) }, { title: '', paragraphs: splitParagraphs(newText) });
}

/** Only the statistics of `diffArticles(a, b)` (they need the full alignment, so this costs the same). */
export function diffStatsOnly(a: ArticleVersion, b: ArticleVersion): DiffStats {
  return diffArticles(a, b).stats;
}

/** The sentence-level edit actions between two versions, in row order (same as `diffArticles(a, b).sentences`). */
export function sentenceActions(a: ArticleVersion, b: ArticleVersion): SentenceAction[] {
  return diffArticles(a, b).sentences;
}

function checkVersion(v: ArticleVersion, which: string): void {
  if (typeof v?.title !== 'string' || !Array.isArray(v.paragraphs) || v.paragraphs.some((p) => typeof p !== 'string')) {
    throw new TypeError(`differ: the ${which} version needs a string title and an array of string paragraphs`);
  }
}

/** A total order on versions, used only to pick the orientation in which a pair is computed. */
function compareVersions(a: ArticleVersion, b: ArticleVersion): number {
  if (a.paragraphs.length !== b.paragraphs.length) return a.paragraphs.length - b.paragraphs.length;
  for (let i = 0; i < a.paragraphs.length; i++) {
    const x = a.paragraphs[i] as string;
    const y = b.paragraphs[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.title === b.title ? 0 : a.title < b.title ? -1 : 1;
}

/**
 * The diff of `a` to `b`. With `ordered` false the sentence actions are left in any order: mirrorDiff sorts
 * them again (every action has its own sort key, so the order it gives does not depend on the order it gets).
 */
function compute(a: ArticleVersion, b: ArticleVersion, ordered: boolean): ArticleDiff {
  const ws = new Workspace(a.paragraphs, b.paragraphs);
  const built = buildRows(ws, alignParagraphs(ws));
  const sentences = computeSentenceActions(ws, built.rows, ordered);
  const title = diffTitle(ws, a.title, b.title);
  const stats: DiffStats = {
    wordsAdded: built.wordsAdded,
    wordsRemoved: built.wordsRemoved,
    paragraphsAdded: 0,
    paragraphsRemoved: 0,
    paragraphsChanged: 0,
    paragraphsMoved: 0,
    sentencesAdded: 0,
    sentencesDeleted: 0,
    sentencesEdited: 0,
    sentencesMoved: 0,
    changedShare: 0,
    titleChanged: title.changed,
  };
  for (const row of built.rows) {
    if (row.kind === 'added') stats.paragraphsAdded++;
    else if (row.kind === 'removed') stats.paragraphsRemoved++;
    else if (row.kind === 'changed') stats.paragraphsChanged++;
    else if (row.kind === 'moved-to') stats.paragraphsMoved++;
  }
  for (const s of sentences) {
    if (s.action === 'added') stats.sentencesAdded++;
    else if (s.action === 'deleted') stats.sentencesDeleted++;
    else if (s.action === 'edited') stats.sentencesEdited++;
    else stats.sentencesMoved++;
  }
  const total = built.oldWords + built.newWords;
  stats.changedShare = total === 0 ? 0 : (built.wordsAdded + built.wordsRemoved) / total;
  return { title, rows: built.rows, stats, sentences };
}

function diffTitle(ws: Workspace, oldTitle: string, newTitle: string): ArticleDiff['title'] {
  let ops: WordOp[];
  if (oldTitle === newTitle) ops = oldTitle ? [{ op: 'equal', text: oldTitle }] : [];
  else ops = diffTokenIds(ws.interner.internText(oldTitle), ws.interner.internText(newTitle), ws.interner).ops;
  return { old: oldTitle, new: newTitle, changed: collapseWhitespace(oldTitle) !== collapseWhitespace(newTitle), ops };
}
