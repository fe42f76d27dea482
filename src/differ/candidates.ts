/**
 * Candidate pairs of unmatched old and new paragraphs: pairs similar enough to be an edit of one another.
 * A pair qualifies when its Dice similarity (distinct words) is at least 0.4, or when it is at least 0.2 and
 * the two paragraphs share a phrase of three consecutive words: a rewrite keeps phrases ("insurgents wearing
 * police uniforms") where chance overlap between unrelated paragraphs only shares scattered common words.
 */
import { intersectionSize, similarPairs, type SimilarPair } from './similarity.js';
import type { Side, Workspace } from './workspace.js';

/** Dice similarity above which a pair qualifies on words alone. */
export const PAIR_MIN_SIM = 0.4;
/** Dice similarity above which a pair sharing a phrase qualifies. */
export const PAIR_MIN_SIM_PHRASE = 0.2;
const PHRASE_WORDS = 3;

/** Hashes of every run of PHRASE_WORDS consecutive words of a paragraph (whitespace and punctuation between them ignored). */
function phraseHashes(side: Side, i: number, ws: Workspace): Int32Array {
  const words: number[] = [];
  for (const id of side.tokens(i)) if (ws.interner.isWord(id)) words.push(id);
  const out = new Int32Array(Math.max(0, words.length - PHRASE_WORDS + 1));
  for (let k = 0; k < out.length; k++) {
    let h = 0x811c9dc5;
    for (let m = 0; m < PHRASE_WORDS; m++) h = Math.imul(h ^ (words[k + m] as number), 0x01000193);
    out[k] = h;
  }
  return out;
}

/** Pairs (indices into oldRest/newRest) sharing a phrase hash, with Dice >= PAIR_MIN_SIM_PHRASE. */
function phrasePairs(ws: Workspace, oldRest: readonly number[], newRest: readonly number[]): SimilarPair[] {
  const index = new Map<number, number[]>();
  newRest.forEach((j, local) => {
    for (const h of phraseHashes(ws.new, j, ws)) {
      const list = index.get(h);
      if (!list) index.set(h, [local]);
      else if (list[list.length - 1] !== local) list.push(local);
    }
  });
  const out: SimilarPair[] = [];
  const seen = new Int32Array(newRest.length).fill(-1);
  oldRest.forEach((i, li) => {
    const touched: number[] = [];
    for (const h of phraseHashes(ws.old, i, ws)) {
      for (const lj of index.get(h) ?? []) {
        if (seen[lj] === li) continue;
        seen[lj] = li;
        touched.push(lj);
      }
    }
    touched.sort((x, y) => x - y);
    const a = ws.old.wordSet(i);
    for (const lj of touched) {
      const b = ws.new.wordSet(newRest[lj] as number);
      const common = intersectionSize(a, b);
      const sim = (2 * common) / (a.length + b.length);
      if (sim >= PAIR_MIN_SIM_PHRASE) out.push({ i: li, j: lj, sim, common });
    }
  });
  return out;
}

/** Gaps with at most this many old x new pairs are compared pair by pair. */
const SMALL_GAP = 64;

/**
 * Candidate pairs among the unmatched paragraphs `oldRest` and `newRest` (paragraph indices, sorted by i then
 * j), `gapOld`/`gapNew` giving each paragraph's gap:
 * - in small gaps, every qualifying pair (compared pair by pair);
 * - in large gaps (a rewritten stretch), the pairs sharing a phrase with Dice >= PAIR_MIN_SIM_PHRASE, plus
 * - anywhere, the pairs with Dice >= `strongSim` (the move threshold), among paragraphs not already "settled"
 *   by an in-gap partner that similar (those stay where they are and need no search).
 * In typical updates every changed paragraph sits in a small gap with its edited self, so the global search
 * shrinks to the few paragraphs left; a high threshold keeps it cheap (prefix filtering prunes well) on
 * large rewrites, where comparing every pair at 0.4 would cost quadratic time for nothing.
 */
export function paragraphCandidates(
  ws: Workspace,
  oldRest: readonly number[],
  newRest: readonly number[],
  gapOld: Int32Array,
  gapNew: Int32Array,
  strongSim: number,
): SimilarPair[] {
  if (oldRest.length === 0 || newRest.length === 0) return [];
  const nB = ws.new.paras.length;
  const found = new Map<number, SimilarPair>();
  const add = (p: SimilarPair): void => {
    found.set(p.i * nB + p.j, p);
  };
  const byGap = new Map<number, { old: number[]; new: number[] }>();
  const group = (g: number): { old: number[]; new: number[] } => {
    let e = byGap.get(g);
    if (!e) {
      e = { old: [], new: [] };
      byGap.set(g, e);
    }
    return e;
  };
  for (const i of oldRest) group(gapOld[i] as number).old.push(i);
  for (const j of newRest) group(gapNew[j] as number).new.push(j);

  const phrases = new Map<number, Set<number>>();
  const phraseSet = (side: Side, key: number, i: number): Set<number> => {
    let set = phrases.get(key);
    if (!set) {
      set = new Set(phraseHashes(side, i, ws));
      phrases.set(key, set);
    }
    return set;
  };
  const sharePhrase = (i: number, j: number): boolean => {
    const a = phraseSet(ws.old, -1 - i, i);
    for (const h of phraseSet(ws.new, j, j)) if (a.has(h)) return true;
    return false;
  };

  const settledOld = new Set<number>();
  const settledNew = new Set<number>();
  const bigOld: number[] = [];
  const bigNew: number[] = [];
  for (const e of byGap.values()) {
    if (e.old.length * e.new.length > SMALL_GAP) {
      bigOld.push(...e.old);
      bigNew.push(...e.new);
      continue;
    }
    for (const i of e.old) {
      const a = ws.old.wordSet(i);
      for (const j of e.new) {
        const b = ws.new.wordSet(j);
        const common = intersectionSize(a, b);
        const sim = a.length + b.length === 0 ? 0 : (2 * common) / (a.length + b.length);
        if (sim >= PAIR_MIN_SIM || (sim >= PAIR_MIN_SIM_PHRASE && sharePhrase(i, j))) add({ i, j, sim, common });
        if (sim >= strongSim) {
          settledOld.add(i);
          settledNew.add(j);
        }
      }
    }
  }
  const searchOld = oldRest.filter((i) => !settledOld.has(i));
  const searchNew = newRest.filter((j) => !settledNew.has(j));
  for (const p of similarPairs(
    searchOld.map((i) => ws.old.wordSet(i)),
    searchNew.map((j) => ws.new.wordSet(j)),
    strongSim,
  )) {
    add({ ...p, i: searchOld[p.i] as number, j: searchNew[p.j] as number });
  }
  for (const p of phrasePairs(ws, bigOld, bigNew)) add({ ...p, i: bigOld[p.i] as number, j: bigNew[p.j] as number });
  return [...found.values()].sort((x, y) => x.i - y.i || x.j - y.j);
}
