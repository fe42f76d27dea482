/**
 * Similarity of text blocks (paragraphs, sentences) as the Dice coefficient of their sets of distinct word
 * tokens, and a search for similar pairs through an inverted index so that unrelated blocks cost nothing.
 */
import { FlagTable, IdTable } from './idtable.js';
import type { Interner } from './intern.js';
import { takeInt32 } from './pool.js';

/**
 * The distinct word-token ids of `ids` (whitespace and punctuation left out), in order of first appearance
 * (from the diff's pool). Word sets are compared by marking (see {@link commonCount}), so they need no sorting;
 * {@link sortedWordSet} gives them in ascending order for the merges of intersectionSize, union and difference.
 */
export function wordSet(ids: Int32Array, interner: Interner): Int32Array {
  seenWords.reset(interner.size);
  const entries = seenWords.entries;
  const base = seenWords.base;
  if (scratch.length < ids.length) scratch = new Int32Array(Math.max(ids.length, 2 * scratch.length));
  let n = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] as number;
    if ((entries[id] as number) < base && interner.isWord(id)) {
      entries[id] = base + 1;
      scratch[n++] = id;
    }
  }
  const out = takeInt32(n);
  for (let k = 0; k < n; k++) out[k] = scratch[k] as number;
  return out;
}

/** {@link wordSet} sorted ascending (a fresh array). */
export function sortedWordSet(ids: Int32Array, interner: Interner): Int32Array {
  return wordSet(ids, interner).slice().sort();
}

/** Reused buffer of wordSet (the differ is synchronous, so one buffer is enough), and the words it has seen. */
let scratch = new Int32Array(256);
const seenWords = new FlagTable();

/** Marks of {@link commonCount} and of the verification in similarPairs. */
const inSet = new FlagTable();

/** The largest id in `sets` (0 when they are empty). */
function maxIdOf(sets: readonly Int32Array[]): number {
  let max = 0;
  for (const set of sets) for (let k = 0; k < set.length; k++) if ((set[k] as number) > max) max = set[k] as number;
  return max;
}

/** Marks the ids of `set` in inSet (after inSet.reset). */
function markSet(set: Int32Array): void {
  const entries = inSet.entries;
  const base = inSet.base;
  for (let k = 0; k < set.length; k++) entries[set[k] as number] = base + 1;
}

/** How many ids of `set` are marked in inSet. */
function countMarked(set: Int32Array): number {
  const entries = inSet.entries;
  const base = inSet.base;
  let n = 0;
  for (let k = 0; k < set.length; k++) if ((entries[set[k] as number] as number) > base) n++;
  return n;
}

/** Size of the intersection of two id sets (distinct ids, in any order). */
export function commonCount(a: Int32Array, b: Int32Array): number {
  inSet.reset(Math.max(maxIdOf([a]), maxIdOf([b])) + 1);
  markSet(a);
  return countMarked(b);
}

/** Distinct word counts of the two sequences of the last {@link wordOverlap} call. */
export let overlapSizeA = 0;
export let overlapSizeB = 0;
const marks = new FlagTable();

/**
 * The number of distinct words two token sequences share, without building their word sets (no sorting, no
 * allocation); their distinct word counts are left in overlapSizeA and overlapSizeB. Same numbers as
 * `intersectionSize(wordSet(a), wordSet(b))` and the two sets' sizes.
 */
export function wordOverlap(a: Int32Array, b: Int32Array, interner: Interner): number {
  marks.reset(interner.size);
  const entries = marks.entries;
  const base = marks.base;
  let sizeA = 0;
  for (let k = 0; k < a.length; k++) {
    const id = a[k] as number;
    if ((entries[id] as number) < base && interner.isWord(id)) {
      entries[id] = base + 1;
      sizeA++;
    }
  }
  let sizeB = 0;
  let common = 0;
  for (let k = 0; k < b.length; k++) {
    const id = b[k] as number;
    const m = (entries[id] as number) - base;
    if (m >= 2 || !interner.isWord(id)) continue;
    // 1: in a only so far; below 0: new. Either way it is now counted for b (2 = in b).
    entries[id] = base + 2;
    sizeB++;
    if (m === 1) common++;
  }
  overlapSizeA = sizeA;
  overlapSizeB = sizeB;
  return common;
}

