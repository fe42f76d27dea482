/** Queries on the responses table (PostgreSQL): captured HTTP exchanges, bodies kept gzip-compressed in bytea. */
import { sha256Hex } from '../hash.js';
import { compressBodySync } from '../body-codec.js';
import { row, run, type Db } from './db.js';
import type { NewResponse, StoredResponse } from '../types.js';
import { toStoredResponse, type ResponseRecord } from '../rows.js';

/**
 * Stores a captured response and returns its id. The body is compressed here unless `bodyGzip` (compressBody or
 * compressBodySync of the same body, from body-codec.ts) is given.
 */
export async function insertResponse(db: Db, r: NewResponse, bodyGzip?: Buffer): Promise<number> {
  const x = await row<{ id: number }>(db, `INSERT INTO responses (article_id, requested_url, url, fetched_at, status, status_text,
      http_version, headers, request_headers, body_gzip, body_length, body_sha256)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`, [
    r.articleId, r.requestedUrl, r.url, r.fetchedAt, r.status, r.statusText, r.httpVersion, JSON.stringify(r.headers),
    JSON.stringify(r.requestHeaders), bodyGzip ?? compressBodySync(r.body), r.body.length, sha256Hex(r.body),
  ]);
  if (!x) throw new Error(`store: response for ${r.url} vanished after insert`);
  return x.id;
}

/** The stored response with this id, body decompressed, or null. */
export async function getResponse(db: Db, id: number): Promise<StoredResponse | null> {
  const r = await row<ResponseRecord>(db, 'SELECT * FROM responses WHERE id = $1', [id]);
  return r ? toStoredResponse(r) : null;
}

/** Deletes a stored response. */
export async function deleteResponse(db: Db, id: number): Promise<void> {
  await run(db, 'DELETE FROM responses WHERE id = $1', [id]);
}
