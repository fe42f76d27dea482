/**
 * Linear-space Myers diff (divide and conquer on the middle snake) over integer sequences, with a cost bound.
 *
 * It follows the structure of git's xdiff: while the edit cost met in one split search stays below `maxCost`
 * the split is at a true middle snake (so the result is a minimal edit script); beyond it the search stops
 * and splits at the furthest-reaching point found so far. The result is then still a valid edit script,
 * just possibly not minimal, and the running time is bounded by O((N + M) * maxCost) per split instead of
 * O((N + M) * D). Elements of `a` outside the common subsequence are flagged in `del`, those of `b` in `ins`.
 */

/** Options of {@link diffSequences}. */
export interface MyersOptions {
  /** Edit cost after which a split search gives up minimality. Default: max(256, sqrt(N + M)). */
  maxCost?: number;
}

const NEG = -1;
const POS = 0x7fffffff;

/**
 * Compares `a` with `b` and flags the elements not in the common subsequence: `del[i] = 1` when `a[i]` is
 * deleted, `ins[j] = 1` when `b[j]` is inserted. `del` and `ins` must be zero-filled with the lengths of `a` and `b`.
 */
export function diffSequences(a: Int32Array, b: Int32Array, del: Uint8Array, ins: Uint8Array, opts: MyersOptions = {}): void {
  const n = a.length;
  const m = b.length;
  if (del.length !== n || ins.length !== m) throw new Error('differ: flag arrays must match the sequence lengths');
  diffRange(a, 0, n, b, 0, m, del, ins, Math.max(1, Math.floor(opts.maxCost ?? Math.max(256, Math.sqrt(n + m)))));
}

/** Search vectors and stack of {@link diffRange}, reused from call to call (the differ is synchronous and never nests them). */
let kvdf = new Int32Array(256);
let kvdb = new Int32Array(256);
const split = new Int32Array(4);
const stack: number[] = [];

/**
 * {@link diffSequences} on a[aLo, aHi) and b[bLo, bHi), flagging in `del` and `ins` at the same (absolute)
 * indices as `a` and `b`; the flags of the two ranges must be zero. `maxCost` is at least 1.
 */
export function diffRange(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
  del: Uint8Array,
  ins: Uint8Array,
  maxCost: number,
): void {
  // Diagonal k = i - j lies in [aLo - bHi, aHi - bLo]; k - 1 and k + 1 are read too.
  const size = aHi - aLo + (bHi - bLo) + 3;
  if (kvdf.length < size) {
    kvdf = new Int32Array(Math.max(size, 2 * kvdf.length));
    kvdb = new Int32Array(kvdf.length);
  }
  const off = bHi - aLo + 1;
  // Explicit stack of [off1, lim1, off2, lim2, needMin] so that deep recursion cannot overflow the JS stack.
  const base = stack.length;
  stack.push(aLo, aHi, bLo, bHi, 0);
  while (stack.length > base) {
    const needMin = stack.pop() as number;
    let lim2 = stack.pop() as number;
    let off2 = stack.pop() as number;
    let lim1 = stack.pop() as number;
    let off1 = stack.pop() as number;
    while (off1 < lim1 && off2 < lim2 && a[off1] === b[off2]) {
      off1++;
      off2++;
    }
    while (off1 < lim1 && off2 < lim2 && a[lim1 - 1] === b[lim2 - 1]) {
      lim1--;
      lim2--;
    }
    if (off1 === lim1) {
      for (let j = off2; j < lim2; j++) ins[j] = 1;
    } else if (off2 === lim2) {
      for (let i = off1; i < lim1; i++) del[i] = 1;
    } else {
      findSplit(a, b, off1, lim1, off2, lim2, kvdf, kvdb, off, needMin === 1, maxCost, split);
      const i1 = split[0] as number;
      const i2 = split[1] as number;
      // Push the high half first so the low half is processed first (order does not matter for the result).
      stack.push(i1, lim1, i2, lim2, split[3] as number);
      stack.push(off1, i1, off2, i2, split[2] as number);
    }
  }
}