/** Size of the intersection of two sorted id sets (a merge: for {@link sortedWordSet}s). */
export function intersectionSize(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Union of two sorted id sets, sorted. */
export function union(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return Int32Array.from(out);
}

/** Elements of sorted set `a` not in sorted set `b`. */
export function difference(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as number) < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return Int32Array.from(out);
}

/** Dice coefficient 2|A∩B| / (|A| + |B|) of two id sets (distinct ids, in any order); 0 when both are empty. */
export function dice(a: Int32Array, b: Int32Array): number {
  const total = a.length + b.length;
  return total === 0 ? 0 : (2 * commonCount(a, b)) / total;
}

/** A pair of similar blocks found by {@link similarPairs}. */
export interface SimilarPair {
  /** Index into the left list. */
  i: number;
  /** Index into the right list. */
  j: number;
  /** Dice coefficient over the counted words. */
  sim: number;
  /** Number of shared distinct words. */
  common: number;
}

/** Local numbering of word ids within one similarPairs call (stored as local index + 1). */
const local = new IdTable();

/** Below this many pairs, comparing every pair directly is cheaper than building an index. */
const SMALL = 64;

function allPairs(left: readonly Int32Array[], right: readonly Int32Array[], minSim: number): SimilarPair[] {
  const out: SimilarPair[] = [];
  // Dice >= t needs the smaller set to be at least t / (2 - t) of the larger one.
  const ratio = minSim / (2 - minSim);
  const maxId = Math.max(maxIdOf(left), maxIdOf(right));
  left.forEach((a, i) => {
    inSet.reset(maxId + 1);
    markSet(a);
    right.forEach((b, j) => {
      if (Math.min(a.length, b.length) < ratio * Math.max(a.length, b.length)) return;
      const common = countMarked(b);
      if (common === 0) return;
      const sim = (2 * common) / (a.length + b.length);
      if (sim >= minSim) out.push({ i, j, sim, common });
    });
  });
  return out;
}

/**
 * {@link similarPairs} for few blocks given as token ids (not word sets): every pair is compared through
 * {@link wordOverlap}, so no word set is built. Same pairs, in the same order, as `similarPairs` on their word
 * sets when `left.length * right.length` is at most SMALL_PAIRS.
 */
export function similarIdPairs(left: readonly Int32Array[], right: readonly Int32Array[], interner: Interner, minSim: number): SimilarPair[] {
  const out: SimilarPair[] = [];
  const ratio = minSim / (2 - minSim);
  for (let i = 0; i < left.length; i++) {
    for (let j = 0; j < right.length; j++) {
      const common = wordOverlap(left[i] as Int32Array, right[j] as Int32Array, interner);
      const a = overlapSizeA;
      const b = overlapSizeB;
      // The same tests, in the same order, as allPairs.
      if (Math.min(a, b) < ratio * Math.max(a, b)) continue;
      if (common === 0) continue;
      const sim = (2 * common) / (a + b);
      if (sim >= minSim) out.push({ i, j, sim, common });
    }
  }
  return out;
}

/** Up to this many pairs, {@link similarIdPairs} can stand in for {@link similarPairs}. */
export const SMALL_PAIRS = 64;

/**
 * All pairs (left[i], right[j]) whose Dice similarity is at least `minSim` (> 0), sorted by i then j. Exact,
 * but fast through prefix filtering (as in set-similarity joins): with every set ordered rarest word first,
 * two sets with Dice >= t share a word within their first |X| - ceil(t|X| / (2 - t)) + 1 words. Only those
 * prefixes are indexed, so the frequent words that every block shares ("the", "of") cost nothing, and only
 * pairs sharing a fairly rare word are compared in full.
 */
