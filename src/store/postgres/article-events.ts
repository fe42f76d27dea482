/** Article events (absent, redirected, returned), version sightings (variants) and correction flags (PostgreSQL). */
import { row, rows, run, type Db } from './db.js';
import type { ArticleEvent, ArticleEventKind, SightingSummary, VersionCorrection, VersionSighting } from '../types.js';
import { toArticleEvent, type ArticleEventRecord } from '../event-rows.js';

const EVENT_COLUMNS = 'id, article_id, kind, at, detail';

/** Appends an event of an article and returns it. */
export async function insertArticleEvent(db: Db, articleId: number, kind: ArticleEventKind, at: string, detail: Record<string, unknown>): Promise<ArticleEvent> {
  const r = await row<ArticleEventRecord>(db, `INSERT INTO article_events (article_id, kind, at, detail) VALUES ($1, $2, $3, $4)
    RETURNING ${EVENT_COLUMNS}`, [articleId, kind, at, JSON.stringify(detail)]);
  if (!r) throw new Error('store: inserting an article event returned no row');
  return toArticleEvent(r);
}

/** The newest event of an article, or null. */
export async function getLastArticleEvent(db: Db, articleId: number): Promise<ArticleEvent | null> {
  const r = await row<ArticleEventRecord>(db, `SELECT ${EVENT_COLUMNS} FROM article_events WHERE article_id = $1 ORDER BY id DESC LIMIT 1`, [articleId]);
  return r ? toArticleEvent(r) : null;
}

/** Every event of an article, oldest first. */
export async function listArticleEvents(db: Db, articleId: number): Promise<ArticleEvent[]> {
  return (await rows<ArticleEventRecord>(db, `SELECT ${EVENT_COLUMNS} FROM article_events WHERE article_id = $1 ORDER BY id`, [articleId])).map(toArticleEvent);
}

/** Up to `limit` events of any article with id above `afterId`, ascending id. */
export async function listArticleEventsAfter(db: Db, afterId: number, limit: number): Promise<ArticleEvent[]> {
  return (await rows<ArticleEventRecord>(db, `SELECT ${EVENT_COLUMNS} FROM article_events WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])).map(toArticleEvent);
}

/** Records that a version's content was seen again at `seenAt`. */
export async function insertVersionSighting(db: Db, articleId: number, versionId: number, seenAt: string): Promise<void> {
  await run(db, 'INSERT INTO version_sightings (article_id, version_id, seen_at) VALUES ($1, $2, $3)', [articleId, versionId, seenAt]);
}

/** True when any version of the article has a sighting (the article alternates between variants). */
export async function hasVersionSightings(db: Db, articleId: number): Promise<boolean> {
  return (await row(db, 'SELECT 1 FROM version_sightings WHERE article_id = $1 LIMIT 1', [articleId])) !== undefined;
}

/** Every sighting of an article's versions, in id order. */
export async function listVersionSightings(db: Db, articleId: number): Promise<VersionSighting[]> {
  return rows<VersionSighting & Record<string, unknown>>(db, `SELECT s.id, s.article_id AS "articleId", s.version_id AS "versionId",
      v.number AS "versionNumber", s.seen_at AS "seenAt"
    FROM version_sightings s JOIN versions v ON v.id = s.version_id WHERE s.article_id = $1 ORDER BY s.id`, [articleId]);
}

/** Per sighted version of an article: how many sightings, the first and the last; by version number. */
export async function summariseVersionSightings(db: Db, articleId: number): Promise<SightingSummary[]> {
  return rows<SightingSummary & Record<string, unknown>>(db, `SELECT s.version_id AS "versionId", v.number AS "versionNumber",
      count(*) AS count, min(s.seen_at) AS "firstSeen", max(s.seen_at) AS "lastSeen"
    FROM version_sightings s JOIN versions v ON v.id = s.version_id WHERE s.article_id = $1
    GROUP BY s.version_id, v.number ORDER BY v.number`, [articleId]);
}

/** Per source (null: articles without one), how many articles have variants (any sighting). */
export async function countVariantArticlesBySource(db: Db): Promise<Array<{ sourceId: number | null; articles: number }>> {
  return rows<{ sourceId: number | null; articles: number }>(db, `SELECT a.source_id AS "sourceId", count(*) AS articles FROM articles a
    WHERE EXISTS (SELECT 1 FROM version_sightings s WHERE s.article_id = a.id) GROUP BY a.source_id ORDER BY a.source_id`);
}

/** Flags a version as carrying a correction notice (replaces an earlier flag of it). */
export async function setVersionCorrection(db: Db, versionId: number, articleId: number, notice: string): Promise<void> {
  await run(db, `INSERT INTO version_corrections (version_id, article_id, notice) VALUES ($1, $2, $3)
    ON CONFLICT (version_id) DO UPDATE SET notice = excluded.notice`, [versionId, articleId, notice]);
}

/** Removes a version's correction flag (re-extraction found none). */
export async function clearVersionCorrection(db: Db, versionId: number): Promise<void> {
  await run(db, 'DELETE FROM version_corrections WHERE version_id = $1', [versionId]);
}

/** The flagged versions of an article, by number. */
export async function listVersionCorrections(db: Db, articleId: number): Promise<VersionCorrection[]> {
  return rows<VersionCorrection & Record<string, unknown>>(db, `SELECT c.version_id AS "versionId", v.number AS "versionNumber", c.notice
    FROM version_corrections c JOIN versions v ON v.id = c.version_id WHERE c.article_id = $1 ORDER BY v.number`, [articleId]);
}

/** The flags of the given versions (those without one are left out). */
export async function listCorrectionsOf(db: Db, versionIds: readonly number[]): Promise<VersionCorrection[]> {
  if (versionIds.length === 0) return [];
  return rows<VersionCorrection & Record<string, unknown>>(db, `SELECT c.version_id AS "versionId", v.number AS "versionNumber", c.notice
    FROM version_corrections c JOIN versions v ON v.id = c.version_id WHERE c.version_id = ANY($1::bigint[]) ORDER BY c.version_id`, [versionIds]);
}
