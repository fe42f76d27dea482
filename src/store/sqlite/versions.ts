/** Queries on the versions table. */
import { stmt, type Db } from './db.js';
import type { Change, ChangeQuery, NewVersion, Version, VersionContentUpdate, VersionSummary } from '../types.js';
import { textEncoded, textLink, type EncodedText, toChange, toVersion, toVersionSummary, VERSION_SUMMARY_COLS, type ChangeRecord, type VersionRecord } from '../rows.js';
import type { ChainLink } from '../delta-chain.js';
import { codePoints } from '../delta-store.js';
import { decode, deleteKeepingDependants, encodeNew, rewriteContent } from './delta.js';

/** The text columns of a new version: the text delta-encoded against the article's newest text (delta.ts). */
export function encodedTextColumns(db: Db, articleId: number, text: string): Record<string, unknown> {
  const e = encodeNew(db, 'text', articleId, Buffer.from(text, 'utf8'));
  return { textZstd: e.data, textBaseId: e.baseId, textDepth: e.depth, textLength: codePoints(text) };
}

/** A versions row (read with `*`) with its text decoded; `inHand`: rows of the same read, to find bases in. */
export function withText<R extends EncodedText>(db: Db, r: R, inHand?: ReadonlyMap<number, ChainLink>): R {
  return textEncoded(r) ? { ...r, text: decode(db, 'text', textLink(r), inHand).toString('utf8') } : r;
}

/** Rows of one read with their texts decoded, each finding its base among the others where it can. */
export function withTexts<R extends EncodedText>(db: Db, rows: R[]): R[] {
  const inHand = new Map(rows.map((r) => [r.id, textLink(r)]));
  return rows.map((r) => withText(db, r, inHand));
}

/** Inserts the next version of an article (number = last + 1) and returns it. */
export function insertVersion(db: Db, v: NewVersion): Version {
  const info = stmt(db, `INSERT INTO versions (article_id, number, title, byline, published_at, text, content_hash, captured_at,
      response_id, extractor_version, words_added, words_removed, stats, metadata, change_kind, minor_reason,
      text_codec, text_zstd, text_base_id, text_depth, text_length)
    VALUES (@articleId, (SELECT coalesce(max(number), 0) + 1 FROM versions WHERE article_id = @articleId), @title, @byline,
      @publishedAt, '', @contentHash, @capturedAt, @responseId, @extractorVersion, @wordsAdded, @wordsRemoved, @stats, @metadata,
      coalesce(@changeKind, CASE WHEN EXISTS (SELECT 1 FROM versions WHERE article_id = @articleId) THEN 'substantive' ELSE 'initial' END),
      @minorReason, 'zstd', @textZstd, @textBaseId, @textDepth, @textLength)`)
    .run({
      ...v, ...encodedTextColumns(db, v.articleId, v.text), stats: v.stats ? JSON.stringify(v.stats) : null, metadata: JSON.stringify(v.metadata),
      changeKind: v.changeKind ?? null, minorReason: v.minorReason ?? null,
    });
  const row = stmt(db, 'SELECT * FROM versions WHERE id = ?').get(info.lastInsertRowid) as VersionRecord;
  return { ...toVersion(row), text: v.text };
}

/** Version `number` of an article, with its text, or null. */
export function getVersion(db: Db, articleId: number, number: number): Version | null {
  const r = stmt(db, 'SELECT * FROM versions WHERE article_id = ? AND number = ?').get(articleId, number) as VersionRecord | undefined;
  return r ? toVersion(withText(db, r)) : null;
}

/** The newest version of an article, with its text, or null. */
export function getLatestVersion(db: Db, articleId: number): Version | null {
  const r = stmt(db, 'SELECT * FROM versions WHERE article_id = ? ORDER BY number DESC LIMIT 1').get(articleId) as VersionRecord | undefined;
  return r ? toVersion(withText(db, r)) : null;
}

/** All versions of an article without their texts, oldest first. */
export function listVersionSummaries(db: Db, articleId: number): VersionSummary[] {
  const rows = stmt(db, `SELECT ${VERSION_SUMMARY_COLS} FROM versions v WHERE v.article_id = ? ORDER BY v.number`).all(articleId) as VersionRecord[];
  return rows.map(toVersionSummary);
}

