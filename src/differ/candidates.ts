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

/** All qualifying pairs between the given old and new paragraph indices, with paragraph indices, sorted by i then j. */
export function paragraphCandidates(ws: Workspace, oldRest: readonly number[], newRest: readonly number[]): SimilarPair[] {
  if (oldRest.length === 0 || newRest.length === 0) return [];
  const similar = similarPairs(
    oldRest.map((i) => ws.old.wordSet(i)),
    newRest.map((j) => ws.new.wordSet(j)),
    PAIR_MIN_SIM,
  );
  const byKey = new Map<number, SimilarPair>();
  for (const p of [...similar, ...phrasePairs(ws, oldRest, newRest)]) byKey.set(p.i * newRest.length + p.j, p);
  return [...byKey.values()]
    .sort((x, y) => x.i - y.i || x.j - y.j)
    .map((p) => ({ ...p, i: oldRest[p.i] as number, j: newRest[p.j] as number }));
}
