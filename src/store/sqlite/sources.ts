/** Queries on sources (configured feeds, sitemaps and front pages) and on what polling remembers per source URL. */
import { stmt, type Db } from './db.js';
import type { Source, SourceInput, SourceSummary, SourceUrlState } from '../types.js';
import { toSource, toSourceUrlState, type SourceRecord, type SourceUrlRecord } from '../rows.js';

/** Inserts a source, due for polling at `now`. Throws (SQLite UNIQUE constraint) when the slug is taken. */
export function insertSource(db: Db, input: SourceInput, now: string): Source {
  const info = stmt(db, `INSERT INTO sources (slug, name, kind, config, created_at, next_poll) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(input.slug, input.name, input.kind, JSON.stringify(input.config), now, now);
  const s = getSource(db, Number(info.lastInsertRowid));
  if (!s) throw new Error(`store: source ${input.slug} vanished after insert`);
  return s;
}

/** Replaces a source's name, kind and configuration (poll history is kept). */
export function updateSource(db: Db, id: number, input: Omit<SourceInput, 'slug'>): void {
  stmt(db, 'UPDATE sources SET name = ?, kind = ?, config = ? WHERE id = ?').run(input.name, input.kind, JSON.stringify(input.config), id);
}

/** The source with this id, or null. */
export function getSource(db: Db, id: number): Source | null {
  const r = stmt(db, 'SELECT * FROM sources WHERE id = ?').get(id) as SourceRecord | undefined;
  return r ? toSource(r) : null;
}

/** The source with this slug, or null. */
export function getSourceBySlug(db: Db, slug: string): Source | null {
  const r = stmt(db, 'SELECT * FROM sources WHERE slug = ?').get(slug) as SourceRecord | undefined;
  return r ? toSource(r) : null;
}

/** Every source, by slug. */
export function listSources(db: Db): Source[] {
  return (stmt(db, 'SELECT * FROM sources ORDER BY slug').all() as SourceRecord[]).map(toSource);
}

/** Sources (other than 'manual') whose next poll is at or before `now` (or never set), most overdue first. */
export function listDueSources(db: Db, now: string, limit: number): Source[] {
  const rows = stmt(db, `SELECT * FROM sources WHERE kind <> 'manual' AND (next_poll IS NULL OR next_poll <= ?)
    ORDER BY next_poll IS NOT NULL, next_poll, id LIMIT ?`).all(now, limit) as SourceRecord[];
  return rows.map(toSource);
}

/** Deletes a source; its articles stay tracked with source_id set to NULL (foreign key ON DELETE SET NULL). */
export function deleteSource(db: Db, id: number): boolean {
  return stmt(db, 'DELETE FROM sources WHERE id = ?').run(id).changes > 0;
}

/** Makes a source due at `nextPoll` (e.g. now, after its configuration changed). */
export function setSourceNextPoll(db: Db, id: number, nextPoll: string): void {
  stmt(db, 'UPDATE sources SET next_poll = ? WHERE id = ?').run(nextPoll, id);
}

/**
 * Records a finished poll. `error` null means a clean poll: the consecutive error count and the last error are
 * cleared; otherwise the count grows and the message is kept.
 */
export function recordSourcePoll(db: Db, id: number, now: string, nextPoll: string, error: string | null): void {
  stmt(db, `UPDATE sources SET last_polled = ?, next_poll = ?, poll_count = poll_count + 1,
    error_count = CASE WHEN ? IS NULL THEN 0 ELSE error_count + 1 END, last_error = ?, lease_owner = NULL, lease_until = NULL
    WHERE id = ?`)
    .run(now, nextPoll, error, error, id);
}

/** Number of articles a source brought in. */
export function countSourceArticles(db: Db, id: number): number {
  return (stmt(db, 'SELECT count(*) AS n FROM articles WHERE source_id = ?').get(id) as { n: number }).n;
}


/** The remembered state of `url` for the source, or null when it was never polled. */
export function getSourceUrlState(db: Db, sourceId: number, url: string): SourceUrlState | null {
  const r = stmt(db, 'SELECT * FROM source_urls WHERE source_id = ? AND url = ?').get(sourceId, url) as SourceUrlRecord | undefined;
  return r ? toSourceUrlState(r) : null;
}

/** Stores the state of `url` for the source (replacing what was there). */
export function saveSourceUrlState(db: Db, sourceId: number, url: string, s: SourceUrlState): void {
  stmt(db, `INSERT INTO source_urls (source_id, url, etag, last_modified, last_fetched, last_status, children)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag,
    last_modified = excluded.last_modified, last_fetched = excluded.last_fetched, last_status = excluded.last_status,
    children = excluded.children`)
    .run(sourceId, url, s.etag, s.lastModified, s.lastFetched, s.lastStatus, JSON.stringify(s.children));
}

/** Forgets the URL states of a source except those in `keep` (URLs dropped from its configuration). */
export function pruneSourceUrls(db: Db, sourceId: number, keep: readonly string[]): void {
  stmt(db, 'DELETE FROM source_urls WHERE source_id = ? AND url NOT IN (SELECT value FROM json_each(?))').run(sourceId, JSON.stringify(keep));
}


/** Every source with its article count and new articles per day over the `days` UTC days ending with `now`. */
export function listSourceSummaries(db: Db, now: Date, days = 7): SourceSummary[] {
  return summarise(db, listSources(db), now, days);
}

/** A page of sources in slug order after `afterSlug` (keyset cursor), with their summaries. */
export function listSourceSummariesPage(db: Db, now: Date, q: { afterSlug?: string; limit: number }, days = 7): SourceSummary[] {
  const rows = stmt(db, 'SELECT * FROM sources WHERE (@after IS NULL OR slug > @after) ORDER BY slug LIMIT @limit')
    .all({ after: q.afterSlug ?? null, limit: q.limit }) as SourceRecord[];
  return summarise(db, rows.map(toSource), now, days);
}

/** One source's summary by slug, or null. */
export function getSourceSummary(db: Db, slug: string, now: Date, days = 7): SourceSummary | null {
  const s = getSourceBySlug(db, slug);
  return s ? (summarise(db, [s], now, days)[0] ?? null) : null;
}

function summarise(db: Db, sources: Source[], now: Date, days: number): SourceSummary[] {
  const dayList: string[] = [];
  for (let i = days - 1; i >= 0; i--) dayList.push(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  const since = `${dayList[0] ?? now.toISOString().slice(0, 10)}T00:00:00.000Z`;
  const counts = new Map((stmt(db, `SELECT source_id AS id, count(*) AS n FROM articles WHERE source_id IS NOT NULL
    GROUP BY source_id`).all() as Array<{ id: number; n: number }>).map((r) => [r.id, r.n]));
  const perDay = new Map<string, number>();
  for (const r of stmt(db, `SELECT source_id AS id, substr(first_seen, 1, 10) AS day, count(*) AS n FROM articles
    WHERE source_id IS NOT NULL AND first_seen >= ? GROUP BY source_id, day`).all(since) as Array<{ id: number; day: string; n: number }>) {
    perDay.set(`${r.id} ${r.day}`, r.n);
  }
  return sources.map((s) => ({
    ...s,
    articleCount: counts.get(s.id) ?? 0,
    newPerDay: dayList.map((day) => ({ day, count: perDay.get(`${s.id} ${day}`) ?? 0 })),
  }));
}