export function similarPairs(left: readonly Int32Array[], right: readonly Int32Array[], minSim: number): SimilarPair[] {
  if (left.length === 0 || right.length === 0) return [];
  if (left.length * right.length <= SMALL) return allPairs(left, right, minSim);
  const nLeft = left.length;
  const nSets = nLeft + right.length;
  const setAt = (s: number): Int32Array => (s < nLeft ? left[s] : right[s - nLeft]) as Int32Array;
  const maxId = Math.max(maxIdOf(left), maxIdOf(right));
  let total = 0;
  for (let s = 0; s < nSets; s++) total += setAt(s).length;
  // Dense local numbering of the words present, in order of first appearance (ids come from a shared interner
  // and can be large), the number of blocks holding each word, and every block's words as local numbers.
  local.reset(maxId + 1);
  const df = takeInt32(total);
  const flat = takeInt32(total);
  const setStart = takeInt32(nSets + 1);
  let words = 0;
  let at = 0;
  for (let s = 0; s < nSets; s++) {
    setStart[s] = at;
    const set = setAt(s);
    for (let k = 0; k < set.length; k++) {
      const w = set[k] as number;
      let l = local.get(w) - 1;
      if (l < 0) {
        l = words++;
        local.set(w, l + 1);
        df[l] = 0;
      }
      df[l] = (df[l] as number) + 1;
      flat[at++] = l;
    }
  }
  setStart[nSets] = at;
  // Global word order: rarest first (fewest blocks containing the word), ties by first appearance; a counting
  // sort on the block count keeps this linear.
  let maxDf = 0;
  for (let l = 0; l < words; l++) if ((df[l] as number) > maxDf) maxDf = df[l] as number;
  const bucketStart = takeInt32(maxDf + 2).fill(0);
  for (let l = 0; l < words; l++) bump(bucketStart, (df[l] as number) + 1);
  for (let d = 1; d <= maxDf + 1; d++) bucketStart[d] = (bucketStart[d] as number) + (bucketStart[d - 1] as number);
  const rankOfLocal = takeInt32(words);
  for (let l = 0; l < words; l++) rankOfLocal[l] = bump(bucketStart, df[l] as number);
  // The prefix of every block: its |X| - need + 1 rarest words, in rank order. Built without sorting each block:
  // one pass over the words in rank order (through the lists of blocks holding each) appends each word to the
  // prefixes of its blocks that are not full yet.
  const dfOfRank = takeInt32(words);
  for (let l = 0; l < words; l++) dfOfRank[rankOfLocal[l] as number] = df[l] as number;
  const holderStart = takeInt32(words + 1);
  holderStart[0] = 0;
  for (let r = 0; r < words; r++) holderStart[r + 1] = (holderStart[r] as number) + (dfOfRank[r] as number);
  const holderFill = takeInt32(words);
  for (let r = 0; r < words; r++) holderFill[r] = holderStart[r] as number;
  const holders = takeInt32(total);
  for (let s = 0; s < nSets; s++) {
    for (let k = setStart[s] as number, end = setStart[s + 1] as number; k < end; k++) holders[bump(holderFill, rankOfLocal[flat[k] as number] as number)] = s;
  }
  const prefixStart = takeInt32(nSets + 1);
  prefixStart[0] = 0;
  for (let s = 0; s < nSets; s++) {
    const n = setAt(s).length;
    const need = Math.max(1, Math.ceil((minSim * n) / (2 - minSim) - 1e-9));
    prefixStart[s + 1] = (prefixStart[s] as number) + Math.max(0, n - need + 1);
  }
  const prefixFill = takeInt32(nSets);
  for (let s = 0; s < nSets; s++) prefixFill[s] = prefixStart[s] as number;
  const prefixes = takeInt32(prefixStart[nSets] as number);
  for (let r = 0; r < words; r++) {
    for (let k = holderStart[r] as number, end = holderStart[r + 1] as number; k < end; k++) {
      const s = holders[k] as number;
      if ((prefixFill[s] as number) < (prefixStart[s + 1] as number)) prefixes[bump(prefixFill, s)] = r;
    }
  }
  // Postings of the right-hand prefixes, by word rank, in compressed form (offsets + flat arrays holding the
  // block and the word's position in that block's rarity order).
  const postStart = takeInt32(words + 1).fill(0);
  for (let s = nLeft; s < nSets; s++) for (let k = prefixStart[s] as number, end = prefixStart[s + 1] as number; k < end; k++) bump(postStart, (prefixes[k] as number) + 1);
  for (let r = 0; r < words; r++) postStart[r + 1] = (postStart[r + 1] as number) + (postStart[r] as number);
  const fill = takeInt32(words);
  for (let r = 0; r < words; r++) fill[r] = postStart[r] as number;
  const postJ = takeInt32(postStart[words] as number);
  const postY = takeInt32(postJ.length);
  for (let s = nLeft; s < nSets; s++) {
    const first = prefixStart[s] as number;
    for (let k = first, end = prefixStart[s + 1] as number; k < end; k++) {
      const p = bump(fill, prefixes[k] as number);
      postJ[p] = s - nLeft;
      postY[p] = k - first;
    }
  }
  const seen = takeInt32(right.length).fill(-1);
  const touched: number[] = [];
  const out: SimilarPair[] = [];
  for (let i = 0; i < nLeft; i++) {
    const set = left[i] as Int32Array;
    const a = set.length;
    const first = prefixStart[i] as number;
    for (let x = first, end = prefixStart[i + 1] as number; x < end; x++) {
      const r = prefixes[x] as number;
      for (let k = postStart[r] as number, stop = postStart[r + 1] as number; k < stop; k++) {
        const j = postJ[k] as number;
        if (seen[j] === i) continue;
        seen[j] = i;
        // Positional filter: this is the rarest word the two share, so every other shared word comes later in
        // both orders; if even all of those cannot reach the needed overlap, skip the pair.
        const b = (right[j] as Int32Array).length;
        const bound = 1 + Math.min(a - (x - first) - 1, b - (postY[k] as number) - 1);
        if (bound < (minSim * (a + b)) / 2 - 1e-9) continue;
        touched.push(j);
      }
    }
    if (touched.length === 0) continue;
    touched.sort((x, y) => x - y);
    inSet.reset(maxId + 1);
    markSet(set);
    for (const j of touched) {
      const other = right[j] as Int32Array;
      const common = countMarked(other);
      const sim = (2 * common) / (set.length + other.length);
      if (sim >= minSim) out.push({ i, j, sim, common });
    }
    touched.length = 0;
  }
  return out;
}

