/**
 * Candidate pairs of unmatched old and new paragraphs: pairs similar enough to be an edit of one another.
 * A pair qualifies when its Dice similarity (distinct words) is at least 0.4, or when it is at least 0.2 and
 * the two paragraphs share a phrase of three consecutive words: a rewrite keeps phrases ("insurgents wearing
 * police uniforms") where chance overlap between unrelated paragraphs only shares scattered common words.
 */
import { commonCount, overlapSizeA, overlapSizeB, similarPairs, wordOverlap, type SimilarPair } from './similarity.js';
import { takeInt32 } from './pool.js';
import type { Side, Workspace } from './workspace.js';

/** Dice similarity above which a pair qualifies on words alone. */
export const PAIR_MIN_SIM = 0.4;
/** Dice similarity above which a pair sharing a phrase qualifies. */
export const PAIR_MIN_SIM_PHRASE = 0.2;
const PHRASE_WORDS = 3;

/**
 * The phrases of a paragraph: its word ids in order, and one sorted key per run of PHRASE_WORDS words,
 * key = hash * 2^20 + start of the run (exact in a double), so equal hashes sit together.
 */
interface Phrases {
  words: Int32Array;
  keys: Float64Array;
}

const POS = 1 << 20;
const hashOf = (key: number): number => Math.floor(key / POS);

function phrasesOf(side: Side, i: number, ws: Workspace): Phrases {
  const tokens = side.tokens(i);
  const words = new Int32Array(tokens.length);
  let n = 0;
  for (const id of tokens) if (ws.interner.isWord(id)) words[n++] = id;
  const runs = Math.max(0, Math.min(n - PHRASE_WORDS + 1, POS));
  const keys = new Float64Array(runs);
  for (let k = 0; k < runs; k++) {
    let h = 0x811c9dc5;
    for (let m = 0; m < PHRASE_WORDS; m++) h = Math.imul(h ^ (words[k + m] as number), 0x01000193);
    keys[k] = (h >>> 0) * POS + k;
  }
  return { words: words.subarray(0, n), keys: keys.sort() };
}

/** Whether two paragraphs share a run of PHRASE_WORDS words (equal hashes find candidates, the words decide). */
function sharesPhrase(a: Phrases, b: Phrases): boolean {
  let x = 0;
  let y = 0;
  while (x < a.keys.length && y < b.keys.length) {
    const ha = hashOf(a.keys[x] as number);
    const hb = hashOf(b.keys[y] as number);
    if (ha < hb) x++;
    else if (ha > hb) y++;
    else {
      for (let xx = x; xx < a.keys.length && hashOf(a.keys[xx] as number) === ha; xx++) {
        for (let yy = y; yy < b.keys.length && hashOf(b.keys[yy] as number) === ha; yy++) {
          const pa = (a.keys[xx] as number) % POS;
          const pb = (b.keys[yy] as number) % POS;
          let m = 0;
          while (m < PHRASE_WORDS && a.words[pa + m] === b.words[pb + m]) m++;
          if (m === PHRASE_WORDS) return true;
        }
      }
      while (x < a.keys.length && hashOf(a.keys[x] as number) === ha) x++;
      while (y < b.keys.length && hashOf(b.keys[y] as number) === ha) y++;
    }
  }
  return false;
}

/** Word ids of a paragraph, in order (from the diff's pool). */
function wordIds(side: Side, i: number, ws: Workspace): Int32Array {
  const tokens = side.tokens(i);
  const words = takeInt32(tokens.length);
  let n = 0;
  for (let k = 0; k < tokens.length; k++) {
    const id = tokens[k] as number;
    if (ws.interner.isWord(id)) words[n++] = id;
  }
  return words.subarray(0, n);
}

/** Hash of the PHRASE_WORDS words from `at` (as in phrasesOf). */
function phraseHash(words: Int32Array, at: number): number {
  let h = 0x811c9dc5;
  for (let m = 0; m < PHRASE_WORDS; m++) h = Math.imul(h ^ (words[at + m] as number), 0x01000193);
  return h;
}

/**
 * Whether old paragraph `i` and new paragraph `j` share a run of PHRASE_WORDS words: the same answer as
 * sharesPhrase on their phrases, for one pair, through a small hash table of the old runs (no sorting).
 */
function pairSharesPhrase(ws: Workspace, i: number, j: number): boolean {
  const a = wordIds(ws.old, i, ws);
  const b = wordIds(ws.new, j, ws);
  const runsA = Math.max(0, Math.min(a.length - PHRASE_WORDS + 1, POS));
  const runsB = Math.max(0, Math.min(b.length - PHRASE_WORDS + 1, POS));
  if (runsA === 0 || runsB === 0) return false;
  let size = 16;
  while (size < 2 * runsA) size *= 2;
  const mask = size - 1;
  const slotHash = takeInt32(size);
  // Start of the run + 1 (0 = empty).
  const slotRun = takeInt32(size).fill(0);
  for (let k = 0; k < runsA; k++) {
    const h = phraseHash(a, k);
    let slot = (h ^ (h >>> 15)) & mask;
    while (slotRun[slot] !== 0) slot = (slot + 1) & mask;
    slotHash[slot] = h;
    slotRun[slot] = k + 1;
  }
  for (let k = 0; k < runsB; k++) {
    const h = phraseHash(b, k);
    for (let slot = (h ^ (h >>> 15)) & mask; slotRun[slot] !== 0; slot = (slot + 1) & mask) {
      if (slotHash[slot] !== h) continue;
      const at = (slotRun[slot] as number) - 1;
      let m = 0;
      while (m < PHRASE_WORDS && a[at + m] === b[k + m]) m++;
      if (m === PHRASE_WORDS) return true;
    }
  }
  return false;
}

