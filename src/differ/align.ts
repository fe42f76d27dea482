/**
 * Paragraph alignment: which old paragraphs are unchanged, changed (possibly split or merged), moved,
 * removed or added.
 *
 * 1. Paragraphs equal as strings are matched with histogram diff; inside the unmatched gaps left between
 *    those anchors, paragraphs equal up to whitespace are matched the same way (they count as unchanged).
 * 2. Moves: an unmatched old paragraph whose text (up to whitespace) reappears unmatched elsewhere, or whose
 *    most similar counterpart lies in another gap (and is mutually the most similar), is moved.
 * 3. Changed: inside each gap, old and new paragraphs similar enough to be edits of one another (see
 *    candidates.ts) are paired by the heaviest monotone chain of such pairs. A pair then absorbs unpaired
 *    neighbours that carry its missing words: one old paragraph split into two new ones becomes one pair of
 *    1 old and 2 new paragraphs (a merge the other way round).
 * Moves and pairs other than exact moves must also pass the honest-pairing rule of honest.ts (their word diff
 * keeps enough of their words); a pair that fails it is left to be a removal plus an addition.
 * Whatever is left is removed (old) or added (new).
 */
import { histogramMatch, type Matching } from './histogram.js';
import { StringIds } from './string-ids.js';
import { paragraphCandidates } from './candidates.js';
import { isHonestEdit } from './honest.js';
import { joinedParagraphs } from './rows.js';
import { diffTokenIds, type WordDiff } from './worddiff.js';
import { difference, heaviestChain, intersectionSize, union, type SimilarPair } from './similarity.js';
import { PARAGRAPH_SEPARATOR, type Side, type Workspace } from './workspace.js';

/** One aligned unit: `aCount` old paragraphs from `a` correspond to `bCount` new paragraphs from `b`. */
export interface Link {
  kind: 'equal' | 'pair' | 'move';
  a: number;
  aCount: number;
  b: number;
  bCount: number;
}

/** Result of {@link alignParagraphs}. */
export interface Alignment {
  /** Equal and pair links, increasing in both `a` and `b`. */
  ordered: Link[];
  /** Moved paragraphs (always 1:1). */
  moves: Link[];
  /** Word diffs already computed for 1:1 pairs and moves, keyed by `a * (new paragraph count) + b`. */
  wordDiffs: Map<number, WordDiff>;
}

/** A paragraph counts as moved (not removed and added) from this Dice similarity (over distinct words) on. */
const MOVE_MIN_SIM = 0.6;
/** Shorter paragraphs ("Photo", "Advertisement") are never reported as moved. */
const MOVE_MIN_WORDS = 4;
/** A neighbour joins a pair (split/merge) when at least this share of its words are words the pair lacks. */
const JOIN_MIN_GAIN = 0.5;
const JOIN_MIN_WORDS = 2;

