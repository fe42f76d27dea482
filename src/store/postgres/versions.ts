/** Queries on the versions table (PostgreSQL). */
import { row, rows, run, type Db } from './db.js';
import { lockArticle } from './articles.js';
import type { Change, ChangeQuery, NewVersion, Version, VersionContentUpdate, VersionSummary } from '../types.js';
import { textEncoded, textLink, toChange, toVersion, toVersionSummary, VERSION_SUMMARY_COLS, type ChangeRecord, type EncodedText, type VersionRecord } from '../rows.js';
import type { ChainLink } from '../delta-chain.js';
import { codePoints } from '../delta-store.js';
import { decode, deleteKeepingDependants, encodeNew, rewriteContent } from './delta.js';

// Named columns rather than *: a version row also holds its search vector, as large as its text.
const VERSION_COLS = `${VERSION_SUMMARY_COLS}, v.text, v.text_codec, v.text_zstd, v.text_base_id`;

/** The text columns of a new version ($-parameters in this order): the text delta-encoded against the article's newest. */
export async function encodedTextParams(db: Db, articleId: number, text: string): Promise<unknown[]> {
  const e = await encodeNew(db, 'text', articleId, Buffer.from(text, 'utf8'));
  return [e.data, e.baseId, e.depth, codePoints(text)];
}

/** A versions row with its text decoded; `inHand`: rows of the same read, to find bases in. */
export async function withText<R extends EncodedText>(db: Db, r: R, inHand?: ReadonlyMap<number, ChainLink>): Promise<R> {
  return textEncoded(r) ? { ...r, text: (await decode(db, 'text', textLink(r), inHand)).toString('utf8') } : r;
}

/** Rows of one read with their texts decoded, each finding its base among the others where it can. */
export async function withTexts<R extends EncodedText>(db: Db, rs: R[]): Promise<R[]> {
  const inHand = new Map(rs.map((r) => [r.id, textLink(r)]));
  const out: R[] = [];
  for (const r of rs) out.push(await withText(db, r, inHand));
  return out;
}

/**
 * Inserts the next version of an article (number = last + 1) and returns it; run it in a transaction. The
 * article's row is locked first: in READ COMMITTED, max(number) is read from the statement's snapshot, so without
 * the lock two writers could both compute the same number and one would fail on UNIQUE(article_id, number).
 */
export async function insertVersion(db: Db, v: NewVersion): Promise<Version> {
  await lockArticle(db, v.articleId);
  const r = await row<VersionRecord>(db, `INSERT INTO versions AS v (article_id, number, title, byline, published_at, text, content_hash,
      captured_at, response_id, extractor_version, words_added, words_removed, stats, metadata, change_kind, minor_reason,
      text_codec, text_zstd, text_base_id, text_depth, text_length)
    VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM versions WHERE article_id = $1), $2, $3, $4, '', $5, $6, $7, $8, $9, $10,
      $11, $12,
      coalesce($13, CASE WHEN EXISTS (SELECT 1 FROM versions WHERE article_id = $1) THEN 'substantive' ELSE 'initial' END), $14,
      'zstd', $15, $16, $17, $18)
    RETURNING ${VERSION_COLS}`, [
    v.articleId, v.title, v.byline, v.publishedAt, v.contentHash, v.capturedAt, v.responseId, v.extractorVersion,
    v.wordsAdded, v.wordsRemoved, v.stats ? JSON.stringify(v.stats) : null, JSON.stringify(v.metadata), v.changeKind ?? null,
    v.minorReason ?? null, ...await encodedTextParams(db, v.articleId, v.text),
  ]);
  if (!r) throw new Error(`store: version of article ${v.articleId} vanished after insert`);
  return { ...toVersion(r), text: v.text };
}

/** Version `number` of an article, with its text, or null. */
export async function getVersion(db: Db, articleId: number, number: number): Promise<Version | null> {
  const r = await row<VersionRecord>(db, `SELECT ${VERSION_COLS} FROM versions v WHERE v.article_id = $1 AND v.number = $2`, [articleId, number]);
  return r ? toVersion(await withText(db, r)) : null;
}

