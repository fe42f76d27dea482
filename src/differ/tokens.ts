/**
 * Lossless tokenizer for word diffs: concatenating the tokens of a text gives the text back exactly.
 *
 * A token is one of: a word (letters, marks and digits, with inner apostrophes as in "don’t" and inner
 * `.,:` between digits as in "3.5" or "1,000"), a run of whitespace, or one other character (punctuation,
 * symbols). Runs of scripts written without spaces (Chinese, Japanese, Thai, ...) are cut into words by
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
const RE_WORDLIKE = /[\p{L}\p{N}]/u;

const table = new Uint8Array(0x10000);
const astral = new Map<number, number>();

function classify(ch: string): number {
  if (RE_SPACE.test(ch)) return SPACE;
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

function isWordClass(k: number): boolean {
  return k === LETTER || k === DIGIT || k === MARK;
}

let wordSegmenter: Intl.Segmenter | undefined;

/** Sink for scanned tokens: [start, end) offsets and whether the token is a word. */
type TokenSink = (start: number, end: number, word: boolean) => void;

function scanNoSpaceRun(text: string, start: number, end: number, sink: TokenSink): void {
  wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' });
  for (const s of wordSegmenter.segment(text.slice(start, end))) {
    sink(start + s.index, start + s.index + s.segment.length, RE_WORDLIKE.test(s.segment));
  }
}

/** Calls `sink` for every token of `text`, in order, covering the text exactly. */
function scan(text: string, sink: TokenSink): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const cw = charAt(text, i);
    const k = cw >> 2;
    const start = i;
    i += cw & 3;
    if (k === SPACE) {
      while (i < n && classOfUnit(text.charCodeAt(i)) === SPACE) i++;
      sink(start, i, false);
    } else if (isWordClass(k)) {
      let hasLetterOrDigit = k !== MARK;
      let prevDigit = k === DIGIT;
      while (i < n) {
        const nw = charAt(text, i);
        const nk = nw >> 2;
        if (isWordClass(nk)) {
          if (nk !== MARK) hasLetterOrDigit = true;
          prevDigit = nk === DIGIT;
          i += nw & 3;
          continue;
        }
        if (i + 1 >= n) break;
        const c = text.charCodeAt(i);
        const after = charAt(text, i + 1) >> 2;
        const joinsWord = (c === 0x27 || c === 0x2019) && (after === LETTER || after === DIGIT);
        const joinsNumber = (c === 0x2e || c === 0x2c || c === 0x3a) && prevDigit && after === DIGIT;
        if (!joinsWord && !joinsNumber) break;
        i += 1;
      }
      sink(start, i, hasLetterOrDigit);
    } else if (k === NOSPACE) {
      while (i < n) {
        const nw = charAt(text, i);
        if (nw >> 2 !== NOSPACE) break;
        i += nw & 3;
      }
      scanNoSpaceRun(text, start, i, sink);
    } else {
      sink(start, i, false);
    }
  }
}

/** The tokens of `text`; `tokens.join('') === text` always holds. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  scan(text, (s, e) => {
    out.push(text.slice(s, e));
  });
  return out;
}

/** The number of word tokens in `text` (same count as `tokenize(text).filter(isWordToken).length`, without allocating tokens). */
export function countWords(text: string): number {
  let n = 0;
  scan(text, (_s, _e, word) => {
    if (word) n++;
  });
  return n;
}

/** Whether a token counts as a word: it contains a letter or a digit. */
export function isWordToken(token: string): boolean {
  return RE_WORDLIKE.test(token);
}