/** Aligns the paragraphs of the two versions in `ws`. */
export function alignParagraphs(ws: Workspace): Alignment {
  const nA = ws.old.paras.length;
  const nB = ws.new.paras.length;
  const exact = matchByKey(ws, (side, i) => side.text(i), 0, nA, 0, nB);
  const aToB = exact.aToB;
  const bToA = exact.bToA;
  forEachGap(aToB, bToA, (aLo, aHi, bLo, bHi) => {
    if (aLo === aHi || bLo === bHi) return;
    if (aHi - aLo === 1 && bHi - bLo === 1) {
      // One paragraph on each side (a paragraph edited in place, the commonest gap): no matching to do. Their
      // tokens are needed next anyway (and tell whether their whitespace is regular); the new ones come
      // mostly from the old ones.
      ws.old.tokens(aLo);
      ws.new.tokensLike(bLo, ws.old, aLo);
      if (ws.old.normalized(aLo) === ws.new.normalized(bLo)) {
        aToB[aLo] = bLo;
        bToA[bLo] = aLo;
      }
      return;
    }
    const m = matchByKey(ws, (side, i) => side.normalized(i), aLo, aHi, bLo, bHi);
    for (let i = aLo; i < aHi; i++) {
      const j = m.aToB[i - aLo] as number;
      if (j >= 0) {
        aToB[i] = bLo + j;
        bToA[bLo + j] = i;
      }
    }
  });

  const gapOld = new Int32Array(nA).fill(-1);
  const gapNew = new Int32Array(nB).fill(-1);
  let gapCount = 0;
  forEachGap(aToB, bToA, (aLo, aHi, bLo, bHi) => {
    gapOld.fill(gapCount, aLo, aHi);
    gapNew.fill(gapCount, bLo, bHi);
    gapCount++;
  });

  const movedOld = new Uint8Array(nA);
  const movedNew = new Uint8Array(nB);
  const moves = exactMoves(ws, aToB, bToA, movedOld, movedNew);

  const oldRest: number[] = [];
  const newRest: number[] = [];
  for (let i = 0; i < nA; i++) if (aToB[i] as number < 0 && !movedOld[i]) oldRest.push(i);
  for (let j = 0; j < nB; j++) if (bToA[j] as number < 0 && !movedNew[j]) newRest.push(j);
  const candidates = paragraphCandidates(ws, oldRest, newRest, gapOld, gapNew, MOVE_MIN_SIM);

  const wordDiffs = new Map<number, WordDiff>();
  const honest = (p: SimilarPair): boolean => honestPair(ws, p.i, p.j, wordDiffs);
  for (const m of fuzzyMoves(ws, candidates, gapOld, gapNew, honest)) {
    movedOld[m.a] = 1;
    movedNew[m.b] = 1;
    moves.push(m);
  }

  const pairs = pairInGaps(candidates, gapOld, gapNew, movedOld, movedNew, gapCount, honest);
  const pairedOld = new Uint8Array(nA);
  const pairedNew = new Uint8Array(nB);
  for (const p of pairs) {
    pairedOld[p.a] = 1;
    pairedNew[p.b] = 1;
  }
  const isFreeOld = (i: number, gap: number): boolean =>
    i >= 0 && i < nA && aToB[i] === -1 && !movedOld[i] && !pairedOld[i] && gapOld[i] === gap && joinable(ws.old, i);
  const isFreeNew = (j: number, gap: number): boolean =>
    j >= 0 && j < nB && bToA[j] === -1 && !movedNew[j] && !pairedNew[j] && gapNew[j] === gap && joinable(ws.new, j);
  for (const p of pairs) {
    if (!joinable(ws.old, p.a) || !joinable(ws.new, p.b)) continue;
    const a = p.a;
    const b = p.b;
    extendPair(ws, p, gapOld[p.a] as number, isFreeOld, isFreeNew, pairedOld, pairedNew);
    if ((p.aCount > 1 || p.bCount > 1) && !honestLink(ws, p)) {
      // The split or merge keeps too little of its words: back to the honest 1:1 pair it grew from.
      for (let k = 0; k < p.aCount; k++) if (p.a + k !== a) pairedOld[p.a + k] = 0;
      for (let k = 0; k < p.bCount; k++) if (p.b + k !== b) pairedNew[p.b + k] = 0;
      Object.assign(p, { a, aCount: 1, b, bCount: 1 });
    }
  }

  const ordered: Link[] = [];
  for (let i = 0; i < nA; i++) {
    const j = aToB[i] as number;
    if (j >= 0) ordered.push({ kind: 'equal', a: i, aCount: 1, b: j, bCount: 1 });
  }
  ordered.push(...pairs);
  ordered.sort((x, y) => x.a - y.a);
  moves.sort((x, y) => x.a - y.a);
  return { ordered, moves, wordDiffs };
}

/** Whether a split or merge (several paragraphs joined on a side) passes the honest-pairing rule. */
function honestLink(ws: Workspace, link: Link): boolean {
  const left = joinedParagraphs(ws.old, link.a, link.aCount, ws.separator);
  const right = joinedParagraphs(ws.new, link.b, link.bCount, ws.separator);
  const d = diffTokenIds(left.ids, right.ids, ws.interner);
  let oldWords = 0;
  let newWords = 0;
  for (let k = 0; k < link.aCount; k++) oldWords += ws.old.wordCount(link.a + k);
  for (let k = 0; k < link.bCount; k++) newWords += ws.new.wordCount(link.b + k);
  return isHonestEdit(oldWords - d.wordsRemoved, oldWords, newWords);
}

/** Whether old paragraph `i` and new paragraph `j` pass the honest-pairing rule; their word diff is kept in `cache`. */
function honestPair(ws: Workspace, i: number, j: number, cache: Map<number, WordDiff>): boolean {
  const key = i * ws.new.paras.length + j;
  let d = cache.get(key);
  if (!d) {
    d = diffTokenIds(ws.old.tokens(i), ws.new.tokens(j), ws.interner, ws.old.source(i), ws.new.source(j));
    cache.set(key, d);
  }
  const oldWords = ws.old.wordCount(i);
  return isHonestEdit(oldWords - d.wordsRemoved, oldWords, ws.new.wordCount(j));
}

