/** Queries on the responses table: captured HTTP exchanges, bodies delta-encoded (delta.ts; older rows gzip). */
import { sha256Hex } from '../hash.js';
import { isEncoded, type PreparedBody } from '../body-codec.js';
import { stmt, type Db } from './db.js';
import { decode, deleteKeepingDependants, encodeNew, latestBase, withDictionary } from './delta.js';
import type { NewResponse, StoredResponse } from '../types.js';
import { bodyLink, toStoredResponse, type ResponseRecord } from '../rows.js';
import type { DeltaBase } from '../delta-codec.js';

/**
 * Stores a captured response and returns its id. The body is encoded here (a delta against the article's newest
 * body) unless `prepared` is its encoding from encodeBody (body-codec.ts) against bodyBase's answer; a gzip Buffer
 * (the stored form before delta storage) is no use any more and is ignored.
 */
export function insertResponse(db: Db, r: NewResponse, prepared?: PreparedBody): number {
  // A prepared delta whose base went meanwhile (re-extraction merged it away) is encoded again.
  const usable = isEncoded(prepared) && (prepared.baseId === null || stmt(db, 'SELECT 1 FROM responses WHERE id = ?').get(prepared.baseId) !== undefined);
  // A keyframe prepared off-thread is compressed again here with its site's shared dictionary (the pool has none).
  const e = usable ? withDictionary(db, 'body', prepared, r.body) : encodeNew(db, 'body', r.articleId, r.body);
  const info = stmt(db, `INSERT INTO responses (article_id, requested_url, url, fetched_at, status, status_text, http_version,
      headers, request_headers, body_gzip, body_length, body_sha256, body_codec, body_base_id, body_depth, body_dict_id, body_layout)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2)`).run(
    r.articleId, r.requestedUrl, r.url, r.fetchedAt, r.status, r.statusText, r.httpVersion,
    JSON.stringify(r.headers), JSON.stringify(r.requestHeaders), e.data, r.body.length, sha256Hex(r.body), e.codec, e.baseId, e.depth,
    e.dictId ?? null);
  return Number(info.lastInsertRowid);
}

/** The stored response with this id, body decoded, or null. */
export function getResponse(db: Db, id: number): StoredResponse | null {
  const r = stmt(db, 'SELECT * FROM responses WHERE id = ?').get(id) as ResponseRecord | undefined;
  return r ? toStoredResponse(r, decode(db, 'body', bodyLink(r))) : null;
}

/** The newest body of an article, decoded, to encode the article's next body against (null: none yet). */
export function bodyBase(db: Db, articleId: number): DeltaBase | null {
  return latestBase(db, 'body', articleId);
}

/** Deletes a stored response (the bodies encoded against it are re-encoded first). */
export function deleteResponse(db: Db, id: number): void {
  deleteKeepingDependants(db, 'body', id, () => stmt(db, 'DELETE FROM responses WHERE id = ?').run(id));
}
