/**
 * Similarity of text blocks (paragraphs, sentences) as the Dice coefficient of their sets of distinct word
 * tokens, and a search for similar pairs through an inverted index so that unrelated blocks cost nothing.
 */
import { IdTable } from './idtable.js';
import type { Interner } from './intern.js';
import { takeInt32 } from './pool.js';

/** The distinct word-token ids of `ids` (whitespace and punctuation left out), sorted ascending (from the diff's pool). */
export function wordSet(ids: Int32Array, interner: Interner): Int32Array {
  if (scratch.length < ids.length) scratch = new Int32Array(Math.max(ids.length, 2 * scratch.length));
  let n = 0;
  for (const id of ids) if (interner.isWord(id)) scratch[n++] = id;
  const sorted = scratch.subarray(0, n).sort();
  let u = 0;
  for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[u++] = sorted[k] as number;
  const out = takeInt32(u);
  for (let k = 0; k < u; k++) out[k] = sorted[k] as number;
  return out;
}

/** Reused buffer of wordSet (the differ is synchronous, so one buffer is enough). */
let scratch = new Int32Array(256);

/** Size of the intersection of two sorted id sets. */
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

/** Dice coefficient 2|A∩B| / (|A| + |B|) of two sorted id sets; 0 when both are empty. */
export function dice(a: Int32Array, b: Int32Array): number {
  const total = a.length + b.length;
  return total === 0 ? 0 : (2 * intersectionSize(a, b)) / total;
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
  left.forEach((a, i) => {
    right.forEach((b, j) => {
      if (Math.min(a.length, b.length) < ratio * Math.max(a.length, b.length)) return;
      const common = intersectionSize(a, b);
      if (common === 0) return;
      const sim = (2 * common) / (a.length + b.length);
      if (sim >= minSim) out.push({ i, j, sim, common });
    });
  });
  return out;
}

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
  let maxId = 0;
  for (const sets of [left, right]) for (const set of sets) if (set.length > 0) maxId = Math.max(maxId, set[set.length - 1] as number);
  // Dense local numbering of the words present (ids come from a shared interner and can be large).
  local.reset(maxId + 1);
  const words: number[] = [];
  const df: number[] = [];
  for (const sets of [left, right]) {
    for (const set of sets) {
      for (const w of set) {
        let l = local.get(w) - 1;
        if (l < 0) {
          l = words.length;
          local.set(w, l + 1);
          words.push(w);
          df.push(0);
        }
        df[l] = (df[l] as number) + 1;
      }
    }
  }
  // Global word order: rarest first (fewest blocks containing the word), ties by first appearance; a counting
  // sort on the block count keeps this linear.
  const bump = (arr: Int32Array, k: number): number => {
    const v = arr[k] as number;
    arr[k] = v + 1;
    return v;
  };
  let maxDf = 0;
  for (const d of df) if (d > maxDf) maxDf = d;
  const bucketStart = takeInt32(maxDf + 2).fill(0);
  for (const d of df) bump(bucketStart, d + 1);
  for (let d = 1; d <= maxDf + 1; d++) bucketStart[d] = (bucketStart[d] as number) + (bucketStart[d - 1] as number);
  const rankOfLocal = takeInt32(words.length);
  df.forEach((d, l) => {
    rankOfLocal[l] = bump(bucketStart, d);
  });
  const rankOf = (w: number): number => rankOfLocal[local.get(w) - 1] as number;
  const prefixOf = (set: Int32Array): Int32Array => {
    const need = Math.max(1, Math.ceil((minSim * set.length) / (2 - minSim) - 1e-9));
    const ranks = takeInt32(set.length);
    for (let k = 0; k < set.length; k++) ranks[k] = rankOf(set[k] as number);
    return ranks.sort().subarray(0, Math.max(0, set.length - need + 1));
  };
  // Postings of the right-hand prefixes, by word rank, in compressed form (offsets + flat arrays holding the
  // block and the word's position in that block's rarity order).
  const rightPrefixes = right.map(prefixOf);
  const postStart = takeInt32(words.length + 1).fill(0);
  for (const p of rightPrefixes) for (const r of p) bump(postStart, r + 1);
  for (let r = 0; r < words.length; r++) postStart[r + 1] = (postStart[r + 1] as number) + (postStart[r] as number);
  const fill = takeInt32(words.length);
  fill.set(postStart.subarray(0, words.length));
  const postJ = takeInt32(postStart[words.length] as number);
  const postY = takeInt32(postJ.length);
  rightPrefixes.forEach((p, j) => {
    p.forEach((r, y) => {
      const k = bump(fill, r);
      postJ[k] = j;
      postY[k] = y;
    });
  });
  const seen = takeInt32(right.length).fill(-1);
  const touched: number[] = [];
  const out: SimilarPair[] = [];
  left.forEach((set, i) => {
    const a = set.length;
    prefixOf(set).forEach((r, x) => {
      for (let k = postStart[r] as number, end = postStart[r + 1] as number; k < end; k++) {
        const j = postJ[k] as number;
        if (seen[j] === i) continue;
        seen[j] = i;
        // Positional filter: this is the rarest word the two share, so every other shared word comes later in
        // both orders; if even all of those cannot reach the needed overlap, skip the pair.
        const b = (right[j] as Int32Array).length;
        const bound = 1 + Math.min(a - x - 1, b - (postY[k] as number) - 1);
        if (bound < (minSim * (a + b)) / 2 - 1e-9) continue;
        touched.push(j);
      }
    });
    if (touched.length === 0) return;
    touched.sort((x, y) => x - y);
    for (const j of touched) {
      const other = right[j] as Int32Array;
      const common = intersectionSize(set, other);
      const sim = (2 * common) / (set.length + other.length);
      if (sim >= minSim) out.push({ i, j, sim, common });
    }
    touched.length = 0;
  });
  return out;
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
