/**
 * Word-level diff of two token-id sequences into WordOps, with word counts.
 *
 * The alignment is Myers (minimal, linear space) on the words and punctuation; whitespace is aligned
 * afterwards between matched tokens. Cost is bounded: Myers gives up minimality past an edit-cost bound, and
 * pairs above LARGE tokens are first cut at patience anchors (tokens unique on both sides), so no input
 * takes more than near-linear time; the result is always a complete, valid diff.
 *
 * Within each change the deleted text comes before the inserted text, and whitespace or punctuation that
 * happens to be common between two changes is folded into them ("[-the quick-]{+a slow+}" rather than
 * "[-the-]{+a+} [-quick-]{+slow+}"). Folding only ever touches non-word tokens, so word counts stay those of
 * the underlying edit script.
 */
import type { Interner } from './intern.js';
import { diffRange, diffSequences } from './myers.js';
import { FlagTable } from './idtable.js';
import { patienceAnchors } from './patience.js';
import type { WordOp } from './types.js';

/** Result of {@link diffTokenIds}. */
export interface WordDiff {
  ops: WordOp[];
  /** Word tokens inserted. */
  wordsAdded: number;
  /** Word tokens deleted. */
  wordsRemoved: number;
}

/**
 * Where a token sequence comes from: token k of the sequence is `text.slice(starts[k], starts[k + 1])`
 * (`starts` has one more entry than the sequence). Lets the ops be cut from the text instead of rebuilt token by token.
 */
export interface TokenSource {
  text: string;
  starts: Int32Array;
}

/** Common non-word runs up to this many tokens between two changes are folded into them. */
const FOLD_MAX_TOKENS = 3;

/** Scratch buffers reused from call to call (the differ is synchronous and never nests word diffs). */
let delBuf = new Uint8Array(256);
let insBuf = new Uint8Array(256);
/** Runs of the edit script, 5 entries each: equal (1/0), aLo, aHi, bLo, bHi; equal runs have the same length on both sides. */
let runBuf = new Int32Array(5 * 64);

/**
 * Word-diffs token ids `a` (old) against `b` (new); the ops reproduce both token sequences exactly. `aSource`
 * and `bSource`, when given, are the texts the tokens were cut from (same ops, built with fewer allocations).
 */
export function diffTokenIds(a: Int32Array, b: Int32Array, interner: Interner, aSource?: TokenSource, bSource?: TokenSource): WordDiff {
  const n = a.length;
  const m = b.length;
  if (delBuf.length < n) delBuf = new Uint8Array(Math.max(n, 2 * delBuf.length));
  if (insBuf.length < m) insBuf = new Uint8Array(Math.max(m, 2 * insBuf.length));
  const del = delBuf;
  const ins = insBuf;
  del.fill(0, 0, n);
  ins.fill(0, 0, m);
  markChanges(a, b, interner, del, ins);
  const runs = foldRuns(toRuns(n, m, del, ins), a, interner);
  const r = runBuf;
  const ops: WordOp[] = [];
  let wordsAdded = 0;
  let wordsRemoved = 0;
  for (let k = 0; k < runs; k += 5) {
    const aLo = r[k + 1] as number;
    const aHi = r[k + 2] as number;
    const bLo = r[k + 3] as number;
    const bHi = r[k + 4] as number;
    if (r[k] === 1) {
      ops.push({ op: 'equal', text: textOf(a, aLo, aHi, interner, aSource) });
      continue;
    }
    if (aHi > aLo) {
      ops.push({ op: 'delete', text: textOf(a, aLo, aHi, interner, aSource) });
      wordsRemoved += countWordIds(a, aLo, aHi, interner);
    }
    if (bHi > bLo) {
      ops.push({ op: 'insert', text: textOf(b, bLo, bHi, interner, bSource) });
      wordsAdded += countWordIds(b, bLo, bHi, interner);
    }
  }
  return { ops, wordsAdded, wordsRemoved };
}

/** The text of tokens ids[lo, hi). */
function textOf(ids: Int32Array, lo: number, hi: number, interner: Interner, source: TokenSource | undefined): string {
  if (source) return source.text.slice(source.starts[lo] as number, source.starts[hi] as number);
  let s = '';
  for (let k = lo; k < hi; k++) s += interner.text(ids[k] as number);
  return s;
}

/** Number of word tokens in ids[lo, hi). */
function countWordIds(ids: Int32Array, lo: number, hi: number, interner: Interner): number {
  let n = 0;
  for (let k = lo; k < hi; k++) if (interner.isWord(ids[k] as number)) n++;
  return n;
}

/**
 * Edit-cost bound of the Myers search for sequences of total length n: exact (minimal) for anything of
 * paragraph size, a bounded O(n * bound) effort per split for huge inputs.
 */
function costBound(n: number): number {
  return Math.max(64, Math.min(1024, Math.floor(2_000_000 / Math.max(1, n))));
}

/** Which side(s) each token id occurs on (bit 1: old, bit 2: new). */
const presence = new FlagTable();

