/**
 * The article-extraction benchmark's own scoring (scrapinghub/article-extraction-benchmark): word 4-gram
 * shingles of the expected and the extracted text, compared as multisets.
 */

/** Python's `\w` on str is Unicode letters, numbers and '_' (marks are not word characters there). */
const WORD = /[\p{L}\p{N}_]+/gu;

/** Precision and recall of one extracted text against the expected one, each in 0..1. */
export interface PageScore {
  precision: number;
  recall: number;
}

/** Precision, recall and F1 averaged over pages the way the benchmark does (F1 of the two averages). */
export interface CorpusScore {
  precision: number;
  recall: number;
  f1: number;
  pages: number;
}

function shingles(text: string): Map<string, number> {
  const tokens = text.match(WORD) ?? [];
  const counts = new Map<string, number>();
  if (tokens.length === 0) return counts;
  if (tokens.length < 4) {
    counts.set(tokens.join(' '), 1);
    return counts;
  }
  for (let i = 0; i + 4 <= tokens.length; i++) {
    const key = `${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]} ${tokens[i + 3]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Scores one page: returns shingle precision and recall of `extracted` against `expected`. */
export function scorePage(expected: string, extracted: string): PageScore {
  const want = shingles(expected);
  const got = shingles(extracted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, n] of got) {
    const m = want.get(key) ?? 0;
    tp += Math.min(n, m);
    if (n > m) fp += n - m;
  }
  for (const [key, m] of want) {
    const n = got.get(key) ?? 0;
    if (m > n) fn += m - n;
  }
  if (fp === 0 && fn === 0) return { precision: 1, recall: 1 };
  return { precision: tp + fp > 0 ? tp / (tp + fp) : 0, recall: tp + fn > 0 ? tp / (tp + fn) : 0 };
}

/** Averages page scores: mean precision, mean recall, and F1 as their harmonic mean. */
export function scoreCorpus(pages: readonly PageScore[]): CorpusScore {
  if (pages.length === 0) return { precision: 0, recall: 0, f1: 0, pages: 0 };
  const precision = pages.reduce((s, p) => s + p.precision, 0) / pages.length;
  const recall = pages.reduce((s, p) => s + p.recall, 0) / pages.length;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, pages: pages.length };
}
