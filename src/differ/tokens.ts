/**
 * Lossless tokenizer for word diffs: concatenating the tokens of a text gives the text back exactly.
 *
 * A token is one of: a word (a run of letters, marks, digits and connector punctuation such as "_"), a
 * run of whitespace, or one other character (punctuation, symbols). Apostrophes and decimal points split
 * words ("don", "’", "t"; "3", ".", "5"), as in git's and jsdiff's word diffs: it keeps our word counts
 * comparable with theirs, and "Romney ’s" -> "Romney’s" is then a whitespace change, not two changed words. Runs of scripts written without spaces (Chinese, Japanese, Thai, ...) are cut into words by
 * `Intl.Segmenter` with word granularity. A token "is a word" when it contains a letter or a digit.
 *
 * The scanner uses a lazily filled per-code-unit class table instead of a Unicode regex per token: it is the
 * hot path of the differ and a table lookup is several times faster.
 */

const UNKNOWN = 0;
const LETTER = 1;
const DIGIT = 2;
const MARK = 3;
const SPACE = 4;
const NOSPACE = 5;
const OTHER = 6;

const RE_SPACE = /^\s$/u;
const RE_NOSPACE = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]$/u;
const RE_LETTER = /^\p{L}$/u;
const RE_DIGIT = /^\p{N}$/u;
const RE_MARK = /^\p{M}$/u;
const RE_CONNECTOR = /^\p{Pc}$/u;
const RE_WORDLIKE = /[\p{L}\p{N}]/u;

const table = new Uint8Array(0x10000);
const astral = new Map<number, number>();

function classify(ch: string): number {
  if (RE_SPACE.test(ch)) return SPACE;
  // Soft hyphens and connector punctuation ("_") continue a word without making one.
  if (ch === '\u00ad' || RE_CONNECTOR.test(ch)) return MARK;
  if (RE_NOSPACE.test(ch)) return NOSPACE;
  if (RE_LETTER.test(ch)) return LETTER;
  if (RE_DIGIT.test(ch)) return DIGIT;
  if (RE_MARK.test(ch)) return MARK;
  return OTHER;
}

/** Class of the BMP code unit `code` (lone surrogates are OTHER). */
function classOfUnit(code: number): number {
  let k = table[code] ?? UNKNOWN;
  if (k === UNKNOWN) {
    k = code >= 0xd800 && code <= 0xdfff ? OTHER : classify(String.fromCharCode(code));
    table[code] = k;
  }
  return k;
}

function classOfCodePoint(cp: number): number {
  let k = astral.get(cp);
  if (k === undefined) {
    k = classify(String.fromCodePoint(cp));
    astral.set(cp, k);
  }
  return k;
}

/** Class and width (1 or 2 code units) of the character at `i`, packed as class * 4 + width. */
function charAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return classOfCodePoint((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000) * 4 + 2;
  }
  return classOfUnit(c) * 4 + 1;
}

let wordSegmenter: Intl.Segmenter | undefined;

/** ASCII classes, filled eagerly: the common case never reaches the lazy table. */
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII[c] = classify(String.fromCharCode(c));

/**
 * Scans `text` into tokens. When `ends` is given, pushes the end offset of every token (negated minus one
 * for word tokens, so `-e - 1`); always returns the number of word tokens. One function for both uses keeps
 * the rules in one place; no callbacks keep it fast.
 */
