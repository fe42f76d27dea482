/**
 * Sentence-level edit actions (NewsEdits taxonomy: addition, deletion, edit, move) derived from the rows.
 *
 * Sentences are cut as `Intl.Segmenter` (sentence granularity) cuts them (see segment.ts), per paragraph,
 * and only for rows that are not unchanged: an unchanged paragraph has only unchanged sentences. Inside a
 * changed or moved row the sentences are aligned like paragraphs are (equal ones by Myers on interned
 * sentences, then similar ones paired in order: 'edited'). Whatever is left, plus the sentences of added and removed paragraphs, is
 * matched across the whole article: the same sentence elsewhere, or a mutually most similar one, is 'moved';
 * the rest is 'added' or 'deleted'. Sentences of a moved paragraph are 'moved'.
 */
import { diffRange } from './myers.js';
import { heaviestChain, similarIdPairs, similarPairs, SMALL_PAIRS, wordSet, type SimilarPair } from './similarity.js';
import { diffTokenIds, type TokenSource } from './worddiff.js';
import type { DiffRow, SentenceAction, SentencePosition } from './types.js';
import { sentenceRanges } from './segment.js';
import { collapseWhitespace, type SideName, type Workspace } from './workspace.js';

const EDIT_MIN_SIM = 0.5;
const MOVE_MIN_SIM = 0.6;

/** One sentence of one version. */
interface Sentence {
  at: SentencePosition;
  side: SideName;
  /** The sentence, trimmed, and its offsets in its paragraph. */
  text: string;
  start: number;
  end: number;
  /** Whitespace-collapsed text: sentences equal under it are the same sentence. */
  key: string;
  /** Token ids of `text` and its word set, computed only when the sentence has to be compared or diffed. */
  ids: Int32Array | undefined;
  set: Int32Array | undefined;
  /** Where the tokens of `ids` come from (set with `ids`). */
  source: TokenSource | undefined;
}

/** The sentences of paragraph `index` of one side. */
function sentencesOf(ws: Workspace, side: SideName, index: number): Sentence[] {
  const own = ws.side(side);
  const text = own.text(index);
  // In a paragraph whose whitespace is already regular (the usual case), every trimmed sentence is its own key.
  const regular = own.normalized(index) === text;
  const ranges = sentenceRanges(text, own.isAscii(index));
  const out: Sentence[] = new Array<Sentence>(ranges.length);
  for (let k = 0; k < ranges.length; k++) {
    const [start, end] = ranges[k] as [number, number];
    const s = text.slice(start, end);
    out[k] = { at: { paragraph: index, sentence: k }, side, text: s, start, end, key: regular ? s : collapseWhitespace(s), ids: undefined, set: undefined, source: undefined };
  }
  return out;
}

/**
 * Token ids of a sentence: the slice of its paragraph's tokens (sentence bounds fall on token bounds, since
 * they sit next to whitespace or after a terminator, which is a token of its own); tokenized afresh should
 * they ever not.
 */
function idsOf(ws: Workspace, s: Sentence): Int32Array {
  if (s.ids) return s.ids;
  const side = ws.side(s.side);
  const tokens = side.tokens(s.at.paragraph);
  const starts = side.tokenStarts(s.at.paragraph);
  const lo = lowerBound(starts, s.start);
  const hi = lowerBound(starts, s.end);
  if (starts[lo] === s.start && starts[hi] === s.end) {
    s.ids = tokens.subarray(lo, hi);
    s.source = { text: side.text(s.at.paragraph), starts: starts.subarray(lo, hi + 1) };
  } else {
    const t = ws.interner.internTokens(s.text);
    s.ids = t.ids;
    s.source = { text: s.text, starts: t.starts };
  }
  return s.ids;
}