/** Cached phrases of the paragraphs of one comparison. */
function phraseCache(ws: Workspace): { old: (i: number) => Phrases; new: (j: number) => Phrases } {
  const olds = new Map<number, Phrases>();
  const news = new Map<number, Phrases>();
  const get = (cache: Map<number, Phrases>, side: Side, i: number): Phrases => {
    let p = cache.get(i);
    if (!p) {
      p = phrasesOf(side, i, ws);
      cache.set(i, p);
    }
    return p;
  };
  return { old: (i) => get(olds, ws.old, i), new: (j) => get(news, ws.new, j) };
}

/** The hash of every run of PHRASE_WORDS words of a paragraph (as in phrasesOf, unsorted; from the diff's pool). */
function phraseHashes(side: Side, i: number, ws: Workspace): Int32Array {
  const tokens = side.tokens(i);
  const words = takeInt32(tokens.length);
  let n = 0;
  for (let k = 0; k < tokens.length; k++) {
    const id = tokens[k] as number;
    if (ws.interner.isWord(id)) words[n++] = id;
  }
  const runs = Math.max(0, Math.min(n - PHRASE_WORDS + 1, POS));
  const hashes = takeInt32(runs);
  for (let k = 0; k < runs; k++) {
    let h = 0x811c9dc5;
    for (let m = 0; m < PHRASE_WORDS; m++) h = Math.imul(h ^ (words[k + m] as number), 0x01000193);
    hashes[k] = h;
  }
  return hashes;
}

/** Pairs (indices into oldRest/newRest) sharing a phrase, with Dice >= PAIR_MIN_SIM_PHRASE. */
function phrasePairs(ws: Workspace, phrases: ReturnType<typeof phraseCache>, oldRest: readonly number[], newRest: readonly number[]): SimilarPair[] {
  // An open-addressing table from phrase hash to the list of new paragraphs (indices into newRest) holding it.
  const newHashes = newRest.map((j) => phraseHashes(ws.new, j, ws));
  let total = 0;
  for (const hs of newHashes) total += hs.length;
  let size = 16;
  while (size < 2 * total) size *= 2;
  const mask = size - 1;
  const slotHash = takeInt32(size);
  const slotHead = takeInt32(size).fill(0);
  const entryNew = takeInt32(total);
  const entryNext = takeInt32(total);
  const slotOf = (h: number): number => {
    let slot = (h ^ (h >>> 15)) & mask;
    while (slotHead[slot] !== 0 && slotHash[slot] !== h) slot = (slot + 1) & mask;
    return slot;
  };
  let entries = 0;
  newHashes.forEach((hs, local) => {
    for (let k = 0; k < hs.length; k++) {
      const h = hs[k] as number;
      const slot = slotOf(h);
      slotHash[slot] = h;
      entryNew[entries] = local;
      entryNext[entries] = (slotHead[slot] as number) - 1;
      slotHead[slot] = ++entries;
    }
  });
  const out: SimilarPair[] = [];
  const seen = takeInt32(newRest.length).fill(-1);
  const touched: number[] = [];
  oldRest.forEach((i, li) => {
    const hs = phraseHashes(ws.old, i, ws);
    for (let k = 0; k < hs.length; k++) {
      for (let e = (slotHead[slotOf(hs[k] as number)] as number) - 1; e >= 0; e = entryNext[e] as number) {
        const lj = entryNew[e] as number;
        if (seen[lj] === li) continue;
        seen[lj] = li;
        touched.push(lj);
      }
    }
    if (touched.length === 0) return;
    touched.sort((x, y) => x - y);
    const a = ws.old.wordSet(i);
    for (const lj of touched) {
      const j = newRest[lj] as number;
      const b = ws.new.wordSet(j);
      const common = commonCount(a, b);
      const sim = (2 * common) / (a.length + b.length);
      if (sim >= PAIR_MIN_SIM_PHRASE && sharesPhrase(phrases.old(i), phrases.new(j))) out.push({ i: li, j: lj, sim, common });
    }
    touched.length = 0;
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

  const phrases = phraseCache(ws);
  const sharePhrase = (i: number, j: number): boolean => pairSharesPhrase(ws, i, j);

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
    // Small gaps: every pair, compared through their token ids (no word sets needed). When the gap has as many
    // paragraphs on each side, the k-th new one is likely an edit of the k-th old one: tokenized from it.
    if (e.old.length === e.new.length) {
      e.old.forEach((i, k) => {
        ws.old.tokens(i);
        ws.new.tokensLike(e.new[k] as number, ws.old, i);
      });
    }
    for (const i of e.old) {
      const a = ws.old.tokens(i);
      for (const j of e.new) {
        const common = wordOverlap(a, ws.new.tokens(j), ws.interner);
        const total = overlapSizeA + overlapSizeB;
        const sim = total === 0 ? 0 : (2 * common) / total;
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
  const strong =
    searchOld.length === 0 || searchNew.length === 0
      ? []
      : similarPairs(
          searchOld.map((i) => ws.old.wordSet(i)),
          searchNew.map((j) => ws.new.wordSet(j)),
          strongSim,
        );
  for (const p of strong) {
    add({ ...p, i: searchOld[p.i] as number, j: searchNew[p.j] as number });
  }
  for (const p of phrasePairs(ws, phrases, bigOld, bigNew)) add({ ...p, i: bigOld[p.i] as number, j: bigNew[p.j] as number });
  return [...found.values()].sort((x, y) => x.i - y.i || x.j - y.j);
}
