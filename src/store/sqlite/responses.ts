/** Queries on the responses table: captured HTTP exchanges, bodies kept gzip-compressed. */
import { sha256Hex } from '../hash.js';
import { compressBodySync } from '../body-codec.js';
import { stmt, type Db } from './db.js';
import type { NewResponse, StoredResponse } from '../types.js';
import { toStoredResponse, type ResponseRecord } from '../rows.js';

/**
 * Stores a captured response and returns its id. The body is compressed here unless `bodyGzip` (compressBody or
 * compressBodySync of the same body, from body-codec.ts) is given.
 */
export function insertResponse(db: Db, r: NewResponse, bodyGzip?: Buffer): number {
  const info = stmt(db, `INSERT INTO responses (article_id, requested_url, url, fetched_at, status, status_text, http_version,
      headers, request_headers, body_gzip, body_length, body_sha256)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    r.articleId, r.requestedUrl, r.url, r.fetchedAt, r.status, r.statusText, r.httpVersion,
    JSON.stringify(r.headers), JSON.stringify(r.requestHeaders), bodyGzip ?? compressBodySync(r.body), r.body.length, sha256Hex(r.body));
  return Number(info.lastInsertRowid);
}

/** The stored response with this id, body decompressed, or null. */
export function getResponse(db: Db, id: number): StoredResponse | null {
  const r = stmt(db, 'SELECT * FROM responses WHERE id = ?').get(id) as ResponseRecord | undefined;
  return r ? toStoredResponse(r) : null;
}

/** Deletes a stored response. */
export function deleteResponse(db: Db, id: number): void {
  stmt(db, 'DELETE FROM responses WHERE id = ?').run(id);
}