/** Positions (in a and b) of the tokens that can match, and those tokens (see markChanges); reused buffers. */
let posA = new Int32Array(256);
let posB = new Int32Array(256);
let seqA = new Int32Array(256);
let seqB = new Int32Array(256);
let cdelBuf = new Uint8Array(256);
let cinsBuf = new Uint8Array(256);

/**
 * Flags deleted and inserted tokens. The alignment is computed on words and punctuation only, and only on
 * those occurring on both sides (whitespace left out: half the tokens, and no "matching" of the spaces
 * between unrelated words; tokens absent from the other side can never match, so leaving them out changes
 * nothing but the cost). The rest, between two matched tokens, is then aligned region by region.
 */
function markChanges(a: Int32Array, b: Int32Array, interner: Interner, del: Uint8Array, ins: Uint8Array): void {
  presence.reset(interner.size);
  const entries = presence.entries;
  const base = presence.base;
  for (let k = 0; k < a.length; k++) entries[a[k] as number] = base + 1;
  for (let k = 0; k < b.length; k++) {
    const id = b[k] as number;
    const f = (entries[id] as number) - base;
    entries[id] = base + (f > 0 ? f | 2 : 2);
  }
  if (posA.length < a.length) {
    posA = new Int32Array(Math.max(a.length, 2 * posA.length));
    seqA = new Int32Array(posA.length);
    cdelBuf = new Uint8Array(posA.length);
  }
  if (posB.length < b.length) {
    posB = new Int32Array(Math.max(b.length, 2 * posB.length));
    seqB = new Int32Array(posB.length);
    cinsBuf = new Uint8Array(posB.length);
  }
  // The tokens both sequences start and end with (an edited paragraph keeps most of its text). Their anchorable
  // tokens match one another in order, as the Myers search on the whole would match them first (it strips the
  // common start and end before anything else), and the gaps between them hold the same tokens on both sides:
  // only the middle needs aligning. The edit-cost bound and the choice of method stay those of the whole.
  const n = a.length;
  const m = b.length;
  let head = 0;
  while (head < n && head < m && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < n - head && tail < m - head && a[n - 1 - tail] === b[m - 1 - tail]) tail++;
  let na = gatherAnchorable(a, head, n - tail, 2, interner, posA, seqA);
  let nb = gatherAnchorable(b, head, m - tail, 1, interner, posB, seqB);
  // The search on the whole strips the common start first: when that runs through the whole middle of one side
  // (whitespace differences are not in it) it goes on into the common end, and matches those tokens its own way.
  if (tail > 0) {
    let same = 0;
    while (same < na && same < nb && seqA[same] === seqB[same]) same++;
    if (same === na || same === nb) {
      tail = 0;
      na = gatherAnchorable(a, head, n, 2, interner, posA, seqA);
      nb = gatherAnchorable(b, head, m, 1, interner, posB, seqB);
    }
  }
  let shared = 0;
  for (let k = 0; k < head; k++) if (!interner.isSpace(a[k] as number)) shared++;
  for (let k = n - tail; k < n; k++) if (!interner.isSpace(a[k] as number)) shared++;
  const whole = na + nb + 2 * shared > LARGE;
  if (whole) {
    // Patience anchors depend on the whole sequences: take them whole.
    na = gatherAnchorable(a, 0, n, 2, interner, posA, seqA);
    nb = gatherAnchorable(b, 0, m, 1, interner, posB, seqB);
  }
  const ca = posA;
  const cb = posB;
  const sa = seqA;
  const sb = seqB;
  const cdel = cdelBuf;
  const cins = cinsBuf;
  cdel.fill(0, 0, na);
  cins.fill(0, 0, nb);
  if (whole) diffLarge(sa.subarray(0, na), sb.subarray(0, nb), cdel.subarray(0, na), cins.subarray(0, nb));
  else diffRange(sa, 0, na, sb, 0, nb, cdel, cins, costBound(na + nb + 2 * shared));
  // Regions are cut at matched tokens, as they would be on the whole: the first starts after the last
  // anchorable token of the common start, the last ends at the first anchorable token of the common end (the
  // regions between those matched tokens hold the same tokens on both sides: nothing to mark).
  let pa = 0;
  let endA = n;
  let endB = m;
  if (!whole) {
    for (let k = head - 1; k >= 0; k--) {
      if (!interner.isSpace(a[k] as number)) {
        pa = k + 1;
        break;
      }
    }
    for (let k = n - tail; k < n; k++) {
      if (!interner.isSpace(a[k] as number)) {
        endA = k;
        endB = k - n + m;
        break;
      }
    }
  }
  let pb = pa;
  let x = 0;
  let y = 0;
  for (;;) {
    while (x < na && cdel[x]) x++;
    while (y < nb && cins[y]) y++;
    const qa = x < na ? (ca[x] as number) : endA;
    const qb = y < nb ? (cb[y] as number) : endB;
    markRegion(a, pa, qa, b, pb, qb, del, ins);
    if (x >= na || y >= nb) break;
    pa = qa + 1;
    pb = qb + 1;
    x++;
    y++;
  }
}