/** Histogram-matches old [aLo, aHi) with new [bLo, bHi) on the string `key` of each paragraph (indices relative to the ranges). */
function matchByKey(
  ws: Workspace,
  key: (side: Side, i: number) => string,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): Matching {
  const ids = new StringIds(aHi - aLo + (bHi - bLo));
  const idOf = (s: string): number => ids.id(s);
  const a = new Int32Array(aHi - aLo);
  for (let i = aLo; i < aHi; i++) a[i - aLo] = idOf(key(ws.old, i));
  const b = new Int32Array(bHi - bLo);
  for (let j = bLo; j < bHi; j++) b[j - bLo] = idOf(key(ws.new, j));
  return histogramMatch(a, b);
}

/** Calls `fn` for each maximal run of unmatched paragraphs between two matched ones (either side may be empty, not both). */
function forEachGap(aToB: Int32Array, bToA: Int32Array, fn: (aLo: number, aHi: number, bLo: number, bHi: number) => void): void {
  let pa = 0;
  let pb = 0;
  for (let i = 0; i <= aToB.length; i++) {
    const j = i === aToB.length ? bToA.length : (aToB[i] as number);
    if (j < 0) continue;
    if (i > pa || j > pb) fn(pa, i, pb, j);
    pa = i + 1;
    pb = j + 1;
  }
}

/** Pairs unmatched old and new paragraphs with the same text up to whitespace (the k-th old copy with the k-th new one). */
function exactMoves(ws: Workspace, aToB: Int32Array, bToA: Int32Array, movedOld: Uint8Array, movedNew: Uint8Array): Link[] {
  const moves: Link[] = [];
  let unmatchedOld = 0;
  let unmatchedNew = 0;
  for (let i = 0; i < aToB.length; i++) if (aToB[i] === -1) unmatchedOld++;
  for (let j = 0; j < bToA.length; j++) if (bToA[j] === -1) unmatchedNew++;
  if (unmatchedOld === 0 || unmatchedNew === 0) return moves;
  // Unmatched old paragraphs by text (numbered from 0, so their lists are lists[id]), each list in order.
  const ids = new StringIds(unmatchedOld + unmatchedNew);
  const lists: number[][] = [];
  for (let i = 0; i < aToB.length; i++) {
    if (aToB[i] !== -1) continue;
    const id = ids.id(ws.old.normalized(i));
    if (id === lists.length) lists.push([i]);
    else (lists[id] as number[]).push(i);
  }
  const taken = new Int32Array(lists.length);
  for (let j = 0; j < bToA.length; j++) {
    if (bToA[j] !== -1) continue;
    const id = ids.id(ws.new.normalized(j));
    if (id >= lists.length) continue;
    const list = lists[id] as number[];
    if ((taken[id] as number) >= list.length || ws.new.wordCount(j) < MOVE_MIN_WORDS) continue;
    const i = list[taken[id] as number] as number;
    taken[id] = (taken[id] as number) + 1;
    movedOld[i] = 1;
    movedNew[j] = 1;
    moves.push({ kind: 'move', a: i, aCount: 1, b: j, bCount: 1 });
  }
  return moves;
}

/** Moves among similar pairs: mutually most similar, in different gaps, similar enough and long enough. */
function fuzzyMoves(
  ws: Workspace,
  candidates: readonly SimilarPair[],
  gapOld: Int32Array,
  gapNew: Int32Array,
  honest: (p: SimilarPair) => boolean,
): Link[] {
  const bestOld = new Map<number, SimilarPair>();
  const bestNew = new Map<number, SimilarPair>();
  const better = (p: SimilarPair, q: SimilarPair | undefined): boolean =>
    q === undefined || p.sim > q.sim || (p.sim === q.sim && (p.i < q.i || (p.i === q.i && p.j < q.j)));
  for (const p of candidates) {
    if (better(p, bestOld.get(p.i))) bestOld.set(p.i, p);
    if (better(p, bestNew.get(p.j))) bestNew.set(p.j, p);
  }
  const moves: Link[] = [];
  for (const p of candidates) {
    if (bestOld.get(p.i) !== p || bestNew.get(p.j) !== p) continue;
    if (p.sim < MOVE_MIN_SIM || gapOld[p.i] === gapNew[p.j]) continue;
    if (ws.old.wordCount(p.i) < MOVE_MIN_WORDS || ws.new.wordCount(p.j) < MOVE_MIN_WORDS) continue;
    if (!honest(p)) continue;
    moves.push({ kind: 'move', a: p.i, aCount: 1, b: p.j, bCount: 1 });
  }
  return moves;
}