/** Increments arr[k] and returns its value before. */
function bump(arr: Int32Array, k: number): number {
  const v = arr[k] as number;
  arr[k] = v + 1;
  return v;
}

/** Scratch arrays of heaviestChain, reused from call to call. */
let chainW = new Float64Array(64);
let chainP = new Int32Array(64);
let chainPrev = new Int32Array(64);
let chainScore = new Float64Array(64);

/**
 * The heaviest chain of pairs increasing in both i and j (weight = shared words), i.e. a monotone
 * pairing of two block lists. `pairs` must be sorted by i then j. Returns the chosen pairs in order.
 */
export function heaviestChain(pairs: readonly SimilarPair[], rightLength: number): SimilarPair[] {
  if (pairs.length === 0) return [];
  if (pairs.length === 1) return [pairs[0] as SimilarPair];
  // Fenwick tree over j holding (best chain weight ending at j, index of its last pair).
  if (chainW.length < rightLength + 1) {
    chainW = new Float64Array(Math.max(rightLength + 1, 2 * chainW.length));
    chainP = new Int32Array(chainW.length);
  }
  if (chainPrev.length < pairs.length) {
    chainPrev = new Int32Array(Math.max(pairs.length, 2 * chainPrev.length));
    chainScore = new Float64Array(chainPrev.length);
  }
  const treeW = chainW.fill(0, 0, rightLength + 1);
  const treeP = chainP.fill(-1, 0, rightLength + 1);
  const prev = chainPrev.fill(-1, 0, pairs.length);
  const score = chainScore;
  let bestEnd = -1;
  let best = -1;
  let start = 0;
  while (start < pairs.length) {
    // Pairs with the same i must not chain to each other: query all of them before updating the tree.
    let end = start;
    const i = (pairs[start] as SimilarPair).i;
    while (end < pairs.length && (pairs[end] as SimilarPair).i === i) end++;
    for (let k = start; k < end; k++) {
      const p = pairs[k] as SimilarPair;
      let w = 0;
      let from = -1;
      for (let x = p.j; x > 0; x -= x & -x) {
        if ((treeW[x] as number) > w) {
          w = treeW[x] as number;
          from = treeP[x] as number;
        }
      }
      score[k] = w + p.common + p.sim;
      prev[k] = from;
    }
    for (let k = start; k < end; k++) {
      const p = pairs[k] as SimilarPair;
      const s = score[k] as number;
      for (let x = p.j + 1; x <= rightLength; x += x & -x) {
        if (s > (treeW[x] as number)) {
          treeW[x] = s;
          treeP[x] = k;
        }
      }
      if (s > best) {
        best = s;
        bestEnd = k;
      }
    }
    start = end;
  }
  const chain: SimilarPair[] = [];
  for (let k = bestEnd; k >= 0; k = prev[k] as number) chain.push(pairs[k] as SimilarPair);
  return chain.reverse();
}
