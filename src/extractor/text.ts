/** Text normalisation shared by every part of the extractor. */

// \s in JS covers U+00A0, U+2000..U+200A, U+3000 etc.; zero-width characters are not whitespace but are invisible noise.
const SPACES = /\s+/gu;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/gu;

/** `s` NFC-normalised, invisible characters removed, every whitespace run collapsed to one space, trimmed. */
export function normalizeText(s: string): string {
  return s.replace(INVISIBLE, '').normalize('NFC').replace(SPACES, ' ').trim();
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

/** Number of word tokens in `s` (Unicode letters and digits). */
export function wordCount(s: string): number {
  return s.match(/[\p{L}\p{N}_]+/gu)?.length ?? 0;
}
