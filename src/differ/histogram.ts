/**
 * Histogram diff (as in git and JGit) over integer sequences: anchor on the longest run of equal elements
 * around the rarest element common to both sides, then recurse left and right of the anchor. Rare anchors
 * keep repeated elements (blank-ish paragraphs, "Advertisement" lines) from pulling the alignment apart,
 * which is why the paragraph level uses it instead of plain Myers.
 */
import { diffSequences } from './myers.js';
import { patienceAnchors } from './patience.js';

/** Result of {@link histogramMatch}: for each index the matched index on the other side, or -1. */
export interface Matching {
  aToB: Int32Array;
  bToA: Int32Array;
}

/** Elements occurring more often than this in a region are not used as anchors; such regions fall back to Myers. */
const MAX_CHAIN = 64;

/**
 * Matches equal elements of `a` and `b` in order (an increasing matching; not necessarily a longest one).
 * Elements unique on both sides that appear in the same order (patience anchors) are matched first in
 * O(n log n), so that on long texts with scattered edits the histogram recursion only runs in the small
 * stretches between them.
 */
export function histogramMatch(a: Int32Array, b: Int32Array): Matching {
  const aToB = new Int32Array(a.length).fill(-1);
  const bToA = new Int32Array(b.length).fill(-1);
  const link = (i: number, j: number): void => {
    aToB[i] = j;
    bToA[j] = i;
  };
  const stack: number[] = [];
  let i0 = 0;
  let j0 = 0;
  for (const [i, j] of [...patienceAnchors(a, b), [a.length, b.length] as [number, number]]) {
    if (i < a.length) link(i, j);
    if (i > i0 || j > j0) stack.push(i0, i, j0, j);
    i0 = i + 1;
    j0 = j + 1;
  }
  while (stack.length > 0) {
    let bHi = stack.pop() as number;
    let bLo = stack.pop() as number;
    let aHi = stack.pop() as number;
    let aLo = stack.pop() as number;
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) link(aLo++, bLo++);
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) link(--aHi, --bHi);
    if (aLo === aHi || bLo === bHi) continue;

    const positions = new Map<number, number[]>();
    for (let i = aLo; i < aHi; i++) {
      const v = a[i] as number;
      const list = positions.get(v);
      if (list) list.push(i);
      else positions.set(v, [i]);
    }
    let bestCount = MAX_CHAIN;
    let bestLen = 0;
    let bestA = -1;
    let bestB = -1;
    let sawCommon = false;
    for (let j = bLo; j < bHi; j++) {
      const list = positions.get(b[j] as number);
      if (!list) continue;
      sawCommon = true;
      if (list.length > bestCount) continue;
      for (const i of list) {
        let s1 = i;
        let s2 = j;
        while (s1 > aLo && s2 > bLo && a[s1 - 1] === b[s2 - 1]) {
          s1--;
          s2--;
        }
        let e1 = i + 1;
        let e2 = j + 1;
        while (e1 < aHi && e2 < bHi && a[e1] === b[e2]) {
          e1++;
          e2++;
        }
        const len = e1 - s1;
        if (list.length < bestCount || len > bestLen) {
          bestCount = list.length;
          bestLen = len;
          bestA = s1;
          bestB = s2;
        }
      }
    }
    if (bestA < 0) {
      if (sawCommon) myersRegion(a, b, aLo, aHi, bLo, bHi, link);
      continue;
    }
    for (let k = 0; k < bestLen; k++) link(bestA + k, bestB + k);
    stack.push(bestA + bestLen, aHi, bestB + bestLen, bHi);
    stack.push(aLo, bestA, bLo, bestB);
  }
  return { aToB, bToA };
}

/** Matches a region whose common elements are all too frequent to anchor on, with Myers. */
function myersRegion(
  a: Int32Array,
  b: Int32Array,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  link: (i: number, j: number) => void,
): void {
  const sa = a.subarray(aLo, aHi);
  const sb = b.subarray(bLo, bHi);
  const del = new Uint8Array(sa.length);
  const ins = new Uint8Array(sb.length);
  diffSequences(sa, sb, del, ins);
  let i = 0;
  let j = 0;
  while (i < sa.length && j < sb.length) {
    if (del[i]) i++;
    else if (ins[j]) j++;
    else link(aLo + i++, bLo + j++);
  }
}