/** First index k with sorted[k] >= x. */
function lowerBound(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function setOf(ws: Workspace, s: Sentence): Int32Array {
  s.set ??= wordSet(idsOf(ws, s), ws.interner);
  return s.set;
}

/** Computes the sentence actions implied by `rows` (rows as built in the orientation of `ws`), in row order unless `ordered` is false. */
export function computeSentenceActions(ws: Workspace, rows: readonly DiffRow[], ordered = true): SentenceAction[] {
  const actions: SentenceAction[] = [];
  const looseOld: Sentence[] = [];
  const looseNew: Sentence[] = [];
  const paragraphsOf = (sideName: SideName, start: number | null, count: number | undefined): Sentence[] => {
    const list: Sentence[] = [];
    if (start === null) return list;
    for (let k = 0; k < (count ?? 1); k++) list.push(...sentencesOf(ws, sideName, start + k));
    return list;
  };
  for (const row of rows) {
    switch (row.kind) {
      case 'unchanged':
      case 'moved-from':
        break;
      case 'removed':
        looseOld.push(...paragraphsOf('old', row.leftIndex, row.leftCount));
        break;
      case 'added':
        looseNew.push(...paragraphsOf('new', row.rightIndex, row.rightCount));
        break;
      case 'changed':
      case 'moved-to':
        alignWithinRow(
          ws,
          paragraphsOf('old', row.leftIndex, row.leftCount),
          paragraphsOf('new', row.rightIndex, row.rightCount),
          row.kind === 'moved-to',
          actions,
          looseOld,
          looseNew,
        );
        break;
    }
  }
  matchLoose(ws, looseOld, looseNew, actions);
  return ordered ? orderActions(actions, rows) : actions;
}

function action(kind: SentenceAction['action'], ws: Workspace, o: Sentence | null, n: Sentence | null): SentenceAction {
  const a: SentenceAction = { action: kind, old: o?.text ?? null, new: n?.text ?? null, oldAt: o?.at ?? null, newAt: n?.at ?? null };
  if (o && n && (kind === 'edited' || o.key !== n.key)) a.ops = diffTokenIds(idsOf(ws, o), idsOf(ws, n), ws.interner, o.source, n.source).ops;
  return a;
}

/** Sentence key ids and change flags of {@link alignWithinRow} (old sentences first, then new), reused from row to row. */
let keyBuf = new Int32Array(64);
let flagBuf = new Uint8Array(64);

/** Aligns the sentences of one changed or moved row; unmatched ones go to the loose lists. */
function alignWithinRow(
  ws: Workspace,
  left: Sentence[],
  right: Sentence[],
  moved: boolean,
  actions: SentenceAction[],
  looseOld: Sentence[],
  looseNew: Sentence[],
): void {
  const n = left.length;
  const m = right.length;
  if (keyBuf.length < n + m) {
    keyBuf = new Int32Array(2 * (n + m));
    flagBuf = new Uint8Array(keyBuf.length);
  }
  // Equal keys get equal ids (Myers only compares them): the index of the first sentence with that key.
  const a = keyBuf;
  const b = keyBuf.subarray(n);
  const all = (k: number): Sentence => (k < n ? left[k] : right[k - n]) as Sentence;
  const keys = n + m > 16 ? new Map<string, number>() : null;
  for (let k = 0; k < n + m; k++) {
    const key = all(k).key;
    let id = k;
    if (keys) {
      const known = keys.get(key);
      if (known === undefined) keys.set(key, k);
      else id = known;
    } else {
      for (let q = 0; q < k; q++) {
        if (all(q).key === key) {
          id = q;
          break;
        }
      }
    }
    keyBuf[k] = id;
  }
  const del = flagBuf;
  const ins = flagBuf.subarray(n);
  flagBuf.fill(0, 0, n + m);
  diffRange(a, 0, n, b, 0, m, del, ins, Math.max(256, Math.floor(Math.sqrt(n + m))));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !del[i] && !ins[j]) {
      if (moved) actions.push(action('moved', ws, left[i] as Sentence, right[j] as Sentence));
      i++;
      j++;
      continue;
    }
    const gapOld: Sentence[] = [];
    const gapNew: Sentence[] = [];
    while (i < n && del[i]) gapOld.push(left[i++] as Sentence);
    while (j < m && ins[j]) gapNew.push(right[j++] as Sentence);
    let chain: SimilarPair[] = [];
    if (gapOld.length > 0 && gapNew.length > 0) {
      const pairs =
        gapOld.length * gapNew.length <= SMALL_PAIRS
          ? similarIdPairs(
              gapOld.map((s) => idsOf(ws, s)),
              gapNew.map((s) => idsOf(ws, s)),
              ws.interner,
              EDIT_MIN_SIM,
            )
          : similarPairs(
              gapOld.map((s) => setOf(ws, s)),
              gapNew.map((s) => setOf(ws, s)),
              EDIT_MIN_SIM,
            );
      chain = heaviestChain(pairs, gapNew.length);
    }
    const pairedOld = new Set<number>();
    const pairedNew = new Set<number>();
    for (const p of chain) {
      pairedOld.add(p.i);
      pairedNew.add(p.j);
      actions.push(action(moved ? 'moved' : 'edited', ws, gapOld[p.i] as Sentence, gapNew[p.j] as Sentence));
    }
    gapOld.forEach((s, k) => {
      if (!pairedOld.has(k)) looseOld.push(s);
    });
    gapNew.forEach((s, k) => {
      if (!pairedNew.has(k)) looseNew.push(s);
    });
  }
}

