/** Queries of extraction health per source (src/health): judged captures, degraded state, health events. */
import { stmt, type Db } from './db.js';
import type { CaptureHealthCounts, CaptureHealthKind, HeldCapture, NewCaptureHealth, SourceHealthEvent, SourceHealthState } from '../health-types.js';
import { toHealthEvent, toHealthState, type HealthEventRow, type HealthStateRow } from '../health-rows.js';

/** Records one judged capture; returns its id. */
export function insertCaptureHealth(db: Db, c: NewCaptureHealth): number {
  return Number(stmt(db, 'INSERT INTO capture_health (source_id, article_id, at, kind, held, response_id) VALUES (?, ?, ?, ?, ?, ?)')
    .run(c.sourceId, c.articleId, c.at, c.kind, c.held ? 1 : 0, c.responseId).lastInsertRowid);
}

/** Marks a judged capture held back with its kept raw response. */
export function holdCapture(db: Db, id: number, responseId: number): void {
  stmt(db, 'UPDATE capture_health SET held = 1, response_id = ? WHERE id = ?').run(responseId, id);
}

/** Deletes the source's judged captures older than `before`, except held-back ones. */
export function pruneCaptureHealth(db: Db, sourceId: number, before: string): void {
  stmt(db, 'DELETE FROM capture_health WHERE source_id = ? AND at < ? AND held = 0').run(sourceId, before);
}

/** The source's judged captures with `from` <= at < `to`, counted by kind. */
export function countCaptureHealth(db: Db, sourceId: number, from: string, to: string): CaptureHealthCounts {
  const r = stmt(db, `SELECT count(*) AS total,
      coalesce(sum(kind = 'empty'), 0) AS empty, coalesce(sum(kind = 'shorter'), 0) AS shorter,
      coalesce(sum(kind = 'rewrite'), 0) AS rewrite,
      count(DISTINCT CASE WHEN kind <> 'ok' THEN article_id END) AS suspect_articles
    FROM capture_health WHERE source_id = ? AND at >= ? AND at < ?`).get(sourceId, from, to) as
    { total: number; empty: number; shorter: number; rewrite: number; suspect_articles: number };
  return { total: r.total, empty: r.empty, shorter: r.shorter, rewrite: r.rewrite, suspectArticles: r.suspect_articles };
}

/** The kinds of the source's newest `limit` judged captures at or after `since`, newest first. */
export function listRecentCaptureKinds(db: Db, sourceId: number, since: string, limit: number): CaptureHealthKind[] {
  return stmt(db, `SELECT kind FROM capture_health WHERE source_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?`)
    .pluck().all(sourceId, since, limit) as CaptureHealthKind[];
}

/** The held-back captures of an article that still have their raw response, oldest first. */
export function listHeldCaptures(db: Db, articleId: number): HeldCapture[] {
  const rows = stmt(db, `SELECT id, response_id, at FROM capture_health
    WHERE article_id = ? AND held = 1 AND response_id IS NOT NULL ORDER BY at, id`).all(articleId) as
    Array<{ id: number; response_id: number; at: string }>;
  return rows.map((r) => ({ id: r.id, responseId: r.response_id, at: r.at }));
}

/** Marks a held-back capture as no longer held, judged anew as `kind` (a re-extraction made a version of it, or found it a repeat). */
export function releaseHeldCapture(db: Db, id: number, kind: CaptureHealthKind): void {
  stmt(db, 'UPDATE capture_health SET held = 0, kind = ? WHERE id = ?').run(kind, id);
}

function insertEvent(db: Db, sourceId: number, kind: 'degraded' | 'recovered', at: string, reason: string): SourceHealthEvent {
  const id = Number(stmt(db, 'INSERT INTO source_health_events (source_id, kind, at, reason) VALUES (?, ?, ?, ?)')
    .run(sourceId, kind, at, reason).lastInsertRowid);
  return toHealthEvent(stmt(db, `SELECT e.id, e.source_id, s.slug, e.kind, e.at, e.reason FROM source_health_events e
    JOIN sources s ON s.id = e.source_id WHERE e.id = ?`).get(id) as HealthEventRow);
}

/** Marks the source degraded and records the event; null (and nothing written) when it already was. */
export function setSourceDegraded(db: Db, sourceId: number, at: string, reason: string): SourceHealthEvent | null {
  return db.transaction(() => {
    const changed = stmt(db, 'UPDATE sources SET degraded_since = ?, degraded_reason = ? WHERE id = ? AND degraded_since IS NULL')
      .run(at, reason, sourceId).changes;
    return changed === 0 ? null : insertEvent(db, sourceId, 'degraded', at, reason);
  })();
}

/** Clears the source's degraded state and records the recovery; null (and nothing written) when it was not degraded. */
export function clearSourceDegraded(db: Db, sourceId: number, at: string, reason: string): SourceHealthEvent | null {
  return db.transaction(() => {
    const changed = stmt(db, 'UPDATE sources SET degraded_since = NULL, degraded_reason = NULL WHERE id = ? AND degraded_since IS NOT NULL')
      .run(sourceId).changes;
    return changed === 0 ? null : insertEvent(db, sourceId, 'recovered', at, reason);
  })();
}

/** The source's degraded state, or null when it is healthy (or does not exist). */
export function getSourceHealthState(db: Db, sourceId: number): SourceHealthState | null {
  const r = stmt(db, 'SELECT id, slug, degraded_since, degraded_reason FROM sources WHERE id = ? AND degraded_since IS NOT NULL')
    .get(sourceId) as HealthStateRow | undefined;
  return r ? toHealthState(r) : null;
}

/** Every degraded source, by slug. */
export function listDegradedSources(db: Db): SourceHealthState[] {
  return (stmt(db, 'SELECT id, slug, degraded_since, degraded_reason FROM sources WHERE degraded_since IS NOT NULL ORDER BY slug')
    .all() as HealthStateRow[]).map(toHealthState);
}

/** The source's newest `limit` health events, newest first. */
export function listSourceHealthEvents(db: Db, sourceId: number, limit: number): SourceHealthEvent[] {
  return (stmt(db, `SELECT e.id, e.source_id, s.slug, e.kind, e.at, e.reason FROM source_health_events e
    JOIN sources s ON s.id = e.source_id WHERE e.source_id = ? ORDER BY e.id DESC LIMIT ?`).all(sourceId, limit) as HealthEventRow[]).map(toHealthEvent);
}

/** Health events of every source with an id above `afterId`, ascending, at most `limit` (for notifications). */
export function listSourceHealthEventsAfter(db: Db, afterId: number, limit: number): SourceHealthEvent[] {
  return (stmt(db, `SELECT e.id, e.source_id, s.slug, e.kind, e.at, e.reason FROM source_health_events e
    JOIN sources s ON s.id = e.source_id WHERE e.id > ? ORDER BY e.id LIMIT ?`).all(afterId, limit) as HealthEventRow[]).map(toHealthEvent);
}

/** Held-back captures still waiting for a re-extraction, per source slug. */
export function countHeldCaptures(db: Db): Array<{ sourceSlug: string; count: number }> {
  return (stmt(db, `SELECT s.slug, count(*) AS n FROM capture_health c JOIN sources s ON s.id = c.source_id
    WHERE c.held = 1 GROUP BY s.slug ORDER BY s.slug`).all() as Array<{ slug: string; n: number }>)
    .map((r) => ({ sourceSlug: r.slug, count: r.n }));
}
