/** Queries on the responses table (PostgreSQL): captured HTTP exchanges, bodies delta-encoded (delta.ts; older rows gzip). */
import { sha256Hex } from '../hash.js';
import { isEncoded, type PreparedBody } from '../body-codec.js';
import { row, run, type Db } from './db.js';
import { decode, deleteKeepingDependants, encodeNew, latestBase, withDictionary } from './delta.js';
import type { NewResponse, StoredResponse } from '../types.js';
import { bodyLink, toStoredResponse, type ResponseRecord } from '../rows.js';
import type { DeltaBase } from '../delta-codec.js';

/**
 * Stores a captured response and returns its id. The body is encoded here (a delta against the article's newest
 * body) unless `prepared` is its encoding from encodeBody (body-codec.ts) against bodyBase's answer; a gzip Buffer
 * (the stored form before delta storage) is no use any more and is ignored.
 */
export async function insertResponse(db: Db, r: NewResponse, prepared?: PreparedBody): Promise<number> {
  // A prepared delta whose base went meanwhile (re-extraction merged it away) is encoded again.
  const usable = isEncoded(prepared) && (prepared.baseId === null || (await row(db, 'SELECT 1 FROM responses WHERE id = $1', [prepared.baseId])) !== undefined);
  // A keyframe prepared off-thread is compressed again here with its site's shared dictionary (the pool has none).
  const e = usable ? await withDictionary(db, 'body', prepared, r.body) : await encodeNew(db, 'body', r.articleId, r.body);
  const x = await row<{ id: number }>(db, `INSERT INTO responses (article_id, requested_url, url, fetched_at, status, status_text,
      http_version, headers, request_headers, body_gzip, body_length, body_sha256, body_codec, body_base_id, body_depth, body_dict_id, body_layout)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 2) RETURNING id`, [
    r.articleId, r.requestedUrl, r.url, r.fetchedAt, r.status, r.statusText, r.httpVersion, JSON.stringify(r.headers),
    JSON.stringify(r.requestHeaders), e.data, r.body.length, sha256Hex(r.body), e.codec, e.baseId, e.depth, e.dictId ?? null,
  ]);
  if (!x) throw new Error(`store: response for ${r.url} vanished after insert`);
  return x.id;
}

/** The stored response with this id, body decoded, or null. */
export async function getResponse(db: Db, id: number): Promise<StoredResponse | null> {
  const r = await row<ResponseRecord>(db, 'SELECT * FROM responses WHERE id = $1', [id]);
  return r ? toStoredResponse(r, await decode(db, 'body', bodyLink(r))) : null;
}

/** The newest body of an article, decoded, to encode the article's next body against (null: none yet). */
export function bodyBase(db: Db, articleId: number): Promise<DeltaBase | null> {
  return latestBase(db, 'body', articleId);
}

/** Deletes a stored response (the bodies encoded against it are re-encoded first); run it in a transaction. */
export async function deleteResponse(db: Db, id: number): Promise<void> {
  await deleteKeepingDependants(db, 'body', id, async () => { await run(db, 'DELETE FROM responses WHERE id = $1', [id]); });
}