/** Matches loose sentences across the article: same text or mutually most similar means moved. */
function matchLoose(ws: Workspace, looseOld: Sentence[], looseNew: Sentence[], actions: SentenceAction[]): void {
  const byKey = new Map<string, number[]>();
  looseOld.forEach((s, k) => {
    const list = byKey.get(s.key);
    if (list) list.push(k);
    else byKey.set(s.key, [k]);
  });
  const usedOld = new Uint8Array(looseOld.length);
  const usedNew = new Uint8Array(looseNew.length);
  looseNew.forEach((s, k) => {
    const o = byKey.get(s.key)?.shift();
    if (o === undefined) return;
    usedOld[o] = 1;
    usedNew[k] = 1;
    actions.push(action('moved', ws, looseOld[o] as Sentence, s));
  });
  const restOld = looseOld.filter((_s, k) => !usedOld[k]);
  const restNew = looseNew.filter((_s, k) => !usedNew[k]);
  const pairs =
    restOld.length === 0 || restNew.length === 0
      ? []
      : similarPairs(
          restOld.map((s) => setOf(ws, s)),
          restNew.map((s) => setOf(ws, s)),
          MOVE_MIN_SIM,
        );
  const bestOld = new Map<number, SimilarPair>();
  const bestNew = new Map<number, SimilarPair>();
  for (const p of pairs) {
    const bo = bestOld.get(p.i);
    if (!bo || p.sim > bo.sim) bestOld.set(p.i, p);
    const bn = bestNew.get(p.j);
    if (!bn || p.sim > bn.sim) bestNew.set(p.j, p);
  }
  const pairedOld = new Uint8Array(restOld.length);
  const pairedNew = new Uint8Array(restNew.length);
  for (const p of pairs) {
    if (bestOld.get(p.i) !== p || bestNew.get(p.j) !== p) continue;
    pairedOld[p.i] = 1;
    pairedNew[p.j] = 1;
    actions.push(action('moved', ws, restOld[p.i] as Sentence, restNew[p.j] as Sentence));
  }
  restOld.forEach((s, k) => {
    if (!pairedOld[k]) actions.push(action('deleted', ws, s, null));
  });
  restNew.forEach((s, k) => {
    if (!pairedNew[k]) actions.push(action('added', ws, null, s));
  });
}

/**
 * Sorts actions in row order: an action belongs to the row holding its new sentence (its old sentence
 * for deletions); within a row deletions come first, then by sentence position.
 */
export function orderActions(actions: SentenceAction[], rows: readonly DiffRow[]): SentenceAction[] {
  if (actions.length === 0) return actions;
  // Row of every paragraph (+ 1; 0 when none), indexed by paragraph.
  let maxOld = 0;
  let maxNew = 0;
  for (const row of rows) {
    if (row.leftIndex !== null) maxOld = Math.max(maxOld, row.leftIndex + (row.leftCount ?? 1));
    if (row.rightIndex !== null) maxNew = Math.max(maxNew, row.rightIndex + (row.rightCount ?? 1));
  }
  const oldRows = new Int32Array(maxOld);
  const newRows = new Int32Array(maxNew);
  rows.forEach((row, r) => {
    if (row.leftIndex !== null && row.kind !== 'moved-to' && row.kind !== 'added') {
      for (let k = 0; k < (row.leftCount ?? 1); k++) oldRows[row.leftIndex + k] = r + 1;
    }
    if (row.rightIndex !== null && row.kind !== 'moved-from' && row.kind !== 'removed') {
      for (let k = 0; k < (row.rightCount ?? 1); k++) newRows[row.rightIndex + k] = r + 1;
    }
  });
  const rowOf = (table: Int32Array, paragraph: number): number => (paragraph >= 0 && paragraph < table.length ? (table[paragraph] as number) : 0) - 1;
  const keyOf = (a: SentenceAction): number[] =>
    a.newAt
      ? [rowOf(newRows, a.newAt.paragraph), 1, a.newAt.paragraph, a.newAt.sentence]
      : [rowOf(oldRows, a.oldAt?.paragraph ?? -1), 0, a.oldAt?.paragraph ?? -1, a.oldAt?.sentence ?? -1];
  const keyed = actions.map((a) => ({ a, k: keyOf(a) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < x.k.length; i++) {
      const d = (x.k[i] as number) - (y.k[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  return keyed.map((e) => e.a);
}
