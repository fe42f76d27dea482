/** Queries on sources and on what polling remembers per source URL (PostgreSQL). */
import { row, rows, run, type Db } from './db.js';
import type { Source, SourceInput, SourceSummary, SourceUrlState } from '../types.js';
import { toSource, toSourceUrlState, type SourceRecord, type SourceUrlRecord } from '../rows.js';

/** The columns of a Source, for SELECT and RETURNING. */
export const SOURCE_COLS = 'id, slug, name, kind, config, created_at, last_polled, next_poll, poll_count, error_count, last_error';

/** Inserts a source, due for polling at `now`; throws (unique violation) when the slug is taken. */
export async function insertSource(db: Db, input: SourceInput, now: string): Promise<Source> {
  const r = await row<SourceRecord>(db, `INSERT INTO sources (slug, name, kind, config, created_at, next_poll) VALUES ($1, $2, $3, $4, $5, $5)
    RETURNING ${SOURCE_COLS}`, [input.slug, input.name, input.kind, JSON.stringify(input.config), now]);
  if (!r) throw new Error(`store: source ${input.slug} vanished after insert`);
  return toSource(r);
}

/** Replaces a source's name, kind and configuration (poll history is kept). */
export async function updateSource(db: Db, id: number, input: Omit<SourceInput, 'slug'>): Promise<void> {
  await run(db, 'UPDATE sources SET name = $1, kind = $2, config = $3 WHERE id = $4', [input.name, input.kind, JSON.stringify(input.config), id]);
}

/** The source with this id, or null. */
export async function getSource(db: Db, id: number): Promise<Source | null> {
  const r = await row<SourceRecord>(db, `SELECT ${SOURCE_COLS} FROM sources WHERE id = $1`, [id]);
  return r ? toSource(r) : null;
}

/** The source with this slug, or null. */
export async function getSourceBySlug(db: Db, slug: string): Promise<Source | null> {
  if (slug.includes('\0')) return null; // PostgreSQL text cannot hold NUL: no stored slug has one
  const r = await row<SourceRecord>(db, `SELECT ${SOURCE_COLS} FROM sources WHERE slug = $1`, [slug]);
  return r ? toSource(r) : null;
}

/** Every source, by slug. */
export async function listSources(db: Db): Promise<Source[]> {
  return (await rows<SourceRecord>(db, `SELECT ${SOURCE_COLS} FROM sources ORDER BY slug`)).map(toSource);
}

/** Sources (other than 'manual') whose next poll is at or before `now` (or never set), most overdue first. */
export async function listDueSources(db: Db, now: string, limit: number): Promise<Source[]> {
  return (await rows<SourceRecord>(db, `SELECT ${SOURCE_COLS} FROM sources WHERE kind <> 'manual' AND (next_poll IS NULL OR next_poll <= $1)
    ORDER BY next_poll IS NOT NULL, next_poll, id LIMIT $2`, [now, limit])).map(toSource);
}

/** Deletes a source; its articles stay tracked with source_id set to NULL (ON DELETE SET NULL). */
export async function deleteSource(db: Db, id: number): Promise<boolean> {
  return (await run(db, 'DELETE FROM sources WHERE id = $1', [id])) > 0;
}

/** Makes a source due at `nextPoll`. */
export async function setSourceNextPoll(db: Db, id: number, nextPoll: string): Promise<void> {
  await run(db, 'UPDATE sources SET next_poll = $1 WHERE id = $2', [nextPoll, id]);
}

/** Records a finished poll (error null: a clean poll clears the error count and message) and frees the lease. */
export async function recordSourcePoll(db: Db, id: number, now: string, nextPoll: string, error: string | null): Promise<void> {
  await run(db, `UPDATE sources SET last_polled = $1, next_poll = $2, poll_count = poll_count + 1,
    error_count = CASE WHEN $3::text IS NULL THEN 0 ELSE error_count + 1 END, last_error = $3, lease_owner = NULL, lease_until = NULL
    WHERE id = $4`, [now, nextPoll, error, id]);
}

