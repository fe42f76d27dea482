/** Queries of extraction health per source (src/health), PostgreSQL: judged captures, degraded state, health events. */
import { row, rows, run, type Db } from './db.js';
import type { CaptureHealthCounts, CaptureHealthKind, HeldCapture, NewCaptureHealth, SourceHealthEvent, SourceHealthState } from '../health-types.js';
import { toHealthEvent, toHealthState, type HealthEventRow, type HealthStateRow } from '../health-rows.js';

/** Records one judged capture; returns its id. */
export async function insertCaptureHealth(db: Db, c: NewCaptureHealth): Promise<number> {
  const r = await row<{ id: number }>(db, `INSERT INTO capture_health (source_id, article_id, at, kind, held, response_id)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [c.sourceId, c.articleId, c.at, c.kind, c.held, c.responseId]);
  return r!.id;
}

/** Marks a judged capture held back with its kept raw response. */
export async function holdCapture(db: Db, id: number, responseId: number): Promise<void> {
  await run(db, 'UPDATE capture_health SET held = true, response_id = $1 WHERE id = $2', [responseId, id]);
}

/** Deletes the source's judged captures older than `before`, except held-back ones. */
export async function pruneCaptureHealth(db: Db, sourceId: number, before: string): Promise<void> {
  await run(db, 'DELETE FROM capture_health WHERE source_id = $1 AND at < $2 AND NOT held', [sourceId, before]);
}

/** The source's judged captures with `from` <= at < `to`, counted by kind. */
export async function countCaptureHealth(db: Db, sourceId: number, from: string, to: string): Promise<CaptureHealthCounts> {
  const r = await row<{ total: number; empty: number; shorter: number; rewrite: number; suspect_articles: number }>(db, `SELECT count(*) AS total,
      count(*) FILTER (WHERE kind = 'empty') AS empty, count(*) FILTER (WHERE kind = 'shorter') AS shorter,
      count(*) FILTER (WHERE kind = 'rewrite') AS rewrite,
      count(DISTINCT article_id) FILTER (WHERE kind <> 'ok') AS suspect_articles
    FROM capture_health WHERE source_id = $1 AND at >= $2 AND at < $3`, [sourceId, from, to]);
  if (!r) return { total: 0, empty: 0, shorter: 0, rewrite: 0, suspectArticles: 0 };
  return { total: r.total, empty: r.empty, shorter: r.shorter, rewrite: r.rewrite, suspectArticles: r.suspect_articles };
}

/** The kinds of the source's newest `limit` judged captures at or after `since`, newest first. */
export async function listRecentCaptureKinds(db: Db, sourceId: number, since: string, limit: number): Promise<CaptureHealthKind[]> {
  return (await rows<{ kind: CaptureHealthKind }>(db, `SELECT kind FROM capture_health WHERE source_id = $1 AND at >= $2
    ORDER BY at DESC, id DESC LIMIT $3`, [sourceId, since, limit])).map((r) => r.kind);
}

/** The held-back captures of an article that still have their raw response, oldest first. */
export async function listHeldCaptures(db: Db, articleId: number): Promise<HeldCapture[]> {
  return (await rows<{ id: number; response_id: number; at: string }>(db, `SELECT id, response_id, at FROM capture_health
    WHERE article_id = $1 AND held AND response_id IS NOT NULL ORDER BY at, id`, [articleId]))
    .map((r) => ({ id: r.id, responseId: r.response_id, at: r.at }));
}

/** Marks a held-back capture as no longer held, judged anew as `kind` (a re-extraction made a version of it, or found it a repeat). */
export async function releaseHeldCapture(db: Db, id: number, kind: CaptureHealthKind): Promise<void> {
  await run(db, 'UPDATE capture_health SET held = false, kind = $1 WHERE id = $2', [kind, id]);
}

/** Marks the source degraded and records the event, in one statement; null (and nothing written) when it already was. */
export async function setSourceDegraded(db: Db, sourceId: number, at: string, reason: string): Promise<SourceHealthEvent | null> {
  const r = await row<HealthEventRow>(db, `WITH u AS (
      UPDATE sources SET degraded_since = $2, degraded_reason = $3 WHERE id = $1 AND degraded_since IS NULL RETURNING id, slug
    ), i AS (
      INSERT INTO source_health_events (source_id, kind, at, reason) SELECT id, 'degraded', $2, $3 FROM u
      RETURNING id, source_id, kind, at, reason
    ) SELECT i.id, i.source_id, u.slug, i.kind, i.at, i.reason FROM i JOIN u ON u.id = i.source_id`, [sourceId, at, reason]);
  return r ? toHealthEvent(r) : null;
}

/** Clears the source's degraded state and records the recovery, in one statement; null when it was not degraded. */
export async function clearSourceDegraded(db: Db, sourceId: number, at: string, reason: string): Promise<SourceHealthEvent | null> {
  const r = await row<HealthEventRow>(db, `WITH u AS (
      UPDATE sources SET degraded_since = NULL, degraded_reason = NULL WHERE id = $1 AND degraded_since IS NOT NULL RETURNING id, slug
    ), i AS (
      INSERT INTO source_health_events (source_id, kind, at, reason) SELECT id, 'recovered', $2, $3 FROM u
      RETURNING id, source_id, kind, at, reason
    ) SELECT i.id, i.source_id, u.slug, i.kind, i.at, i.reason FROM i JOIN u ON u.id = i.source_id`, [sourceId, at, reason]);
  return r ? toHealthEvent(r) : null;
}

/** The source's degraded state, or null when it is healthy (or does not exist). */
export async function getSourceHealthState(db: Db, sourceId: number): Promise<SourceHealthState | null> {
  const r = await row<HealthStateRow>(db, `SELECT id, slug, degraded_since, degraded_reason FROM sources
    WHERE id = $1 AND degraded_since IS NOT NULL`, [sourceId]);
  return r ? toHealthState(r) : null;
}

/** Every degraded source, by slug. */
export async function listDegradedSources(db: Db): Promise<SourceHealthState[]> {
  return (await rows<HealthStateRow>(db, `SELECT id, slug, degraded_since, degraded_reason FROM sources
    WHERE degraded_since IS NOT NULL ORDER BY slug`)).map(toHealthState);
}

/** The source's newest `limit` health events, newest first. */
export async function listSourceHealthEvents(db: Db, sourceId: number, limit: number): Promise<SourceHealthEvent[]> {
  return (await rows<HealthEventRow>(db, `SELECT e.id, e.source_id, s.slug, e.kind, e.at, e.reason FROM source_health_events e
    JOIN sources s ON s.id = e.source_id WHERE e.source_id = $1 ORDER BY e.id DESC LIMIT $2`, [sourceId, limit])).map(toHealthEvent);
}

/** Health events of every source with an id above `afterId`, ascending, at most `limit` (for notifications). */
export async function listSourceHealthEventsAfter(db: Db, afterId: number, limit: number): Promise<SourceHealthEvent[]> {
  return (await rows<HealthEventRow>(db, `SELECT e.id, e.source_id, s.slug, e.kind, e.at, e.reason FROM source_health_events e
    JOIN sources s ON s.id = e.source_id WHERE e.id > $1 ORDER BY e.id LIMIT $2`, [afterId, limit])).map(toHealthEvent);
}

/** Held-back captures still waiting for a re-extraction, per source slug. */
export async function countHeldCaptures(db: Db): Promise<Array<{ sourceSlug: string; count: number }>> {
  return (await rows<{ slug: string; n: number }>(db, `SELECT s.slug, count(*) AS n FROM capture_health c
    JOIN sources s ON s.id = c.source_id WHERE c.held GROUP BY s.slug ORDER BY s.slug`)).map((r) => ({ sourceSlug: r.slug, count: r.n }));
}
