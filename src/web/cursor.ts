/**
 * Opaque keyset cursors of the API's lists: `<kind>:<key>` in base64url, where the key is the sort key of the last
 * item of a page (an article id, a version id, a source slug). A cursor of another list, or garbage, is a 400.
 */
import { HttpError } from './errors.js';
import { parsePositiveInt } from './params.js';

/** What a cursor points into: articles (by id), search hits (by version id) or sources (by slug). */
export type CursorKind = 'a' | 'v' | 's';

/** Encodes the last key of a page as a cursor of `kind`. */
export function encodeKeyCursor(kind: CursorKind, key: number | string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

const INVALID = 'invalid cursor: use the next_cursor value of the previous page';

function decode(kind: CursorKind, cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw new HttpError(400, INVALID);
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith(`${kind}:`)) throw new HttpError(400, INVALID);
  return raw.slice(kind.length + 1);
}

/** The numeric key of a cursor of `kind` (article or version id); 400 for anything else. */
export function decodeIdCursor(kind: 'a' | 'v', cursor: string): number {
  const key = decode(kind, cursor);
  const id = /^[0-9]{1,10}$/.test(key) ? parsePositiveInt(key) : null;
  if (id === null) throw new HttpError(400, INVALID);
  return id;
}

/** The slug key of a sources cursor; 400 for anything else. */
export function decodeSlugCursor(cursor: string): string {
  const key = decode('s', cursor);
  if (!/^[a-z0-9-]{1,100}$/.test(key)) throw new HttpError(400, INVALID);
  return key;
}