/** The newest version of an article, with its text, or null. */
export async function getLatestVersion(db: Db, articleId: number): Promise<Version | null> {
  const r = await row<VersionRecord>(db, `SELECT ${VERSION_COLS} FROM versions v WHERE v.article_id = $1
    ORDER BY v.number DESC LIMIT 1`, [articleId]);
  return r ? toVersion(await withText(db, r)) : null;
}

/** All versions of an article without their texts, oldest first. */
export async function listVersionSummaries(db: Db, articleId: number): Promise<VersionSummary[]> {
  return (await rows<VersionRecord>(db, `SELECT ${VERSION_SUMMARY_COLS} FROM versions v WHERE v.article_id = $1 ORDER BY v.number`, [articleId]))
    .map(toVersionSummary);
}

/** All versions of an article with their texts, oldest first. */
export async function listVersions(db: Db, articleId: number): Promise<Version[]> {
  return (await withTexts(db, await rows<VersionRecord>(db, `SELECT ${VERSION_COLS} FROM versions v WHERE v.article_id = $1 ORDER BY v.number`,
    [articleId]))).map(toVersion);
}

/**
 * Versions joined with their articles, newest first. The statement is built from fixed fragments per combination of
 * filters (no `$n IS NULL OR ...` tests), so that one article's changes are read through versions_article_id.
 */
export async function listChanges(db: Db, q: ChangeQuery): Promise<Change[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.sourceId !== undefined) where.push(`a.source_id = $${params.push(q.sourceId)}`);
  if (q.articleId !== undefined) where.push(`v.article_id = $${params.push(q.articleId)}`);
  if (q.changesOnly) where.push('v.number > 1');
  if (!q.includeMinor) where.push(`v.change_kind <> 'minor'`);
  if (q.beforeId !== undefined) where.push(`v.id < $${params.push(q.beforeId)}`);
  const r = await rows<ChangeRecord>(db, `SELECT ${VERSION_SUMMARY_COLS}, a.url AS article_url, a.title AS article_title
    FROM versions v JOIN articles a ON a.id = v.article_id
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY v.id DESC LIMIT $${params.push(q.limit)}`, params);
  return r.map(toChange);
}

/** Total number of versions stored. */
export async function countVersions(db: Db): Promise<number> {
  return (await row<{ n: number }>(db, 'SELECT count(*)::int AS n FROM versions'))?.n ?? 0;
}

/** The lowest version number of an article with this content hash, or null. */
export async function firstVersionWithHash(db: Db, articleId: number, contentHash: string): Promise<number | null> {
  const r = await row<{ n: number | null }>(db, 'SELECT min(number) AS n FROM versions WHERE article_id = $1 AND content_hash = $2',
    [articleId, contentHash]);
  return r?.n ?? null;
}

/**
 * Replaces a version's derived content (everything but its capture and its response); its text is re-encoded, and
 * so are the texts encoded against it. Run it in a transaction.
 */
export async function updateVersionContent(db: Db, id: number, u: VersionContentUpdate): Promise<void> {
  await rewriteContent(db, 'text', id, Buffer.from(u.text, 'utf8'));
  await run(db, `UPDATE versions SET title = $1, byline = $2, published_at = $3, text_length = $4, content_hash = $5, extractor_version = $6,
      words_added = $7, words_removed = $8, stats = $9, metadata = $10, change_kind = $11, minor_reason = $12 WHERE id = $13`, [
    u.title, u.byline, u.publishedAt, codePoints(u.text), u.contentHash, u.extractorVersion, u.wordsAdded, u.wordsRemoved,
    u.stats ? JSON.stringify(u.stats) : null, JSON.stringify(u.metadata), u.changeKind, u.minorReason, id,
  ]);
}

/** Deletes one version (its response is deleted separately); texts encoded against it are re-encoded first. */
export async function deleteVersion(db: Db, id: number): Promise<void> {
  await deleteKeepingDependants(db, 'text', id, async () => { await run(db, 'DELETE FROM versions WHERE id = $1', [id]); });
}

/** Sets a version's number (callers renumber in two passes to respect UNIQUE(article_id, number)). */
export async function setVersionNumber(db: Db, id: number, number: number): Promise<void> {
  await run(db, 'UPDATE versions SET number = $1 WHERE id = $2', [number, id]);
}
