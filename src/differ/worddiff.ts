/**
 * Word-level diff of two token-id sequences into WordOps, with word counts. Within each change the deleted
 * text comes before the inserted text, and whitespace or punctuation that happens to be common between two
 * changes is folded into them ("[-the quick-]{+a slow+}" rather than "[-the-]{+a+} [-quick-]{+slow+}").
 * Folding only ever touches non-word tokens, so word counts stay those of the underlying edit script.
 */
import type { Interner } from './intern.js';
import { diffSequences } from './myers.js';
import { IdTable } from './idtable.js';
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

/** Common non-word runs up to this many tokens between two changes are folded into them. */
const FOLD_MAX_TOKENS = 3;

/** A run of the edit script: a[aLo, aHi) and b[bLo, bHi); equal runs have the same length on both sides. */
interface Run {
  equal: boolean;
  aLo: number;
  aHi: number;
  bLo: number;
  bHi: number;
}

/** Word-diffs token ids `a` (old) against `b` (new); the ops reproduce both token sequences exactly. */
export function diffTokenIds(a: Int32Array, b: Int32Array, interner: Interner): WordDiff {
  const del = new Uint8Array(a.length);
  const ins = new Uint8Array(b.length);
  markChanges(a, b, interner, del, ins);
  const runs = foldRuns(toRuns(a.length, b.length, del, ins), a, interner);
  const ops: WordOp[] = [];
  let wordsAdded = 0;
  let wordsRemoved = 0;
  const text = (ids: Int32Array, lo: number, hi: number): string => {
    let s = '';
    for (let k = lo; k < hi; k++) s += interner.text(ids[k] as number);
    return s;
  };
  const countIn = (ids: Int32Array, lo: number, hi: number): number => {
    let n = 0;
    for (let k = lo; k < hi; k++) if (interner.isWord(ids[k] as number)) n++;
    return n;
  };
  for (const r of runs) {
    if (r.equal) {
      ops.push({ op: 'equal', text: text(a, r.aLo, r.aHi) });
      continue;
    }
    if (r.aHi > r.aLo) {
      ops.push({ op: 'delete', text: text(a, r.aLo, r.aHi) });
      wordsRemoved += countIn(a, r.aLo, r.aHi);
    }
    if (r.bHi > r.bLo) {
      ops.push({ op: 'insert', text: text(b, r.bLo, r.bHi) });
      wordsAdded += countIn(b, r.bLo, r.bHi);
    }
  }
  return { ops, wordsAdded, wordsRemoved };
}

/**
 * Edit-cost bound of the Myers search for sequences of total length n: exact (minimal) for anything of
 * paragraph size, a bounded O(n * bound) effort per split for huge inputs.
 */
function costBound(n: number): number {
  return Math.max(64, Math.min(1024, Math.floor(2_000_000 / Math.max(1, n))));
}

/** Positions of the tokens that are not whitespace and have `bit` set in `present`. */
function anchorable(ids: Int32Array, interner: Interner, present: IdTable, bit: number): Int32Array {
  const out = new Int32Array(ids.length);
  let n = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] as number;
    if (present.get(id) & bit && !interner.isSpace(id)) out[n++] = k;
  }
  return out.subarray(0, n);
}

/** Which side(s) each token id occurs on (bit 1: old, bit 2: new). */
const presence = new IdTable();

function gather(ids: Int32Array, positions: Int32Array): Int32Array {
  const out = new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) out[k] = ids[positions[k] as number] as number;
  return out;
}

/**
 * Flags deleted and inserted tokens. The alignment is computed on words and punctuation only, and only on
 * those occurring on both sides (whitespace left out: half the tokens, and no "matching" of the spaces
 * between unrelated words; tokens absent from the other side can never match, so leaving them out changes
 * nothing but the cost). The rest, between two matched tokens, is then aligned region by region.
 */
function markChanges(a: Int32Array, b: Int32Array, interner: Interner, del: Uint8Array, ins: Uint8Array): void {
  presence.reset(interner.size);
  for (const id of a) presence.set(id, presence.get(id) | 1);
  for (const id of b) presence.set(id, presence.get(id) | 2);
  const ca = anchorable(a, interner, presence, 2);
  const cb = anchorable(b, interner, presence, 1);
  const cdel = new Uint8Array(ca.length);
  const cins = new Uint8Array(cb.length);
  const sa = gather(a, ca);
  const sb = gather(b, cb);
  if (ca.length + cb.length > LARGE) diffLarge(sa, sb, cdel, cins);
  else diffSequences(sa, sb, cdel, cins, { maxCost: costBound(ca.length + cb.length) });
  let pa = 0;
  let pb = 0;
  let x = 0;
  let y = 0;
  for (;;) {
    while (x < ca.length && cdel[x]) x++;
    while (y < cb.length && cins[y]) y++;
    const qa = x < ca.length ? (ca[x] as number) : a.length;
    const qb = y < cb.length ? (cb[y] as number) : b.length;
    markRegion(a, pa, qa, b, pb, qb, del, ins);
    if (x >= ca.length || y >= cb.length) break;
    pa = qa + 1;
    pb = qb + 1;
    x++;
    y++;
  }
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
  const sa = a.subarray(aLo, aHi);
  const sb = b.subarray(bLo, bHi);
  diffSequences(sa, sb, del.subarray(aLo, aHi), ins.subarray(bLo, bHi), { maxCost: costBound(sa.length + sb.length) });
}

/** Turns change flags into alternating equal and change runs. */
function toRuns(n: number, m: number, del: Uint8Array, ins: Uint8Array): Run[] {
  const runs: Run[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const ai = i;
    const bj = j;
    if (i < n && j < m && !del[i] && !ins[j]) {
      while (i < n && j < m && !del[i] && !ins[j]) {
        i++;
        j++;
      }
      runs.push({ equal: true, aLo: ai, aHi: i, bLo: bj, bHi: j });
    } else {
      while (i < n && del[i]) i++;
      while (j < m && ins[j]) j++;
      runs.push({ equal: false, aLo: ai, aHi: i, bLo: bj, bHi: j });
    }
  }
  return runs;
}

/** Folds short equal runs without words that sit between two changes into one change. */
function foldRuns(runs: Run[], a: Int32Array, interner: Interner): Run[] {
  const out: Run[] = [];
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k] as Run;
    const prev = out[out.length - 1];
    const next = runs[k + 1];
    if (r.equal && prev && !prev.equal && next && !next.equal && r.aHi - r.aLo <= FOLD_MAX_TOKENS && !hasWord(a, r.aLo, r.aHi, interner)) {
      prev.aHi = next.aHi;
      prev.bHi = next.bHi;
      k++;
      continue;
    }
    if (!r.equal && prev && !prev.equal) {
      prev.aHi = r.aHi;
      prev.bHi = r.bHi;
      continue;
    }
    out.push({ ...r });
  }
  return out;
}

function hasWord(ids: Int32Array, lo: number, hi: number, interner: Interner): boolean {
  for (let k = lo; k < hi; k++) if (interner.isWord(ids[k] as number)) return true;
  return false;
}
