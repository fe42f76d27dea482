/**
 * The grouped listings (home page, /articles) and the chart queries on PostgreSQL. Each filter adds a fixed fragment
 * and a positional parameter, so each combination of filters is its own statement whose plan can use the indexes:
 * versions (article_id, number) for the previous version, versions_captured for date ranges, articles_source.
 */
import { rows, type Db } from './db.js';
import type { ActivityQuery, ArticleActivity, DayCount, VersionLength } from '../types.js';
import { ACTIVITY_ORDER, hasChangeFilter, toArticleActivity, type ActivityRecord } from '../activity-rows.js';
import { ActivityWalk, WALK_BATCH, walkable } from '../activity-walk.js';

const SIZE = '(v.words_added + v.words_removed)';

/** Positional parameters collected while the statement is built from fixed fragments. */
class Params {
  readonly values: unknown[] = [];
  /** The placeholder of a new parameter. */
  add(v: unknown, cast: string): string {
    this.values.push(v);
    return `$${this.values.length}::${cast}`;
  }
}

/** The conditions on a change `v` (and its predecessor `p`) of the listing's filters, and the source's placeholder. */
function changeWhere(q: ActivityQuery, p: Params): { where: string[]; source: string | null } {
  const where = ['v.number > 1'];
  if (!q.includeMinor) where.push(`v.change_kind <> 'minor'`);
  const source = q.sourceId === undefined ? null : p.add(q.sourceId, 'bigint');
  if (source) where.push(`v.article_id IN (SELECT id FROM articles WHERE source_id = ${source})`);
  if (q.from !== undefined) where.push(`v.captured_at >= ${p.add(q.from, 'text')}`);
  if (q.to !== undefined) where.push(`v.captured_at < ${p.add(q.to, 'text')}`);
  if (q.headlineChanged) where.push('v.title <> p.title');
  if ((q.minWords ?? 0) > 0) where.push(`${SIZE} >= ${p.add(q.minWords, 'int')}`);
  return { where, source };
}

/**
 * One batch of the walk (../activity-walk.ts): the matching changes before (at, id), newest first, read backwards
 * through versions_captured (the id breaking ties of one instant).
 */
export function walkQuery(q: ActivityQuery, at: string, id: number): { sql: string; params: unknown[] } {
  const p = new Params();
  const { where } = changeWhere(q, p);
  const a = p.add(at, 'text');
  where.push(`v.captured_at <= ${a}`, `(v.captured_at < ${a} OR v.id < ${p.add(id, 'bigint')})`);
  return {
    sql: `SELECT v.id, v.article_id, v.captured_at FROM versions v
      ${q.headlineChanged ? 'JOIN versions p ON p.article_id = v.article_id AND p.number = v.number - 1' : ''}
      WHERE ${where.join(' AND ')} ORDER BY v.captured_at DESC, v.id DESC LIMIT ${p.add(WALK_BATCH, 'int')}`,
    params: p.values,
  };
}

/** The ids of the page's articles, by the walk. */
async function walkPage(db: Db, q: ActivityQuery): Promise<number[]> {
  const walk = new ActivityWalk(q.offset + q.limit);
  let at = '\uffff';
  let id = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const w = walkQuery(q, at, id);
    const r = await rows<{ id: number; article_id: number; captured_at: string }>(db, w.sql, w.params);
    if (!walk.offer(r.map((x) => ({ id: Number(x.id), articleId: Number(x.article_id), capturedAt: x.captured_at })))) break;
    const last = r[r.length - 1]!;
    at = last.captured_at;
    id = Number(last.id);
  }
  return walk.page(q.offset, q.limit);
}

/**
 * One row per article with the figures of its matching changes, in the asked order. Newest first (the home page),
 * the page's articles come from the walk and only theirs are aggregated; the other orders aggregate every change.
 */