function scan(text: string, ends: number[] | null): number {
  const n = text.length;
  let words = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    const c0 = text.charCodeAt(i);
    let k: number;
    if (c0 < 128) {
      k = ASCII[c0] as number;
      i++;
    } else {
      const cw = charAt(text, i);
      k = cw >> 2;
      i += cw & 3;
    }
    if (k === SPACE) {
      while (i < n) {
        const c = text.charCodeAt(i);
        if ((c < 128 ? ASCII[c] : classOfUnit(c)) !== SPACE) break;
        i++;
      }
      ends?.push(i);
    } else if (k === LETTER || k === DIGIT || k === MARK) {
      let hasLetterOrDigit = k !== MARK;
      while (i < n) {
        const c = text.charCodeAt(i);
        let nk: number;
        let width = 1;
        if (c < 128) nk = ASCII[c] as number;
        else {
          const nw = charAt(text, i);
          nk = nw >> 2;
          width = nw & 3;
        }
        if (nk !== LETTER && nk !== DIGIT && nk !== MARK) break;
        if (nk !== MARK) hasLetterOrDigit = true;
        i += width;
      }
      if (hasLetterOrDigit) {
        words++;
        ends?.push(-i - 1);
      } else {
        ends?.push(i);
      }
    } else if (k === NOSPACE) {
      while (i < n) {
        const nw = charAt(text, i);
        if (nw >> 2 !== NOSPACE) break;
        i += nw & 3;
      }
      wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' });
      for (const seg of wordSegmenter.segment(text.slice(start, i))) {
        const end = start + seg.index + seg.segment.length;
        if (RE_WORDLIKE.test(seg.segment)) {
          words++;
          ends?.push(-end - 1);
        } else {
          ends?.push(end);
        }
      }
    } else {
      ends?.push(i);
    }
  }
  return words;
}

/** Kind of a token in FlaggedTokens. */
export const TOKEN_OTHER = 0;
export const TOKEN_WORD = 1;
export const TOKEN_SPACE = 2;

/** Tokens of a text with the kind of each (TOKEN_WORD, TOKEN_SPACE or TOKEN_OTHER). */
export interface FlaggedTokens {
  tokens: string[];
  kinds: Uint8Array;
}

/** The tokens of `text` with their kinds (saves re-testing each token). */
export function tokenizeFlagged(text: string): FlaggedTokens {
  const ends: number[] = [];
  scan(text, ends);
  const tokens = new Array<string>(ends.length);
  const kinds = new Uint8Array(ends.length);
  let start = 0;
  for (let t = 0; t < ends.length; t++) {
    const e = ends[t] as number;
    let end = e;
    if (e < 0) {
      end = -e - 1;
      kinds[t] = TOKEN_WORD;
    } else {
      const c = text.charCodeAt(start);
      if ((c < 128 ? ASCII[c] : classOfUnit(c)) === SPACE) kinds[t] = TOKEN_SPACE;
    }
    tokens[t] = text.slice(start, end);
    start = end;
  }
  return { tokens, kinds };
}

/** The tokens of `text`; `tokens.join('') === text` always holds. */
export function tokenize(text: string): string[] {
  return tokenizeFlagged(text).tokens;
}

/**
 * The number of word tokens in `text` (same count as `tokenize(text).filter(isWordToken).length`). A tight
 * state machine: it counts every unchanged paragraph of every diff, so it is the differ's hottest loop.
 * Text with scripts written without spaces goes through the full scanner (their words need Intl.Segmenter).
 */
export function countWords(text: string): number {
  let n = 0;
  // 0: outside a word run; 1: in a run of marks only so far; 2: in a run holding a letter or digit.
  let state = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    let k: number;
    if (c < 128) k = ASCII[c] as number;
    else if (c < 0xd800 || c > 0xdbff) {
      k = table[c] as number;
      if (k === UNKNOWN) k = classOfUnit(c);
    } else {
      const cw = charAt(text, i);
      k = cw >> 2;
      i += (cw & 3) - 1;
    }
    if (k === LETTER || k === DIGIT) {
      if (state !== 2) {
        n++;
        state = 2;
      }
    } else if (k === MARK) {
      if (state === 0) state = 1;
    } else if (k === NOSPACE) {
      return scan(text, null);
    } else {
      state = 0;
    }
  }
  return n;
}

/** Whether a token counts as a word: it contains a letter or a digit. */
export function isWordToken(token: string): boolean {
  return RE_WORDLIKE.test(token);
}
