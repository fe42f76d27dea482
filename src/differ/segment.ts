/**
 * Sentence boundaries, as `Intl.Segmenter` (sentence granularity, Unicode UAX #29) finds them.
 *
 * Calling the segmenter costs about as much as the rest of the differ on a typical paragraph, so text made
 * only of characters whose sentence-break class is known here (ASCII, Latin-1 and Latin Extended-A letters,
 * curly quotes, en and em dashes, no-break space) is segmented by a direct implementation of the UAX #29
 * rules SB3-SB11; anything else goes to Intl.Segmenter. Tests check both give the same boundaries.
 */

const UNSUPPORTED = 0;
const CR = 1;
const LF = 2;
const SEP = 3;
const SP = 4;
const LOWER = 5;
const UPPER = 6;
const NUMERIC = 7;
const ATERM = 8;
const STERM = 9;
const CLOSE = 10;
const SCONTINUE = 11;
const OTHER = 12;

const LIMIT = 0x180;
const table = new Uint8Array(LIMIT);
(() => {
  for (let c = 0; c < LIMIT; c++) {
    const ch = String.fromCharCode(c);
    let k = UNSUPPORTED;
    if (c === 0x0d) k = CR;
    else if (c === 0x0a) k = LF;
    else if (c === 0x85) k = SEP;
    else if (c === 0x09 || c === 0x0b || c === 0x0c || c === 0x20 || c === 0xa0) k = SP;
    else if (c >= 0x30 && c <= 0x39) k = NUMERIC;
    else if (c === 0x2e) k = ATERM;
    else if (c === 0x21 || c === 0x3f) k = STERM;
    else if ('"\'()[]{}«»'.includes(ch)) k = CLOSE;
    else if (',-:;'.includes(ch)) k = SCONTINUE;
    else if (/[A-Za-z]/.test(ch) || c >= 0xc0 || c === 0xaa || c === 0xb5 || c === 0xba) {
      if (/\p{Lowercase}/u.test(ch)) k = LOWER;
      else if (/\p{Uppercase}/u.test(ch)) k = UPPER;
    } else if (c < 0x80) k = OTHER;
    table[c] = k;
  }
})();

function classOf(c: number): number {
  if (c < LIMIT) return table[c] as number;
  if (c >= 0x2018 && c <= 0x201f) return CLOSE;
  if (c === 0x2013 || c === 0x2014) return SCONTINUE;
  return UNSUPPORTED;
}

const isSATerm = (k: number): boolean => k === ATERM || k === STERM;
const isParaSep = (k: number): boolean => k === SEP || k === CR || k === LF;

/** Matches a character whose class is not known here (the text then goes to Intl.Segmenter): a native scan. */
const UNSUPPORTED_CHAR = (() => {
  const known: number[] = [];
  for (let c = 0; c < LIMIT; c++) if (table[c] !== UNSUPPORTED) known.push(c);
  known.push(0x2013, 0x2014);
  for (let c = 0x2018; c <= 0x201f; c++) known.push(c);
  let set = '';
  const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;
  for (let k = 0; k < known.length; ) {
    let e = k;
    while (e + 1 < known.length && known[e + 1] === (known[e] as number) + 1) e++;
    set += e > k ? `${hex(known[k] as number)}-${hex(known[e] as number)}` : hex(known[k] as number);
    k = e + 1;
  }
  return new RegExp(`[^${set}]`);
})();

/** The characters a sentence can end at: SATerm (. ! ?) and ParaSep (CR, LF, NEL). */
const TERMINATOR = /[.!?\r\n\u0085]/g;

/** Class of the (supported) character at `i`. */
function classAt(text: string, i: number): number {
  return classOf(text.charCodeAt(i));
}

/**
 * Break positions (offsets where a new sentence starts, excluding 0 and the end), or null when `text` needs
 * Intl.Segmenter. Breaks only happen at terminators, so the rules are applied at those alone, found by a
 * native regex search; the characters between them are never looked at one by one.
 */
