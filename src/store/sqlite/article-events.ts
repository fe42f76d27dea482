/** Article events (absent, redirected, returned), version sightings (variants) and correction flags. */
import { stmt, type Db } from './db.js';
import type { ArticleEvent, ArticleEventKind, SightingSummary, VersionCorrection, VersionSighting } from '../types.js';
import { toArticleEvent, type ArticleEventRecord } from '../event-rows.js';

const EVENT_COLUMNS = 'id, article_id, kind, at, detail';

/** Appends an event of an article and returns it. */
export function insertArticleEvent(db: Db, articleId: number, kind: ArticleEventKind, at: string, detail: Record<string, unknown>): ArticleEvent {
  const r = stmt(db, `INSERT INTO article_events (article_id, kind, at, detail) VALUES (?, ?, ?, ?) RETURNING ${EVENT_COLUMNS}`)
    .get(articleId, kind, at, JSON.stringify(detail)) as ArticleEventRecord;
  return toArticleEvent(r);
}

/** The newest event of an article, or null. */
export function getLastArticleEvent(db: Db, articleId: number): ArticleEvent | null {
  const r = stmt(db, `SELECT ${EVENT_COLUMNS} FROM article_events WHERE article_id = ? ORDER BY id DESC LIMIT 1`)
    .get(articleId) as ArticleEventRecord | undefined;
  return r ? toArticleEvent(r) : null;
}

/** Every event of an article, oldest first. */
export function listArticleEvents(db: Db, articleId: number): ArticleEvent[] {
  const r = stmt(db, `SELECT ${EVENT_COLUMNS} FROM article_events WHERE article_id = ? ORDER BY id`).all(articleId) as ArticleEventRecord[];
  return r.map(toArticleEvent);
}

/** Up to `limit` events of any article with id above `afterId`, ascending id. */
export function listArticleEventsAfter(db: Db, afterId: number, limit: number): ArticleEvent[] {
  const r = stmt(db, `SELECT ${EVENT_COLUMNS} FROM article_events WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as ArticleEventRecord[];
  return r.map(toArticleEvent);
}

/** Records that a version's content was seen again at `seenAt`. */
export function insertVersionSighting(db: Db, articleId: number, versionId: number, seenAt: string): void {
  stmt(db, 'INSERT INTO version_sightings (article_id, version_id, seen_at) VALUES (?, ?, ?)').run(articleId, versionId, seenAt);
}

/** True when any version of the article has a sighting (the article alternates between variants). */
export function hasVersionSightings(db: Db, articleId: number): boolean {
  return stmt(db, 'SELECT 1 FROM version_sightings WHERE article_id = ? LIMIT 1').get(articleId) !== undefined;
}

/** Every sighting of an article's versions, in id order. */
export function listVersionSightings(db: Db, articleId: number): VersionSighting[] {
  const r = stmt(db, `SELECT s.id, s.article_id AS articleId, s.version_id AS versionId, v.number AS versionNumber, s.seen_at AS seenAt
    FROM version_sightings s JOIN versions v ON v.id = s.version_id WHERE s.article_id = ? ORDER BY s.id`).all(articleId);
  return r as VersionSighting[];
}

/** Per sighted version of an article: how many sightings, the first and the last; by version number. */
export function summariseVersionSightings(db: Db, articleId: number): SightingSummary[] {
  const r = stmt(db, `SELECT s.version_id AS versionId, v.number AS versionNumber, count(*) AS count,
      min(s.seen_at) AS firstSeen, max(s.seen_at) AS lastSeen
    FROM version_sightings s JOIN versions v ON v.id = s.version_id WHERE s.article_id = ?
    GROUP BY s.version_id, v.number ORDER BY v.number`).all(articleId);
  return r as SightingSummary[];
}

/** Per source (null: articles without one), how many articles have variants (any sighting). */
export function countVariantArticlesBySource(db: Db): Array<{ sourceId: number | null; articles: number }> {
  return stmt(db, `SELECT a.source_id AS sourceId, count(*) AS articles FROM articles a
    WHERE EXISTS (SELECT 1 FROM version_sightings s WHERE s.article_id = a.id) GROUP BY a.source_id ORDER BY a.source_id`)
    .all() as Array<{ sourceId: number | null; articles: number }>;
}

/** Flags a version as carrying a correction notice (replaces an earlier flag of it). */
export function setVersionCorrection(db: Db, versionId: number, articleId: number, notice: string): void {
  stmt(db, `INSERT INTO version_corrections (version_id, article_id, notice) VALUES (?, ?, ?)
    ON CONFLICT (version_id) DO UPDATE SET notice = excluded.notice`).run(versionId, articleId, notice);
}

/** Removes a version's correction flag (re-extraction found none). */
export function clearVersionCorrection(db: Db, versionId: number): void {
  stmt(db, 'DELETE FROM version_corrections WHERE version_id = ?').run(versionId);
}

/** The flagged versions of an article, by number. */
export function listVersionCorrections(db: Db, articleId: number): VersionCorrection[] {
  return stmt(db, `SELECT c.version_id AS versionId, v.number AS versionNumber, c.notice FROM version_corrections c
    JOIN versions v ON v.id = c.version_id WHERE c.article_id = ? ORDER BY v.number`).all(articleId) as VersionCorrection[];
}

/** The flags of the given versions (those without one are left out). */
export function listCorrectionsOf(db: Db, versionIds: readonly number[]): VersionCorrection[] {
  if (versionIds.length === 0) return [];
  // One statement per list length would fill the statement cache; json_each takes the ids as one parameter.
  return stmt(db, `SELECT c.version_id AS versionId, v.number AS versionNumber, c.notice FROM version_corrections c
    JOIN versions v ON v.id = c.version_id WHERE c.version_id IN (SELECT value FROM json_each(?)) ORDER BY c.version_id`)
    .all(JSON.stringify(versionIds)) as VersionCorrection[];
}