/** All versions of an article with their texts, oldest first. */
export function listVersions(db: Db, articleId: number): Version[] {
  return withTexts(db, stmt(db, 'SELECT * FROM versions WHERE article_id = ? ORDER BY number').all(articleId) as VersionRecord[]).map(toVersion);
}


/**
 * The statement of listChanges for this combination of filters, from fixed fragments (no user text in it), so that
 * each shape's plan can use an index: versions_article_id for one article (read newest id first, no sort), the
 * rowid range for a `beforeId` page, the versions read backwards by id otherwise. CROSS JOIN keeps versions the outer
 * loop (SQLite never reorders it): read in id order, they stop at LIMIT, where starting from a source's articles
 * would sort all of that source's versions first.
 */
export function changesSql(q: Omit<ChangeQuery, 'limit'>): string {
  const where: string[] = [];
  if (q.sourceId !== undefined) where.push('a.source_id = @sourceId');
  if (q.articleId !== undefined) where.push('v.article_id = @articleId');
  // The unary + keeps (article_id, number) from serving one article's rows: that index would need a sort by id.
  if (q.changesOnly) where.push('+v.number > 1');
  if (!q.includeMinor) where.push(`v.change_kind <> 'minor'`);
  if (q.beforeId !== undefined) where.push('v.id < @beforeId');
  return `SELECT ${VERSION_SUMMARY_COLS}, a.url AS article_url, a.title AS article_title
    FROM versions v CROSS JOIN articles a ON a.id = v.article_id
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY v.id DESC LIMIT @limit`;
}

/** Versions joined with their articles, newest first. */
export function listChanges(db: Db, q: ChangeQuery): Change[] {
  const params: Record<string, unknown> = { limit: q.limit };
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  if (q.articleId !== undefined) params.articleId = q.articleId;
  if (q.beforeId !== undefined) params.beforeId = q.beforeId;
  const rows = stmt(db, changesSql(q)).all(params) as ChangeRecord[];
  return rows.map(toChange);
}

/** Total number of versions stored. */
export function countVersions(db: Db): number {
  return (stmt(db, 'SELECT count(*) AS n FROM versions').get() as { n: number }).n;
}

/** The lowest version number of an article with this content hash, or null. */
export function firstVersionWithHash(db: Db, articleId: number, contentHash: string): number | null {
  const r = stmt(db, 'SELECT min(number) AS n FROM versions WHERE article_id = ? AND content_hash = ?').get(articleId, contentHash) as { n: number | null };
  return r.n;
}


/**
 * Replaces a version's derived content (everything but its capture and its response); its text is re-encoded, and
 * so are the texts encoded against it. Run it in a transaction.
 */
export function updateVersionContent(db: Db, id: number, u: VersionContentUpdate): void {
  rewriteContent(db, 'text', id, Buffer.from(u.text, 'utf8'));
  stmt(db, 'UPDATE versions SET text_length = ? WHERE id = ?').run(codePoints(u.text), id);
  stmt(db, `UPDATE versions SET title = @title, byline = @byline, published_at = @publishedAt,
      content_hash = @contentHash, extractor_version = @extractorVersion, words_added = @wordsAdded, words_removed = @wordsRemoved,
      stats = @stats, metadata = @metadata, change_kind = @changeKind, minor_reason = @minorReason WHERE id = @id`)
    .run({ ...u, id, stats: u.stats ? JSON.stringify(u.stats) : null, metadata: JSON.stringify(u.metadata) });
}

/** Deletes one version (its response is deleted separately); texts encoded against it are re-encoded first. */
export function deleteVersion(db: Db, id: number): void {
  deleteKeepingDependants(db, 'text', id, () => stmt(db, 'DELETE FROM versions WHERE id = ?').run(id));
}

/** Sets a version's number (callers renumber in two passes to respect UNIQUE(article_id, number)). */
export function setVersionNumber(db: Db, id: number, number: number): void {
  stmt(db, 'UPDATE versions SET number = ? WHERE id = ?').run(number, id);
}
