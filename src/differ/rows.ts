/** Builds the side-by-side rows (with word ops) of an alignment, and the word counts they imply. */
import type { Alignment, Link } from './align.js';
import { isHonestEdit } from './honest.js';
import { diffTokenIds } from './worddiff.js';
import type { DiffRow } from './types.js';
import { PARAGRAPH_SEPARATOR, type Side, type Workspace } from './workspace.js';

/** Rows plus the word totals computed while building them. */
export interface BuiltRows {
  rows: DiffRow[];
  wordsAdded: number;
  wordsRemoved: number;
  /** Word tokens in the whole old and new text. */
  oldWords: number;
  newWords: number;
}

/**
 * Turns an alignment into rows in display order (see DiffRow for the ordering rule). A pair that grew into a
 * split or merge and no longer passes the honest-pairing rule (honest.ts) is shown as removals and additions.
 */
export function buildRows(ws: Workspace, alignment: Alignment): BuiltRows {
  const nA = ws.old.paras.length;
  const nB = ws.new.paras.length;
  const moveOfOld = new Map<number, Link>();
  const moveOfNew = new Map<number, Link>();
  for (const m of alignment.moves) {
    moveOfOld.set(m.a, m);
    moveOfNew.set(m.b, m);
  }
  const out: BuiltRows = { rows: [], wordsAdded: 0, wordsRemoved: 0, oldWords: 0, newWords: 0 };
  let oi = 0;
  let ni = 0;
  const flush = (aEnd: number, bEnd: number): void => {
    for (; oi < aEnd; oi++) {
      const text = ws.old.text(oi);
      const words = ws.old.wordCount(oi);
      out.oldWords += words;
      const move = moveOfOld.get(oi);
      if (move) {
        out.rows.push({ kind: 'moved-from', left: text, right: null, leftIndex: oi, rightIndex: null, moveId: move.a });
      } else {
        out.rows.push({ kind: 'removed', left: text, right: null, leftIndex: oi, rightIndex: null });
        out.wordsRemoved += words;
      }
    }
    for (; ni < bEnd; ni++) {
      const text = ws.new.text(ni);
      const words = ws.new.wordCount(ni);
      out.newWords += words;
      const move = moveOfNew.get(ni);
      if (move) {
        const d =
          alignment.wordDiffs.get(move.a * nB + ni) ??
          diffTokenIds(ws.old.tokens(move.a), ws.new.tokens(ni), ws.interner, ws.old.source(move.a), ws.new.source(ni));
        out.wordsAdded += d.wordsAdded;
        out.wordsRemoved += d.wordsRemoved;
        const left = ws.old.text(move.a);
        out.rows.push({ kind: 'moved-to', left, right: text, leftIndex: move.a, rightIndex: ni, ops: d.ops, moveId: move.a });
      } else {
        out.rows.push({ kind: 'added', left: null, right: text, leftIndex: null, rightIndex: ni });
        out.wordsAdded += words;
      }
    }
  };
  // Pair links first: one that fails the honest-pairing rule is dropped before any row is built, so its
  // paragraphs are flushed as removed and added with their neighbours (old-only rows first, as always).
  const links: Array<{ link: Link; row: DiffRow | null; wordsAdded: number; wordsRemoved: number; oldWords: number; newWords: number }> = [];
  for (const link of alignment.ordered) {
    if (link.kind === 'equal') {
      const words = ws.old.wordCount(link.a);
      links.push({ link, row: null, wordsAdded: 0, wordsRemoved: 0, oldWords: words, newWords: words });
      continue;
    }
    const left = joinedParagraphs(ws.old, link.a, link.aCount, ws.separator);
    const right = joinedParagraphs(ws.new, link.b, link.bCount, ws.separator);
    const single = link.aCount === 1 && link.bCount === 1;
    const d = (single ? alignment.wordDiffs.get(link.a * nB + link.b) : undefined) ?? diffTokenIds(left.ids, right.ids, ws.interner, left, right);
    let oldWords = 0;
    let newWords = 0;
    for (let k = 0; k < link.aCount; k++) oldWords += ws.old.wordCount(link.a + k);
    for (let k = 0; k < link.bCount; k++) newWords += ws.new.wordCount(link.b + k);
    if (!isHonestEdit(oldWords - d.wordsRemoved, oldWords, newWords)) continue;
    const row: DiffRow = { kind: 'changed', left: left.text, right: right.text, leftIndex: link.a, rightIndex: link.b, ops: d.ops };
    if (link.aCount > 1) row.leftCount = link.aCount;
    if (link.bCount > 1) row.rightCount = link.bCount;
    links.push({ link, row, wordsAdded: d.wordsAdded, wordsRemoved: d.wordsRemoved, oldWords, newWords });
  }
  for (const { link, row, ...words } of links) {
    flush(link.a, link.b);
    out.wordsAdded += words.wordsAdded;
    out.wordsRemoved += words.wordsRemoved;
    out.oldWords += words.oldWords;
    out.newWords += words.newWords;
    out.rows.push(row ?? { kind: 'unchanged', left: ws.old.text(link.a), right: ws.new.text(link.b), leftIndex: link.a, rightIndex: link.b });
    oi = link.a + link.aCount;
    ni = link.b + link.bCount;
  }
  flush(nA, nB);
  renumberMoves(out.rows);
  return out;
}

/** The text, token ids and token offsets of `count` paragraphs from `start` joined by the paragraph separator. */
export function joinedParagraphs(side: Side, start: number, count: number, separator: number): { text: string; ids: Int32Array; starts: Int32Array } {
  if (count === 1) return { text: side.text(start), ids: side.tokens(start), starts: side.tokenStarts(start) };
  const texts: string[] = [];
  const parts: Int32Array[] = [];
  let length = count - 1;
  for (let k = 0; k < count; k++) {
    texts.push(side.text(start + k));
    const ids = side.tokens(start + k);
    parts.push(ids);
    length += ids.length;
  }
  const ids = new Int32Array(length);
  const starts = new Int32Array(length + 1);
  let at = 0;
  let offset = 0;
  parts.forEach((p, k) => {
    if (k > 0) {
      starts[at] = offset;
      ids[at++] = separator;
      offset += PARAGRAPH_SEPARATOR.length;
    }
    ids.set(p, at);
    const own = side.tokenStarts(start + k);
    for (let t = 0; t < p.length; t++) starts[at + t] = offset + (own[t] as number);
    at += p.length;
    offset += (texts[k] as string).length;
  });
  starts[length] = offset;
  return { text: texts.join(PARAGRAPH_SEPARATOR), ids, starts };
}

/** Renumbers moveIds 1, 2, ... in order of first appearance in `rows` (keeps them deterministic and orientation-free). */
export function renumberMoves(rows: DiffRow[]): void {
  const ids = new Map<number, number>();
  for (const row of rows) {
    if (row.moveId === undefined) continue;
    let id = ids.get(row.moveId);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(row.moveId, id);
    }
    row.moveId = id;
  }
}