function fastBreaks(text: string, ascii: boolean): number[] | null {
  if (!ascii && UNSUPPORTED_CHAR.test(text)) return null;
  const n = text.length;
  const breaks: number[] = [];
  let i = 0;
  while (i < n) {
    TERMINATOR.lastIndex = i;
    const m = TERMINATOR.exec(text);
    if (m === null) break;
    i = m.index;
    const k = classAt(text, i);
    if (isParaSep(k)) {
      // SB3: CR x LF; SB4: break after a paragraph separator.
      const end = k === CR && i + 1 < n && classAt(text, i + 1) === LF ? i + 2 : i + 1;
      if (end < n) breaks.push(end);
      i = end;
      continue;
    }
    // SB6: ATerm x Numeric; SB7: (Upper|Lower) ATerm x Upper.
    const next = i + 1 < n ? classAt(text, i + 1) : -1;
    if (k === ATERM && (next === NUMERIC || (next === UPPER && i > 0 && (classAt(text, i - 1) === UPPER || classAt(text, i - 1) === LOWER)))) {
      i++;
      continue;
    }
    // SB9, SB10: no break inside SATerm Close* Sp*.
    let p = i + 1;
    while (p < n && classAt(text, p) === CLOSE) p++;
    while (p < n && classAt(text, p) === SP) p++;
    if (p >= n) break;
    const after = classAt(text, p);
    // SB8a: SATerm Close* Sp* x (SContinue | SATerm).
    if (after === SCONTINUE || isSATerm(after)) {
      i = p;
      continue;
    }
    // SB8: ATerm Close* Sp* x (not OLetter/Upper/Lower/ParaSep/SATerm)* Lower.
    if (k === ATERM) {
      let q = p;
      while (q < n) {
        const c = classAt(text, q);
        if (c === UPPER || c === LOWER || isParaSep(c) || isSATerm(c)) break;
        q++;
      }
      if (q < n && classAt(text, q) === LOWER) {
        i = p;
        continue;
      }
    }
    // SB11: break after SATerm Close* Sp* ParaSep?.
    if (isParaSep(after)) {
      const end = after === CR && p + 1 < n && classAt(text, p + 1) === LF ? p + 2 : p + 1;
      if (end < n) breaks.push(end);
      i = end;
      continue;
    }
    breaks.push(p);
    i = p;
  }
  return breaks;
}

let segmenter: Intl.Segmenter | undefined;

/**
 * Sentence ranges [start, end) of `text`, each trimmed of surrounding whitespace; empty sentences are left out.
 * `ascii` says the caller knows the text is all ASCII (every character of which is supported here).
 */
export function sentenceRanges(text: string, ascii = false): Array<[number, number]> {
  let bounds = fastBreaks(text, ascii);
  if (bounds === null) {
    segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
    bounds = [];
    for (const seg of segmenter.segment(text)) if (seg.index > 0) bounds.push(seg.index);
  }
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let k = 0; k <= bounds.length; k++) {
    const end = k < bounds.length ? (bounds[k] as number) : text.length;
    let s = start;
    let e = end;
    while (s < e && isWhite(text.charCodeAt(s))) s++;
    while (e > s && isWhite(text.charCodeAt(e - 1))) e--;
    if (e > s) out.push([s, e]);
    start = end;
  }
  return out;
}

/** Sentence boundaries straight from Intl.Segmenter (for tests comparing the fast path with it). */
export function intlSentenceRanges(text: string): Array<[number, number]> {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  const out: Array<[number, number]> = [];
  for (const seg of segmenter.segment(text)) {
    let s = seg.index;
    let e = seg.index + seg.segment.length;
    while (s < e && isWhite(text.charCodeAt(s))) s++;
    while (e > s && isWhite(text.charCodeAt(e - 1))) e--;
    if (e > s) out.push([s, e]);
  }
  return out;
}

/** Whitespace as String.prototype.trim sees it. */
function isWhite(c: number): boolean {
  return (
    c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