/** Pairs similar paragraphs inside each gap by the heaviest monotone chain; returns 1:1 pair links. */
function pairInGaps(
  candidates: readonly SimilarPair[],
  gapOld: Int32Array,
  gapNew: Int32Array,
  movedOld: Uint8Array,
  movedNew: Uint8Array,
  gapCount: number,
  honest: (p: SimilarPair) => boolean,
): Link[] {
  const firstNew = new Int32Array(gapCount).fill(-1);
  const lastNew = new Int32Array(gapCount).fill(-1);
  gapNew.forEach((g, j) => {
    if (g < 0 || movedNew[j]) return;
    if (firstNew[g] === -1) firstNew[g] = j;
    lastNew[g] = j;
  });
  const byGap = new Map<number, SimilarPair[]>();
  for (const p of candidates) {
    const g = gapOld[p.i] as number;
    if (g !== gapNew[p.j] || movedOld[p.i] || movedNew[p.j]) continue;
    const list = byGap.get(g);
    const local = { ...p, j: p.j - (firstNew[g] as number) };
    if (list) list.push(local);
    else byGap.set(g, [local]);
  }
  const links: Link[] = [];
  for (const [g, all] of byGap) {
    const base = firstNew[g] as number;
    const isHonest = (p: SimilarPair): boolean => honest({ ...p, j: p.j + base });
    // Only the chosen pairs are checked (their word diffs are needed for the rows anyway): a chain holding a
    // pair that fails the honest-pairing rule is chosen again without it. After a few rounds, every candidate
    // is checked once and the chain is chosen among the honest ones, so the cost stays bounded.
    let list = all;
    let chain = heaviestChain(list, (lastNew[g] as number) - base + 1);
    for (let round = 0; ; round++) {
      const bad = new Set(chain.filter((p) => !isHonest(p)));
      if (bad.size === 0) break;
      list = round < CHAIN_ROUNDS ? list.filter((p) => !bad.has(p)) : list.filter(isHonest);
      chain = heaviestChain(list, (lastNew[g] as number) - base + 1);
    }
    for (const p of chain) links.push({ kind: 'pair', a: p.i, aCount: 1, b: p.j + base, bCount: 1 });
  }
  return links;
}

/** Rounds of choosing a chain again without its dishonest pairs before every candidate of the gap is checked. */
const CHAIN_ROUNDS = 4;

/** Whether a paragraph may be joined with others in one row: the separator must not occur inside it. */
function joinable(side: Side, i: number): boolean {
  return !side.text(i).includes(PARAGRAPH_SEPARATOR);
}

/** Grows a pair over free neighbouring paragraphs that bring words the pair's other side has and this side lacks. */
function extendPair(
  ws: Workspace,
  link: Link,
  gap: number,
  isFreeOld: (i: number, gap: number) => boolean,
  isFreeNew: (j: number, gap: number) => boolean,
  pairedOld: Uint8Array,
  pairedNew: Uint8Array,
): void {
  // The pair's word sets, built only once a neighbour is free (usually none is).
  let left: Int32Array | undefined;
  let right: Int32Array | undefined;
  const gains = (set: Int32Array, own: Int32Array, other: Int32Array): boolean => {
    if (set.length === 0) return false;
    const g = intersectionSize(set, difference(other, own));
    return g >= JOIN_MIN_WORDS && g >= JOIN_MIN_GAIN * set.length;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const j of [link.b + link.bCount, link.b - 1]) {
      if (!isFreeNew(j, gap)) continue;
      const set = ws.new.sortedWordSet(j);
      left ??= ws.old.sortedWordSet(link.a);
      right ??= ws.new.sortedWordSet(link.b);
      if (!gains(set, right, left)) continue;
      if (j < link.b) link.b = j;
      link.bCount++;
      pairedNew[j] = 1;
      right = union(right, set);
      grew = true;
    }
    for (const i of [link.a + link.aCount, link.a - 1]) {
      if (!isFreeOld(i, gap)) continue;
      const set = ws.old.sortedWordSet(i);
      left ??= ws.old.sortedWordSet(link.a);
      right ??= ws.new.sortedWordSet(link.b);
      if (!gains(set, left, right)) continue;
      if (i < link.a) link.a = i;
      link.aCount++;
      pairedOld[i] = 1;
      left = union(left, set);
      grew = true;
    }
  }
}
