/**
 * Patience anchors: elements occurring exactly once in each sequence, kept where they appear in the same
 * order in both (longest increasing subsequence). Used to cut huge inputs into small independent pieces
 * before Myers, in O(n log n).
 */
import { IdTable } from './idtable.js';

const countA = new IdTable();
const countB = new IdTable();
const posA = new IdTable();

/** Anchor pairs [i, j] (a[i] === b[j], each value unique in a and in b), increasing in both i and j. */
export function patienceAnchors(a: Int32Array, b: Int32Array): Array<[number, number]> {
  let maxId = 0;
  for (const v of a) if (v > maxId) maxId = v;
  for (const v of b) if (v > maxId) maxId = v;
  countA.reset(maxId + 1);
  countB.reset(maxId + 1);
  posA.reset(maxId + 1);
  a.forEach((v, i) => {
    countA.add(v, 1);
    posA.set(v, i);
  });
  for (const v of b) countB.add(v, 1);
  // Candidate pairs in order of j; keep the longest run increasing in i.
  const is: number[] = [];
  const js: number[] = [];
  b.forEach((v, j) => {
    if (countA.get(v) === 1 && countB.get(v) === 1) {
      is.push(posA.get(v));
      js.push(j);
    }
  });
  const tails: number[] = [];
  const prev = new Int32Array(is.length).fill(-1);
  for (let k = 0; k < is.length; k++) {
    const i = is[k] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((is[tails[mid] as number] as number) < i) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1] as number;
    tails[lo] = k;
  }
  const out: Array<[number, number]> = [];
  for (let k = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; k >= 0; k = prev[k] as number) out.push([is[k] as number, js[k] as number]);
  return out.reverse();
}
