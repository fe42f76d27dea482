/** What both backends share about delta storage besides the codec: compact's units of work and small helpers. */

/** Which rows `compact` converts: response bodies or version texts. */
export type CompactKind = 'body' | 'text';

/** The columns of delta storage per kind (fixed SQL fragments, no user input; migration 0014, postgres 0011). */
export const DELTA_COLUMNS = {
  body: { table: 'responses', codec: 'body_codec', data: 'body_gzip', base: 'body_base_id', depth: 'body_depth', legacy: 'gzip' },
  text: { table: 'versions', codec: 'text_codec', data: 'text_zstd', base: 'text_base_id', depth: 'text_depth', legacy: 'plain' },
} as const;

/**
 * Longest a `compact` batch goes on converting rows (it stops after the row that crosses it), so that its transaction
 * never holds SQLite's write lock near the 5 s other processes wait for it, however slow the machine.
 */
export const COMPACT_BATCH_MS = 400;

/** What one batch of `compact` did. */
export interface CompactStep {
  /** Rows converted. */
  rows: number;
  /** Their stored bytes before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

/** Stored bytes of the bodies (responses) and the texts (versions), whatever their codec. */
export interface StoredBytes {
  bodies: number;
  texts: number;
}

/** Rows still in a pre-delta form. */
export interface LegacyCounts {
  bodies: number;
  texts: number;
}

/** The length of `s` in Unicode code points, as SQLite's and PostgreSQL's length() count a text. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