/**
 * Finds a split point (i1, i2) of the box [off1, lim1) x [off2, lim2): out = [i1, i2, minLo, minHi].
 * The box has already been trimmed of common prefix and suffix, and both sides are non-empty.
 */
function findSplit(
  a: Int32Array,
  b: Int32Array,
  off1: number,
  lim1: number,
  off2: number,
  lim2: number,
  kvdf: Int32Array,
  kvdb: Int32Array,
  off: number,
  needMin: boolean,
  maxCost: number,
  out: Int32Array,
): void {
  const dmin = off1 - lim2;
  const dmax = lim1 - off2;
  const fmid = off1 - off2;
  const bmid = lim1 - lim2;
  const odd = ((fmid - bmid) & 1) !== 0;
  let fmin = fmid;
  let fmax = fmid;
  let bmin = bmid;
  let bmax = bmid;
  kvdf[off + fmid] = off1;
  kvdb[off + bmid] = lim1;
  for (let ec = 1; ; ec++) {
    // Forward pass: extend every diagonal by one edit, then follow the snake.
    if (fmin > dmin) kvdf[off + --fmin - 1] = NEG;
    else ++fmin;
    if (fmax < dmax) kvdf[off + ++fmax + 1] = NEG;
    else --fmax;
    for (let d = fmax; d >= fmin; d -= 2) {
      const lo = kvdf[off + d - 1] as number;
      const hi = kvdf[off + d + 1] as number;
      let i1 = lo >= hi ? lo + 1 : hi;
      let i2 = i1 - d;
      while (i1 < lim1 && i2 < lim2 && a[i1] === b[i2]) {
        i1++;
        i2++;
      }
      kvdf[off + d] = i1;
      if (odd && bmin <= d && d <= bmax && (kvdb[off + d] as number) <= i1) {
        out[0] = i1;
        out[1] = i2;
        out[2] = 1;
        out[3] = 1;
        return;
      }
    }
    // Backward pass.
    if (bmin > dmin) kvdb[off + --bmin - 1] = POS;
    else ++bmin;
    if (bmax < dmax) kvdb[off + ++bmax + 1] = POS;
    else --bmax;
    for (let d = bmax; d >= bmin; d -= 2) {
      const lo = kvdb[off + d - 1] as number;
      const hi = kvdb[off + d + 1] as number;
      let i1 = lo < hi ? lo : hi - 1;
      let i2 = i1 - d;
      while (i1 > off1 && i2 > off2 && a[i1 - 1] === b[i2 - 1]) {
        i1--;
        i2--;
      }
      kvdb[off + d] = i1;
      if (!odd && fmin <= d && d <= fmax && i1 <= (kvdf[off + d] as number)) {
        out[0] = i1;
        out[1] = i2;
        out[2] = 1;
        out[3] = 1;
        return;
      }
    }
    if (needMin || ec < maxCost) continue;
    // Too costly: split at the furthest-reaching point of either direction (git's "mxcost" cut-off).
    let fbest = -1;
    let fbest1 = -1;
    for (let d = fmax; d >= fmin; d -= 2) {
      let i1 = Math.min(kvdf[off + d] as number, lim1);
      let i2 = i1 - d;
      if (lim2 < i2) {
        i1 = lim2 + d;
        i2 = lim2;
      }
      if (fbest < i1 + i2) {
        fbest = i1 + i2;
        fbest1 = i1;
      }
    }
    let bbest = POS;
    let bbest1 = POS;
    for (let d = bmax; d >= bmin; d -= 2) {
      let i1 = Math.max(off1, kvdb[off + d] as number);
      let i2 = i1 - d;
      if (i2 < off2) {
        i1 = off2 + d;
        i2 = off2;
      }
      if (i1 + i2 < bbest) {
        bbest = i1 + i2;
        bbest1 = i1;
      }
    }
    if (lim1 + lim2 - bbest < fbest - (off1 + off2)) {
      out[0] = fbest1;
      out[1] = fbest - fbest1;
      out[2] = 1;
      out[3] = 0;
    } else {
      out[0] = bbest1;
      out[1] = bbest - bbest1;
      out[2] = 0;
      out[3] = 1;
    }
    return;
  }
}
