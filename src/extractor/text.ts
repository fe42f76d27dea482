/** Text normalisation shared by every part of the extractor. */

// \s in JS covers U+00A0, U+2000..U+200A, U+3000 etc.; zero-width characters are not whitespace but are invisible noise.
const SPACES = /\s+/gu;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/gu;

const NON_ASCII = /[^\t\n\r\x20-\x7e]/;

/** `s` NFC-normalised, invisible characters removed, every whitespace run collapsed to one space, trimmed. */
export function normalizeText(s: string): string {
  // ASCII text is already NFC and holds no invisible characters; most of a page is ASCII, so skip the costly steps.
  const t = NON_ASCII.test(s) ? s.replace(INVISIBLE, '').normalize('NFC') : s;
  return t.replace(SPACES, ' ').trim();
}

// Ideographic scripts pack a word into one or two characters: weigh them like several Latin characters.
const DENSE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Length of `text` in Latin-character equivalents. */
export function effectiveLength(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  const dense = text.match(DENSE_SCRIPT)?.length ?? 0;
  return text.length + 2 * dense;
}

/** `s` normalised, or null when that leaves nothing. */
export function cleanOrNull(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = normalizeText(s);
  return t === '' ? null : t;
}

/** Lower-cased, punctuation-free form of `s`, used to compare strings that differ only in punctuation or case. */
export function looseKey(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
