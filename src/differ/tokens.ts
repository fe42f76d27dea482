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

/** For ASCII: 0 when the character ends a word run, RUN_MARK for marks, RUN_LETTER_OR_DIGIT for letters and digits. */
const RUN = new Uint8Array(128);
const RUN_MARK = 1;
const RUN_LETTER_OR_DIGIT = 2;
for (let c = 0; c < 128; c++) {
  const k = ASCII[c] as number;
  RUN[c] = k === LETTER || k === DIGIT ? RUN_LETTER_OR_DIGIT : k === MARK ? RUN_MARK : 0;
}

/** Kind of a token in FlaggedTokens: punctuation or symbol. */
export const TOKEN_OTHER = 0;
/** Kind of a token in FlaggedTokens: a word (holds a letter or digit). */
export const TOKEN_WORD = 1;
/** Kind of a token in FlaggedTokens: a run of whitespace. */
export const TOKEN_SPACE = 2;

/** FNV-1a offset basis and prime: the token hash is FNV-1a over the UTF-16 code units of the token. */
export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 0x01000193;

/**
 * What {@link scan} records, reused from call to call (the differ is synchronous and reads them before the next
 * scan): the text as UTF-8 bytes, and for every token its end offset in the text and in the bytes, its kind
 * (TOKEN_*) and its hash (FNV-1a of its UTF-16 code units, so the interner need not read the token again). A
 * token holds at least one code unit, so `text.length` entries are enough.
 */
let scanBytes = new Uint8Array(4096);
let endsBuf = new Int32Array(1024);
let byteEndsBuf = new Int32Array(1024);
let kindsBuf = new Uint8Array(1024);
let hashesBuf = new Int32Array(1024);

/** Set by {@link scan}: the index in `stops` where it stopped (-1: it scanned to the end), and whether Intl.Segmenter cut some run. */
let scanStop = -1;
let segmented = false;
let scanAscii = false;

/** Outputs of {@link decode}: the character's class, UTF-8 length, and UTF-16 code units (second one 0 unless a pair). */
let dClass = 0;
let dBytes = 0;
let dUnit1 = 0;
let dUnit2 = 0;

/**
 * Decodes the non-ASCII character whose UTF-8 sequence starts at byte `i` of `b` (well formed: the engine
 * wrote it) and sits at code unit `u` of `text`. A lone surrogate was written as U+FFFD: its own code unit is
 * read back from the text (it is OTHER, like U+FFFD).
 */
