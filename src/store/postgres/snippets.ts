/**
 * Turning ts_headline's output into the titles and snippets SQLite's FTS5 gives: the original characters put back,
 * "…" where a passage is cut, and the words of a phrase marked as one span.
 */
import { SNIPPET_CLOSE as CLOSE, SNIPPET_OPEN as OPEN, type Highlighted, type SearchTerms } from '../search-terms.js';

/**
 * `marked` (the text as the search reads it, with marks) with the characters of `original` put back in place of
 * the mapped ones; `marked` as it is when the lengths disagree (a text holding the marks themselves, say).
 */
export function restore(marked: string, original: string | null): string {
  if (original === null) return marked;
  const orig = Array.from(original);
  const chars = Array.from(marked);
  if (chars.filter((c) => c !== OPEN && c !== CLOSE).length !== orig.length) return marked;
  let i = 0;
  return chars.map((c) => (c === OPEN || c === CLOSE ? c : orig[i++])).join('');
}

/** A passage like FTS5's snippet: trimmed, with "…" on each side where it does not reach the text's start or end. */
export function passage(marked: string, atStart: boolean, atEnd: boolean): string {
  const body = marked.trim();
  if (body === '') return '';
  return `${atStart ? '' : '…'}${body}${atEnd ? '' : '…'}`;
}

const NON_WORD = /[^\p{L}\p{N}]+/u;

/** A word as the index compares it, near enough: lowercased, accents dropped (unaccent and simple, in the database). */
function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The phrases of a query (terms of two words or more), as folded words; the last one a prefix when the term is. */
function phrasesOf(terms: SearchTerms): Array<{ words: string[]; prefix: boolean }> {
  return terms.groups.flat()
    .map((t) => ({ words: t.text.split(NON_WORD).filter(Boolean).map(fold), prefix: t.prefix }))
    .filter((p) => p.words.length > 1);
}

/**
 * Joins the marks of consecutive words that make up one of the query's phrases into one mark, as FTS5 marks a
 * phrase; ts_headline marks each word of it. Words marked on their own (separate terms) stay separate.
 */
export function joinPhrases(h: Highlighted, terms: SearchTerms): Highlighted {
  const phrases = phrasesOf(terms);
  if (phrases.length === 0 || h.highlights.length < 2) return h;
  const words = h.highlights.map(([s, e]) => fold(h.text.slice(s, e)));
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < h.highlights.length) {
    const len = phrases.map((p) => matchAt(p, i)).find((n) => n > 0) ?? 1;
    out.push([h.highlights[i]![0], h.highlights[i + len - 1]![1]]);
    i += len;
  }
  return { text: h.text, highlights: out };

  /** How many marks from `i` on spell phrase `p` with nothing but spaces and punctuation between them, or 0. */
  function matchAt(p: { words: string[]; prefix: boolean }, start: number): number {
    if (start + p.words.length > words.length) return 0;
    for (let k = 0; k < p.words.length; k++) {
      const w = words[start + k]!;
      const last = k === p.words.length - 1;
      if (!(w === p.words[k] || (last && p.prefix && w.startsWith(p.words[k]!)))) return 0;
      if (k > 0) {
        const gap = h.text.slice(h.highlights[start + k - 1]![1], h.highlights[start + k]![0]);
        if (/[\p{L}\p{N}]/u.test(gap)) return 0;
      }
    }
    return p.words.length;
  }
}
