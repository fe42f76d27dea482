/**
 * The scoring of trafilatura's evaluation (upstream `tests/eval_common.py`): passages of main text that must be
 * kept (`with`) and passages of boilerplate that must be dropped (`without`), tested by containment in the
 * whitespace-normalised output, counted over all pages before precision, recall and F1 are taken.
 */

/** Counts of one page, or totals over many. */
export interface SnippetCounts {
  /** `with` passages found in the output. */
  tp: number;
  /** `without` passages found in the output. */
  fp: number;
  /** `with` passages missing from the output. */
  fn: number;
  /** `without` passages absent from the output. */
  tn: number;
}

/** Precision, recall, accuracy and F1 over summed counts. */
export interface SnippetScore extends SnippetCounts {
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
}

/** `s` with every whitespace run made one space, trimmed: upstream's normalisation of both text and snippets. */
export function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/**
 * The counts of one page: each `with` passage contained in `text` is a true positive, each missing one a false
 * negative; each `without` passage contained is a false positive, each absent one a true negative. An empty
 * `text` misses every `with` passage; a null one (a crash) counts only those misses, as upstream counts a
 * missing result.
 */
export function scoreSnippets(text: string | null, withSnippets: readonly string[], withoutSnippets: readonly string[]): SnippetCounts {
  const out = text === null ? '' : normalizeWhitespace(text);
  const counts: SnippetCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  if (text === null) return { ...counts, fn: withSnippets.length };
  for (const s of withSnippets) {
    if (out !== '' && out.includes(normalizeWhitespace(s))) counts.tp++;
    else counts.fn++;
  }
  for (const s of withoutSnippets) {
    if (out !== '' && out.includes(normalizeWhitespace(s))) counts.fp++;
    else counts.tn++;
  }
  return counts;
}

/** Sums page counts and derives precision, recall, accuracy and F1 = 2TP / (2TP + FP + FN) from the totals. */
export function totalSnippetScore(pages: readonly SnippetCounts[]): SnippetScore {
  const t: SnippetCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of pages) {
    t.tp += p.tp;
    t.fp += p.fp;
    t.fn += p.fn;
    t.tn += p.tn;
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return {
    ...t,
    precision: ratio(t.tp, t.tp + t.fp),
    recall: ratio(t.tp, t.tp + t.fn),
    accuracy: ratio(t.tp + t.tn, t.tp + t.tn + t.fp + t.fn),
    f1: ratio(2 * t.tp, 2 * t.tp + t.fp + t.fn),
  };
}