function decode(b: Uint8Array, i: number, text: string, u: number): void {
  const x = b[i] as number;
  let cp: number;
  if (x < 0xe0) {
    cp = ((x & 0x1f) << 6) | ((b[i + 1] as number) & 0x3f);
    dBytes = 2;
  } else if (x < 0xf0) {
    cp = ((x & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6) | ((b[i + 2] as number) & 0x3f);
    dBytes = 3;
    if (cp === 0xfffd) cp = text.charCodeAt(u);
  } else {
    cp = ((x & 0x07) << 18) | (((b[i + 1] as number) & 0x3f) << 12) | (((b[i + 2] as number) & 0x3f) << 6) | ((b[i + 3] as number) & 0x3f);
    dBytes = 4;
  }
  if (cp < 0x10000) {
    const k = table[cp] as number;
    dClass = k === UNKNOWN ? classOfUnit(cp) : k;
    dUnit1 = cp;
    dUnit2 = 0;
  } else {
    dClass = classOfCodePoint(cp);
    dUnit1 = 0xd800 + ((cp - 0x10000) >> 10);
    dUnit2 = 0xdc00 + ((cp - 0x10000) & 0x3ff);
  }
}

/**
 * Scans `text` into tokens. When `record` is set, writes every token's ends, kind and hash to the buffers and
 * returns the number of tokens; otherwise returns the number of word tokens. One function for both uses keeps
 * the rules in one place; no callbacks keep it fast. The text is read as UTF-8 bytes (encoded natively by the
 * engine): reading a byte array is several times faster than `charCodeAt`.
 */
function scan(text: string, record: boolean, from = 0, stops: Int32Array | null = null): number {
  const n = text.length;
  scanStop = -1;
  segmented = false;
  if (scanBytes.length < 3 * n) scanBytes = new Uint8Array(Math.max(3 * n, 2 * scanBytes.length));
  if (record && endsBuf.length < n) {
    endsBuf = new Int32Array(Math.max(n, 2 * endsBuf.length));
    byteEndsBuf = new Int32Array(endsBuf.length);
    kindsBuf = new Uint8Array(endsBuf.length);
    hashesBuf = new Int32Array(endsBuf.length);
  }
  const b = scanBytes;
  // Every UTF-16 code unit takes at most 3 bytes, so the whole text fits.
  const written = encoder.encodeInto(from === 0 ? text : text.slice(from), b).written;
  // One byte per code unit: every character is ASCII.
  scanAscii = written === n - from;
  const ends = endsBuf;
  const byteEnds = byteEndsBuf;
  const kinds = kindsBuf;
  const hashes = hashesBuf;
  let count = 0;
  let words = 0;
  // i: byte offset; the code unit offset in the text is i + adj (adj changes only at non-ASCII characters).
  let i = 0;
  let adj = from;
  let nextStop = 0;
  while (i < written) {
    if (stops !== null && count > 0) {
      // Stop at the first token end that is in `stops` (sorted).
      const u = i + adj;
      while (nextStop < stops.length && (stops[nextStop] as number) < u) nextStop++;
      if (nextStop < stops.length && stops[nextStop] === u) {
        scanStop = nextStop;
        return count;
      }
    }
    const start = i + adj;
    const x = b[i] as number;
    let h: number;
    let k: number;
    if (x < 0x80) {
      k = ASCII[x] as number;
      h = Math.imul(HASH_SEED ^ x, HASH_PRIME);
      i++;
    } else {
      decode(b, i, text, i + adj);
      k = dClass;
      h = Math.imul(HASH_SEED ^ dUnit1, HASH_PRIME);
      if (dUnit2 !== 0) {
        h = Math.imul(h ^ dUnit2, HASH_PRIME);
        adj++;
      }
      i += dBytes;
      adj += 1 - dBytes;
    }
    if (k === SPACE) {
      while (i < written) {
        const y = b[i] as number;
        if (y < 0x80) {
          if (y !== 0x20 && ASCII[y] !== SPACE) break;
          h = Math.imul(h ^ y, HASH_PRIME);
          i++;
        } else {
          decode(b, i, text, i + adj);
          if (dClass !== SPACE) break;
          h = Math.imul(h ^ dUnit1, HASH_PRIME);
          i += dBytes;
          adj += 1 - dBytes;
        }
      }
      if (record) {
        ends[count] = i + adj;
        byteEnds[count] = i;
        kinds[count] = TOKEN_SPACE;
        hashes[count++] = h;
      }
    } else if (k === LETTER || k === DIGIT || k === MARK) {
      // RUN_LETTER_OR_DIGIT (2) once a letter or digit was seen.
      let seen = k !== MARK ? RUN_LETTER_OR_DIGIT : 0;
      while (i < written) {
        const y = b[i] as number;
        if (y < 0x80) {
          const r = RUN[y] as number;
          if (r === 0) break;
          seen |= r;
          h = Math.imul(h ^ y, HASH_PRIME);
          i++;
        } else {
          decode(b, i, text, i + adj);
          const nk = dClass;
          if (nk !== LETTER && nk !== DIGIT && nk !== MARK) break;
          if (nk !== MARK) seen = RUN_LETTER_OR_DIGIT;
          h = Math.imul(h ^ dUnit1, HASH_PRIME);
          if (dUnit2 !== 0) {
            h = Math.imul(h ^ dUnit2, HASH_PRIME);
            adj++;
          }
          i += dBytes;
          adj += 1 - dBytes;
        }
      }
      const hasLetterOrDigit = (seen & RUN_LETTER_OR_DIGIT) !== 0;
      if (hasLetterOrDigit) words++;
      if (record) {
        ends[count] = i + adj;
        byteEnds[count] = i;
        kinds[count] = hasLetterOrDigit ? TOKEN_WORD : TOKEN_OTHER;
        hashes[count++] = h;
      }
    } else if (k === NOSPACE) {
      // A run of characters of scripts written without spaces, cut into words by Intl.Segmenter.
      segmented = true;
      let byteAt = i - dBytes;
      while (i < written && (b[i] as number) >= 0x80) {
        decode(b, i, text, i + adj);
        if (dClass !== NOSPACE) break;
        i += dBytes;
        adj += (dUnit2 !== 0 ? 2 : 1) - dBytes;
      }
      wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' });
      for (const seg of wordSegmenter.segment(text.slice(start, i + adj))) {
        const word = RE_WORDLIKE.test(seg.segment);
        if (word) words++;
        if (record) {
          const piece = seg.segment;
          let sh = HASH_SEED;
          for (let q = 0; q < piece.length; q++) {
            const c = piece.charCodeAt(q);
            sh = Math.imul(sh ^ c, HASH_PRIME);
            // UTF-8 length: 2 or 3 bytes per code unit here (these scripts are all above U+0800 or are pairs).
            byteAt += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
          }
          ends[count] = start + seg.index + piece.length;
          byteEnds[count] = byteAt;
          kinds[count] = word ? TOKEN_WORD : TOKEN_OTHER;
          hashes[count++] = sh;
        }
      }
    } else if (record) {
      ends[count] = i + adj;
      byteEnds[count] = i;
      kinds[count] = TOKEN_OTHER;
      hashes[count++] = h;
    }
  }
  return record ? count : words;
}

/** Tokens of a text with the kind of each (TOKEN_WORD, TOKEN_SPACE or TOKEN_OTHER). */
export interface FlaggedTokens {
  tokens: string[];
  kinds: Uint8Array;
}

/** The tokens of `text` with their kinds (saves re-testing each token). */
export function tokenizeFlagged(text: string): FlaggedTokens {
  const count = scan(text, true);
  const tokens = new Array<string>(count);
  const kinds = kindsBuf.slice(0, count);
  let start = 0;
  for (let t = 0; t < count; t++) {
    const end = endsBuf[t] as number;
    tokens[t] = text.slice(start, end);
    start = end;
  }
  return { tokens, kinds };
}

/** The tokens of a text as {@link scanTokens} leaves them: valid until the next scan. */
export interface ScannedTokens {
  count: number;
  /** End offset of every token in the text (it starts where the previous one ends). */
  ends: Int32Array;
  /** The text as UTF-8 bytes, and the end offset of every token in them. */
  bytes: Uint8Array;
  byteEnds: Int32Array;
  /** TOKEN_* kind of every token. */
  kinds: Uint8Array;
  /** FNV-1a hash (HASH_SEED, HASH_PRIME) of the UTF-16 code units of every token. */
  hashes: Int32Array;
  /** Index in `stops` where the scan stopped, or -1 when it went to the end of the text. */
  stop: number;
  /** Whether a run of a script written without spaces was cut by Intl.Segmenter (its cuts depend on the whole run). */
  segmented: boolean;
  /** Whether the text from `from` on is all ASCII. */
  ascii: boolean;
}

/**
 * Token boundaries, kinds and hashes of `text`, without creating the token strings (in buffers reused by the
 * next call). With `from`, scanning starts at that offset (which must be a token boundary); with `stops` (sorted
 * offsets), it stops before the first token that would start at one of them, once at least one token is scanned.
 */
export function scanTokens(text: string, from = 0, stops: Int32Array | null = null): ScannedTokens {
  const count = scan(text, true, from, stops);
  return { count, ends: endsBuf, bytes: scanBytes, byteEnds: byteEndsBuf, kinds: kindsBuf, hashes: hashesBuf, stop: scanStop, segmented, ascii: scanAscii };
}

/** Writes `text` as UTF-8 to the start of a reused buffer (valid until the next scan) and returns it with the byte count. */
export function utf8Of(text: string): { bytes: Uint8Array; length: number } {
  if (scanBytes.length < 3 * text.length) scanBytes = new Uint8Array(Math.max(3 * text.length, 2 * scanBytes.length));
  return { bytes: scanBytes, length: encoder.encodeInto(text, scanBytes).written };
}

/** The tokens of `text`; `tokens.join('') === text` always holds. */
export function tokenize(text: string): string[] {
  return tokenizeFlagged(text).tokens;
}

/**
 * The number of word tokens in `text` (same count as `tokenize(text).filter(isWordToken).length`). It counts
 * every unchanged paragraph of every diff, so it is the differ's hottest loop: longer texts are first encoded
 * to UTF-8 by the engine (native code), then read two bytes at a time through a table that says, for each
 * pair of ASCII bytes, how many words start in it and whether it ends inside a word. Other bytes (non-ASCII
 * characters, connectors such as "_") go through the character-by-character state machine. Text with scripts
 * written without spaces goes through the full scanner (their words need Intl.Segmenter).
 */
export function countWords(text: string): number {
  const len = text.length;
  if (len < ENCODE_MIN) return countWordsUtf16(text);
  if (utf8.length < 3 * len) {
    // A multiple of 4 bytes, so that the 16- and 32-bit views cover every byte.
    utf8 = new Uint8Array(4 * Math.ceil(Math.max(3 * len, 2 * utf8.length) / 4));
    utf8Pairs = new Uint16Array(utf8.buffer);
    utf8Quads = new Uint32Array(utf8.buffer);
  }
  const b = utf8;
  const pairs = utf8Pairs;
  const quads = utf8Quads;
  // Every UTF-16 code unit takes at most 3 bytes, so the whole text fits.
  const written = encoder.encodeInto(text, b).written;
  let n = 0;
  // 0: outside a word run; 1: in a run of marks only so far; 2: in a run holding a letter or digit.
  let state = 0;
  let i = 0;
  while (i < written) {
    if ((i & 1) === 0) {
      // Pairs of bytes through the table. They hold no marks, so a run of marks only (state 1) counts as
      // outside a word; `shift` picks the count for "inside a word" (2) or not (0).
      const from = i;
      let shift = state === 2 ? 2 : 0;
      for (;;) {
        if ((i & 3) === 0) {
          // Four bytes (two pairs) at a time while aligned.
          while (i + 3 < written) {
            const v = quads[i >> 2] as number;
            const t1 = PAIR[LITTLE_ENDIAN ? v & 0xffff : v >>> 16] as number;
            const t2 = PAIR[LITTLE_ENDIAN ? v >>> 16 : v & 0xffff] as number;
            if (((t1 | t2) & PAIR_SPECIAL) !== 0) break;
            n += (t1 >> shift) & 3;
            shift = (t1 & PAIR_ENDS_IN_WORD) >> 3;
            n += (t2 >> shift) & 3;
            shift = (t2 & PAIR_ENDS_IN_WORD) >> 3;
            i += 4;
          }
        }
        if (i + 1 >= written) break;
        const t = PAIR[pairs[i >> 1] as number] as number;
        if ((t & PAIR_SPECIAL) !== 0) break;
        n += (t >> shift) & 3;
        shift = (t & PAIR_ENDS_IN_WORD) >> 3;
        i += 2;
      }
      if (i !== from) state = shift === 2 ? 2 : 0;
      if (i >= written) break;
    }
    // One character the slow way.
    const x = b[i] as number;
    let k: number;
    if (x < 0x80) {
      k = ASCII[x] as number;
      i++;
    } else {
      // A UTF-8 sequence (well formed: the engine wrote it; lone surrogates became U+FFFD, which, like them, is OTHER).
      let cp: number;
      if (x < 0xe0) {
        cp = ((x & 0x1f) << 6) | ((b[i + 1] as number) & 0x3f);
        i += 2;
      } else if (x < 0xf0) {
        cp = ((x & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6) | ((b[i + 2] as number) & 0x3f);
        i += 3;
      } else {
        cp = ((x & 0x07) << 18) | (((b[i + 1] as number) & 0x3f) << 12) | (((b[i + 2] as number) & 0x3f) << 6) | ((b[i + 3] as number) & 0x3f);
        i += 4;
      }
      if (cp < 0x10000) {
        k = table[cp] as number;
        if (k === UNKNOWN) k = classOfUnit(cp);
      } else {
        k = classOfCodePoint(cp);
      }
    }
    if (k === LETTER || k === DIGIT) {
      if (state !== 2) {
        n++;
        state = 2;
      }
    } else if (k === MARK) {
      if (state === 0) state = 1;
    } else if (k === NOSPACE) {
      return scan(text, false);
    } else {
      state = 0;
    }
  }
  return n;
}

/** Below this length {@link countWords} reads the string directly (encoding it would cost more than it saves). */
const ENCODE_MIN = 48;
const encoder = new TextEncoder();
let utf8 = new Uint8Array(4096);
let utf8Pairs = new Uint16Array(utf8.buffer);
let utf8Quads = new Uint32Array(utf8.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * For each 16-bit value read from the UTF-8 bytes (two bytes, in the platform's byte order): bits 0-1 the
 * words starting in the pair when the byte before it is outside a word, bits 2-3 the same when it is inside
 * one, PAIR_ENDS_IN_WORD when the second byte is a letter or digit, PAIR_SPECIAL when either byte is not ASCII
 * or is a mark (those need the state machine).
 */
const PAIR = new Uint8Array(0x10000);
/** 16: shifted right by 3 it is the shift (2) that picks the "inside a word" count. */
const PAIR_ENDS_IN_WORD = 16;
const PAIR_SPECIAL = 32;
(() => {
  const littleEndian = LITTLE_ENDIAN;
  const wordByte = (x: number): boolean => x < 0x80 && (ASCII[x] === LETTER || ASCII[x] === DIGIT);
  for (let v = 0; v < 0x10000; v++) {
    const first = littleEndian ? v & 0xff : v >> 8;
    const second = littleEndian ? v >> 8 : v & 0xff;
    if (first >= 0x80 || second >= 0x80 || ASCII[first] === MARK || ASCII[second] === MARK) {
      PAIR[v] = PAIR_SPECIAL;
      continue;
    }
    const w1 = wordByte(first) ? 1 : 0;
    const w2 = wordByte(second) ? 1 : 0;
    const startsInSecond = w2 === 1 && w1 === 0 ? 1 : 0;
    PAIR[v] = (w1 + startsInSecond) | (startsInSecond << 2) | (w2 ? PAIR_ENDS_IN_WORD : 0);
  }
})();

/** {@link countWords} reading the UTF-16 code units directly. */
function countWordsUtf16(text: string): number {
  let n = 0;
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
      return scan(text, false);
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