/**
 * Writes the positions in [lo, hi) of the tokens of `ids` that are not whitespace and occur on the other side
 * (`bit` set in `presence`) to `pos`, and the tokens to `seq`; returns how many.
 */
function gatherAnchorable(ids: Int32Array, lo: number, hi: number, bit: number, interner: Interner, pos: Int32Array, seq: Int32Array): number {
  const entries = presence.entries;
  const base = presence.base;
  let count = 0;
  for (let k = lo; k < hi; k++) {
    const id = ids[k] as number;
    const f = (entries[id] as number) - base;
    if (f > 0 && (f & bit) !== 0 && !interner.isSpace(id)) {
      pos[count] = k;
      seq[count++] = id;
    }
  }
  return count;
}

/** Above this many tokens (both sides), a pair is first cut at patience anchors. */
const LARGE = 4000;
/** Pieces between anchors larger than this are cut again at their own anchors (patience diff's recursion). */
const PIECE = 400;

/** Cost bound of Myers inside the pieces of a huge pair: edited text has small pieces with few edits anyway. */
const PIECE_COST = 48;

/** Patience diff with Myers for the pieces: near-linear on huge inputs, exact within each piece up to its cost bound. */
function diffLarge(a: Int32Array, b: Int32Array, del: Uint8Array, ins: Uint8Array): void {
  const anchors = patienceAnchors(a, b);
  if (anchors.length === 0) {
    diffSequences(a, b, del, ins, { maxCost: PIECE_COST });
    return;
  }
  let i0 = 0;
  let j0 = 0;
  for (const [i, j] of [...anchors, [a.length, b.length] as [number, number]]) {
    const sa = a.subarray(i0, i);
    const sb = b.subarray(j0, j);
    if (sa.length + sb.length > PIECE) diffLarge(sa, sb, del.subarray(i0, i), ins.subarray(j0, j));
    else diffSequences(sa, sb, del.subarray(i0, i), ins.subarray(j0, j), { maxCost: PIECE_COST });
    i0 = i + 1;
    j0 = j + 1;
  }
}

/** Flags the changes between a[aLo, aHi) and b[bLo, bHi), a region between two matched tokens. */
function markRegion(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, del: Uint8Array, ins: Uint8Array): void {
  if (aLo === aHi || bLo === bHi) {
    del.fill(1, aLo, aHi);
    ins.fill(1, bLo, bHi);
    return;
  }
  if (aHi - aLo === 1 && bHi - bLo === 1 && a[aLo] === b[bLo]) return;
  diffRange(a, aLo, aHi, b, bLo, bHi, del, ins, costBound(aHi - aLo + (bHi - bLo)));
}

/** Writes the alternating equal and change runs of the change flags to runBuf; returns the number of entries used. */
function toRuns(n: number, m: number, del: Uint8Array, ins: Uint8Array): number {
  // At most one run per token plus one.
  const need = 5 * (n + m + 1);
  if (runBuf.length < need) runBuf = new Int32Array(Math.max(need, 2 * runBuf.length));
  const r = runBuf;
  let len = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const ai = i;
    const bj = j;
    let equal = 0;
    if (i < n && j < m && !del[i] && !ins[j]) {
      while (i < n && j < m && !del[i] && !ins[j]) {
        i++;
        j++;
      }
      equal = 1;
    } else {
      while (i < n && del[i]) i++;
      while (j < m && ins[j]) j++;
    }
    r[len] = equal;
    r[len + 1] = ai;
    r[len + 2] = i;
    r[len + 3] = bj;
    r[len + 4] = j;
    len += 5;
  }
  return len;
}

/** Folds (in runBuf) short equal runs without words that sit between two changes into one change; returns the new length. */
function foldRuns(len: number, a: Int32Array, interner: Interner): number {
  const r = runBuf;
  let out = 0;
  for (let k = 0; k < len; k += 5) {
    const equal = r[k] === 1;
    const prev = out - 5;
    const hasPrevChange = prev >= 0 && r[prev] === 0;
    const next = k + 5;
    if (
      equal &&
      hasPrevChange &&
      next < len &&
      r[next] === 0 &&
      (r[k + 2] as number) - (r[k + 1] as number) <= FOLD_MAX_TOKENS &&
      !hasWord(a, r[k + 1] as number, r[k + 2] as number, interner)
    ) {
      r[prev + 2] = r[next + 2] as number;
      r[prev + 4] = r[next + 4] as number;
      k += 5;
      continue;
    }
    if (!equal && hasPrevChange) {
      r[prev + 2] = r[k + 2] as number;
      r[prev + 4] = r[k + 4] as number;
      continue;
    }
    if (out !== k) r.copyWithin(out, k, k + 5);
    out += 5;
  }
  return out;
}

function hasWord(ids: Int32Array, lo: number, hi: number, interner: Interner): boolean {
  for (let k = lo; k < hi; k++) if (interner.isWord(ids[k] as number)) return true;
  return false;
}