/** Number of articles a source brought in. */
export async function countSourceArticles(db: Db, id: number): Promise<number> {
  return (await row<{ n: number }>(db, 'SELECT count(*)::int AS n FROM articles WHERE source_id = $1', [id]))?.n ?? 0;
}

/** The remembered state of `url` for the source, or null when it was never polled. */
export async function getSourceUrlState(db: Db, sourceId: number, url: string): Promise<SourceUrlState | null> {
  const r = await row<SourceUrlRecord>(db,
    'SELECT etag, last_modified, last_fetched, last_status, children FROM source_urls WHERE source_id = $1 AND url = $2', [sourceId, url]);
  return r ? toSourceUrlState(r) : null;
}

/** Stores the state of `url` for the source (replacing what was there). */
export async function saveSourceUrlState(db: Db, sourceId: number, url: string, s: SourceUrlState): Promise<void> {
  await run(db, `INSERT INTO source_urls (source_id, url, etag, last_modified, last_fetched, last_status, children)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag,
    last_modified = excluded.last_modified, last_fetched = excluded.last_fetched, last_status = excluded.last_status,
    children = excluded.children`, [sourceId, url, s.etag, s.lastModified, s.lastFetched, s.lastStatus, JSON.stringify(s.children)]);
}

/** Forgets the URL states of a source except those in `keep` (URLs dropped from its configuration). */
export async function pruneSourceUrls(db: Db, sourceId: number, keep: readonly string[]): Promise<void> {
  await run(db, 'DELETE FROM source_urls WHERE source_id = $1 AND NOT (url = ANY ($2::text[]))', [sourceId, [...keep]]);
}

/** Every source with its article count and new articles per day over the `days` UTC days ending with `now`. */
export async function listSourceSummaries(db: Db, now: Date, days = 7): Promise<SourceSummary[]> {
  return summarise(db, await listSources(db), now, days);
}

/** A page of sources in slug order after `afterSlug` (keyset cursor), with their summaries. */
export async function listSourceSummariesPage(db: Db, now: Date, q: { afterSlug?: string; limit: number }, days = 7): Promise<SourceSummary[]> {
  const r = await rows<SourceRecord>(db, `SELECT ${SOURCE_COLS} FROM sources WHERE ($1::text IS NULL OR slug > $1) ORDER BY slug LIMIT $2`,
    [q.afterSlug ?? null, q.limit]);
  return summarise(db, r.map(toSource), now, days);
}

/** One source's summary by slug, or null. */
export async function getSourceSummary(db: Db, slug: string, now: Date, days = 7): Promise<SourceSummary | null> {
  const s = await getSourceBySlug(db, slug);
  return s ? ((await summarise(db, [s], now, days))[0] ?? null) : null;
}

async function summarise(db: Db, sources: Source[], now: Date, days: number): Promise<SourceSummary[]> {
  const dayList: string[] = [];
  for (let i = days - 1; i >= 0; i--) dayList.push(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  const since = `${dayList[0] ?? now.toISOString().slice(0, 10)}T00:00:00.000Z`;
  const counts = new Map((await rows<{ id: number; n: number }>(db, `SELECT source_id AS id, count(*)::int AS n FROM articles
    WHERE source_id IS NOT NULL GROUP BY source_id`)).map((r) => [r.id, r.n]));
  const perDay = new Map<string, number>();
  for (const r of await rows<{ id: number; day: string; n: number }>(db, `SELECT source_id AS id, substr(first_seen, 1, 10) AS day,
      count(*)::int AS n FROM articles WHERE source_id IS NOT NULL AND first_seen >= $1 GROUP BY 1, 2`, [since])) {
    perDay.set(`${r.id} ${r.day}`, r.n);
  }
  return sources.map((s) => ({
    ...s,
    articleCount: counts.get(s.id) ?? 0,
    newPerDay: dayList.map((day) => ({ day, count: perDay.get(`${s.id} ${day}`) ?? 0 })),
  }));
}
