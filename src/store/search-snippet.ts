/**
 * Snippets and highlights of search hits, worked out in JavaScript from the texts the store reads back (through its
 * version-reading functions: the index holds no text, and the stored texts may be compressed). Words are cut and
 * compared as the indexes compare them: runs of letters, digits and marks, lowercased, accents dropped; a term's
 * words must follow each other (a phrase), the last one a prefix when the term is.
 */
import type { Highlighted, SearchTerm, SearchTerms } from './search-terms.js';

interface Token {
  start: number;
  end: number;
  word: string;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** A word as the indexes compare it: accents dropped, lowercased. */
export function foldWord(word: string): string {
  // Most words are printable ASCII (a word has no spaces or controls): nothing to decompose.
  return ASCII.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const ASCII = /^[ -~]*$/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = foldWord(m[0]);
    if (word !== '') out.push({ start: m.index, end: m.index + m[0].length, word });
  }
  return out;
}

const termWords = (t: SearchTerm): string[] => tokenize(t.text).map((k) => k.word);

/** The words of a term as typed (not folded), cut as the indexes cut them. */
export function termWordsAsTyped(t: SearchTerm): string[] {
  return t.text.match(WORD) ?? [];
}

/** Whether a query holds a phrase (a term of two words or more). */
export function hasPhrase(terms: SearchTerms): boolean {
  return terms.groups.some((g) => g.some((t) => termWordsAsTyped(t).length > 1));
}

/** Where a term matches among `tokens`: [first token, last token] index pairs. */
function termMatches(tokens: readonly Token[], t: SearchTerm): Array<[number, number]> {
  const words = termWords(t);
  const out: Array<[number, number]> = [];
  if (words.length === 0) return out;
  for (let i = 0; i + words.length <= tokens.length; i++) {
    let ok = true;
    for (let j = 0; j < words.length && ok; j++) {
      const w = tokens[i + j]!.word;
      const last = j === words.length - 1;
      ok = w === words[j] || (last && t.prefix && w.startsWith(words[j]!));
    }
    if (ok) out.push([i, i + words.length - 1]);
  }
  return out;
}

interface Match {
  group: number;
  first: number;
  last: number;
}

function allMatches(tokens: readonly Token[], terms: SearchTerms): Match[] {
  const out: Match[] = [];
  terms.groups.forEach((g, group) => {
    for (const t of g) for (const [first, last] of termMatches(tokens, t)) out.push({ group, first, last });
  });
  return out.sort((a, b) => a.first - b.first || b.last - a.last);
}

/** Whether `recent` ends with the words of a term (its last word a prefix when the term is). */
function endsWithTerm(recent: readonly string[], words: readonly string[], prefix: boolean): boolean {
  const k = recent.length - words.length;
  if (k < 0) return false;
  for (let j = 0; j < words.length; j++) {
    const w = recent[k + j]!;
    if (w !== words[j] && !(prefix && j === words.length - 1 && w.startsWith(words[j]!))) return false;
  }
  return true;
}

/**
 * Whether `title` and `text` together hold every group of the query (a word of each, or a phrase of each, within
 * one of the two). Words are read one by one and reading stops as soon as every group is met: a common word is
 * usually met in the first lines, so the latest version of a hit costs little however long it is.
 */
export function matchesAll(terms: SearchTerms, title: string, text: string): boolean {
  const groups = terms.groups.map((g) => g.map((t) => ({ words: termWords(t), prefix: t.prefix })).filter((t) => t.words.length > 0));
  const left = new Set(groups.keys());
  const longest = Math.max(1, ...groups.flat().map((t) => t.words.length));
  for (const part of [title, text]) {
    const recent: string[] = [];
    for (const m of part.matchAll(WORD)) {
      const word = foldWord(m[0]);
      if (word === '') continue;
      recent.push(word);
      if (recent.length > longest) recent.shift();
      for (const i of left) if (groups[i]!.some((t) => endsWithTerm(recent, t.words, t.prefix))) left.delete(i);
      if (left.size === 0) return true;
    }
  }
  return left.size === 0;
}

/** Highlight offsets of the matches lying in tokens [from, to], shifted by `shift`, overlapping ones merged. */
function highlightsIn(tokens: readonly Token[], matches: readonly Match[], from: number, to: number, base: number, shift: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of matches) {
    if (m.first < from || m.last > to) continue;
    const s = tokens[m.first]!.start - base + shift;
    const e = tokens[m.last]!.end - base + shift;
    const prev = out[out.length - 1];
    if (prev && s <= prev[1]) prev[1] = Math.max(prev[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The whole title with its matched words. */
export function highlightTitle(title: string, terms: SearchTerms): Highlighted {
  const tokens = tokenize(title);
  return { text: title, highlights: highlightsIn(tokens, allMatches(tokens, terms), 0, tokens.length, 0, 0) };
}

/** Matches kept when choosing a passage: enough for any real text, bounded for a text repeating a word. */
const MAX_MATCHES = 400;
/** Words shown before the first match of a passage. */
const LEAD = 3;

/**
 * A passage of `words` words of `text` around its matches: the window holding the most of the query's groups (then
 * the most matches, then the earliest), a few words before its first match, "…" where it cuts the text. A text
 * without a match gives its first words.
 */
export function buildSnippet(text: string, terms: SearchTerms, words: number): Highlighted {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { text: text.trim(), highlights: [] };
  const matches = allMatches(tokens, terms).slice(0, MAX_MATCHES);
  let best = { start: 0, groups: -1, count: -1 };
  // Windows start a few words before each match; the matches inside one are a run of the sorted list.
  let run = 0;
  for (const m of matches) {
    const start = Math.max(0, m.first - LEAD);
    while (run < matches.length && matches[run]!.first < start) run++;
    const groups = new Set<number>();
    let count = 0;
    for (let k = run; k < matches.length && matches[k]!.first < start + words; k++) {
      if (matches[k]!.last >= start + words) continue;
      groups.add(matches[k]!.group);
      count++;
    }
    if (groups.size > best.groups || (groups.size === best.groups && count > best.count)) best = { start, groups: groups.size, count };
    if (best.groups === terms.groups.length && best.count >= words) break;
  }
  const first = best.start;
  const last = Math.min(tokens.length - 1, first + words - 1);
  const atStart = first === 0;
  const atEnd = last === tokens.length - 1;
  const from = atStart ? 0 : tokens[first]!.start;
  const to = atEnd ? text.length : tokens[last]!.end;
  const body = text.slice(from, to);
  const lead = atStart ? body.length - body.trimStart().length : 0;
  const trimmed = body.trim();
  const prefix = atStart ? '' : '…';
  return {
    text: `${prefix}${trimmed}${atEnd ? '' : '…'}`,
    highlights: highlightsIn(tokens, matches, first, last, from + lead, prefix.length),
  };
}