export async function listArticleActivity(db: Db, q: ActivityQuery): Promise<ArticleActivity[]> {
  let ids: number[] | null = null;
  if (walkable(q)) {
    ids = await walkPage(db, q);
    if (ids.length === 0) return [];
  }
  const p = new Params();
  const today = p.add(q.todayFrom, 'text');
  const { where, source } = changeWhere(q, p);
  const outer = source ? [`a.source_id = ${source}`] : [];
  if (ids !== null) {
    const list = p.add(ids, 'bigint[]');
    where.push(`v.article_id = ANY(${list})`);
    outer.push(`a.id = ANY(${list})`);
  }
  const join = q.changedOnly || hasChangeFilter(q) ? 'JOIN' : 'LEFT JOIN';
  const limit = p.add(ids?.length ?? q.limit, 'int');
  const offset = p.add(ids === null ? q.offset : 0, 'int');
  // One aggregation over the matching changes (no window functions: they sort every version and cost several times
  // more), then index lookups for the page's rows only. The biggest change is max(size * 2^20 + number): the largest
  // size, and on a tie the newest version (numbers stay far below 2^20 = 1,048,576).
  const sql = `SELECT pg.*, lv.words_added AS latest_added, lv.words_removed AS latest_removed, lv.title AS latest_title,
      lp.title AS latest_prev_title, lv.change_kind AS latest_kind, lv.minor_reason AS latest_minor_reason,
      hp.title AS headline_from, hv.title AS headline_to,
      (pg.biggest_key / 1048576)::int AS biggest_words, (pg.biggest_key % 1048576)::int AS biggest_number
    FROM (
      SELECT a.id, a.url, a.title, a.source_id, a.status, a.version_count, a.first_seen, a.last_changed,
        g.changes, g.changes_today, g.headline_changes, g.latest_number, g.latest_at, g.headline_number, g.biggest_key
      FROM articles a ${join} (
        SELECT v.article_id, count(*)::int AS changes,
          sum(CASE WHEN v.captured_at >= ${today} THEN 1 ELSE 0 END)::int AS changes_today,
          sum(CASE WHEN v.title <> p.title THEN 1 ELSE 0 END)::int AS headline_changes,
          max(v.number) AS latest_number, max(v.captured_at) AS latest_at,
          max(CASE WHEN v.title <> p.title THEN v.number END) AS headline_number,
          max(${SIZE}::bigint * 1048576 + v.number) AS biggest_key
        FROM versions v JOIN versions p ON p.article_id = v.article_id AND p.number = v.number - 1
        WHERE ${where.join(' AND ')}
        GROUP BY v.article_id
      ) g ON g.article_id = a.id
      ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}
      ORDER BY ${ACTIVITY_ORDER[q.sort]('')} LIMIT ${limit} OFFSET ${offset}
    ) pg
    LEFT JOIN versions lv ON lv.article_id = pg.id AND lv.number = pg.latest_number
    LEFT JOIN versions lp ON lp.article_id = pg.id AND lp.number = pg.latest_number - 1
    LEFT JOIN versions hv ON hv.article_id = pg.id AND hv.number = pg.headline_number
    LEFT JOIN versions hp ON hp.article_id = pg.id AND hp.number = pg.headline_number - 1
    ORDER BY ${ACTIVITY_ORDER[q.sort]('pg.')}`;
  return (await rows<ActivityRecord>(db, sql, p.values)).map(toArticleActivity);
}

/** Changes per UTC day captured in [from, to) (ISO times sort as text; the day is the first ten characters). */
export async function countChangesPerDay(db: Db, q: { sourceId?: number; from: string; to: string; includeMinor?: boolean }): Promise<DayCount[]> {
  const p = new Params();
  const where = ['number > 1', `captured_at >= ${p.add(q.from, 'text')}`, `captured_at < ${p.add(q.to, 'text')}`];
  if (!q.includeMinor) where.push(`change_kind <> 'minor'`);
  if (q.sourceId !== undefined) where.push(`article_id IN (SELECT id FROM articles WHERE source_id = ${p.add(q.sourceId, 'bigint')})`);
  return rows<DayCount>(db, `SELECT left(captured_at, 10) AS day, count(*)::int AS count FROM versions
    WHERE ${where.join(' AND ')} GROUP BY 1 ORDER BY 1`, p.values);
}

/** The text length (characters) of every version of an article, oldest first. */
export async function listVersionLengths(db: Db, articleId: number): Promise<VersionLength[]> {
  return rows<VersionLength>(db, 'SELECT number, coalesce(text_length, length(text)) AS chars FROM versions WHERE article_id = $1 ORDER BY number', [articleId]);
}
