/**
 * The grouped listings (home page, /articles) and the chart queries on SQLite. Each filter adds a fixed fragment, so
 * each combination of filters is its own statement (prepared once, cached by stmt) whose plan can use the indexes:
 * versions (article_id, number) for the previous version, versions_captured for date ranges, articles_source.
 */
import { stmt, type Db } from './db.js';
import type { ActivityQuery, ArticleActivity, DayCount, VersionLength } from '../types.js';
import { ACTIVITY_ORDER, hasChangeFilter, toArticleActivity, type ActivityRecord } from '../activity-rows.js';
import { ActivityWalk, WALK_BATCH, walkable } from '../activity-walk.js';

const SIZE = '(v.words_added + v.words_removed)';

/**
 * The statement of one combination of filters, from fixed fragments (no user text in it). One aggregation over the
 * matching changes (no window functions: they sort every version and cost several times more), then, for the page's
 * rows only, index lookups of the latest change and the newest headline change and of the versions before them.
 * The biggest change is found in the same aggregation as max(size * 2^20 + number): the largest size, and on a tie
 * the newest version (numbers stay far below 2^20 = 1,048,576).
 */
export function activitySql(q: ActivityQuery, restricted = false): string {
  const where = changeWhere(q);
  // The page's articles already known (the walk): only their changes are aggregated.
  if (restricted) where.push('v.article_id IN (SELECT value FROM json_each(@ids))');
  const outer = [
    ...(q.sourceId !== undefined ? ['a.source_id = @sourceId'] : []),
    ...(restricted ? ['a.id IN (SELECT value FROM json_each(@ids))'] : []),
  ];
  const join = q.changedOnly || hasChangeFilter(q) ? 'JOIN' : 'LEFT JOIN';
  return `SELECT pg.*, lv.words_added AS latest_added, lv.words_removed AS latest_removed, lv.title AS latest_title,
      lp.title AS latest_prev_title, lv.change_kind AS latest_kind, lv.minor_reason AS latest_minor_reason,
      hp.title AS headline_from, hv.title AS headline_to,
      pg.biggest_key / 1048576 AS biggest_words, pg.biggest_key % 1048576 AS biggest_number
    FROM (
      SELECT a.id, a.url, a.title, a.source_id, a.status, a.version_count, a.first_seen, a.last_changed,
        g.changes, g.changes_today, g.headline_changes, g.latest_number, g.latest_at, g.headline_number, g.biggest_key
      FROM articles a ${join} (
        SELECT v.article_id, count(*) AS changes,
          sum(CASE WHEN v.captured_at >= @today THEN 1 ELSE 0 END) AS changes_today,
          sum(CASE WHEN v.title <> p.title THEN 1 ELSE 0 END) AS headline_changes,
          max(v.number) AS latest_number, max(v.captured_at) AS latest_at,
          max(CASE WHEN v.title <> p.title THEN v.number END) AS headline_number,
          max(${SIZE} * 1048576 + v.number) AS biggest_key
        FROM versions v JOIN versions p ON p.article_id = v.article_id AND p.number = v.number - 1
        WHERE ${where.join(' AND ')}
        GROUP BY v.article_id
      ) g ON g.article_id = a.id
      ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}
      ORDER BY ${ACTIVITY_ORDER[q.sort]('')} LIMIT @limit OFFSET @offset
    ) pg
    LEFT JOIN versions lv ON lv.article_id = pg.id AND lv.number = pg.latest_number
    LEFT JOIN versions lp ON lp.article_id = pg.id AND lp.number = pg.latest_number - 1
    LEFT JOIN versions hv ON hv.article_id = pg.id AND hv.number = pg.headline_number
    LEFT JOIN versions hp ON hp.article_id = pg.id AND hp.number = pg.headline_number - 1
    ORDER BY ${ACTIVITY_ORDER[q.sort]('pg.')}`;
}

/** The conditions on a change `v` (and its predecessor `p`) of the listing's filters. */
function changeWhere(q: ActivityQuery): string[] {
  const where = ['v.number > 1'];
  if (!q.includeMinor) where.push(`v.change_kind <> 'minor'`);
  if (q.sourceId !== undefined) where.push('v.article_id IN (SELECT id FROM articles WHERE source_id = @sourceId)');
  if (q.from !== undefined) where.push('v.captured_at >= @from');
  if (q.to !== undefined) where.push('v.captured_at < @to');
  if (q.headlineChanged) where.push('v.title <> p.title');
  if ((q.minWords ?? 0) > 0) where.push(`${SIZE} >= @minWords`);
  return where;
}

/**
 * The statement of one batch of the walk (../activity-walk.ts): the matching changes before (@at, @id), newest
 * first, read backwards through versions_captured (whose entries end with the rowid: no sort).
 */
export function walkSql(q: ActivityQuery): string {
  const where = [...changeWhere(q), 'v.captured_at <= @at', '(v.captured_at < @at OR v.id < @id)'];
  return `SELECT v.id, v.article_id, v.captured_at FROM versions v
    ${q.headlineChanged ? 'JOIN versions p ON p.article_id = v.article_id AND p.number = v.number - 1' : ''}
    WHERE ${where.join(' AND ')} ORDER BY v.captured_at DESC, v.id DESC LIMIT @batch`;
}

/** The ids of the page's articles, by the walk. */
function walkPage(db: Db, q: ActivityQuery, params: Record<string, unknown>): number[] {
  const walk = new ActivityWalk(q.offset + q.limit);
  let at = { at: '\uffff', id: Number.MAX_SAFE_INTEGER };
  for (;;) {
    const rows = stmt(db, walkSql(q)).all({ ...params, ...at, batch: WALK_BATCH }) as Array<{ id: number; article_id: number; captured_at: string }>;
    if (!walk.offer(rows.map((r) => ({ id: r.id, articleId: r.article_id, capturedAt: r.captured_at })))) break;
    const last = rows[rows.length - 1]!;
    at = { at: last.captured_at, id: last.id };
  }
  return walk.page(q.offset, q.limit);
}

/**
 * One row per article with the figures of its matching changes, in the asked order. Newest first (the home page),
 * the page's articles come from the walk and only theirs are aggregated; the other orders aggregate every change.
 */
export function listArticleActivity(db: Db, q: ActivityQuery): ArticleActivity[] {
  const params: Record<string, unknown> = {};
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  if (q.from !== undefined) params.from = q.from;
  if (q.to !== undefined) params.to = q.to;
  if ((q.minWords ?? 0) > 0) params.minWords = q.minWords;
  if (walkable(q)) {
    const ids = walkPage(db, q, params);
    if (ids.length === 0) return [];
    const rows = stmt(db, activitySql(q, true)).all({ ...params, today: q.todayFrom, ids: JSON.stringify(ids), limit: ids.length, offset: 0 }) as ActivityRecord[];
    return rows.map(toArticleActivity);
  }
  const rows = stmt(db, activitySql(q)).all({ ...params, today: q.todayFrom, limit: q.limit, offset: q.offset }) as ActivityRecord[];
  return rows.map(toArticleActivity);
}

/** Changes per UTC day captured in [from, to) (ISO times sort as text; the day is the first ten characters). */
export function countChangesPerDay(db: Db, q: { sourceId?: number; from: string; to: string; includeMinor?: boolean }): DayCount[] {
  const where = ['number > 1', 'captured_at >= @from', 'captured_at < @to'];
  if (!q.includeMinor) where.push(`change_kind <> 'minor'`);
  if (q.sourceId !== undefined) where.push('article_id IN (SELECT id FROM articles WHERE source_id = @sourceId)');
  const params: Record<string, unknown> = { from: q.from, to: q.to };
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  return stmt(db, `SELECT substr(captured_at, 1, 10) AS day, count(*) AS count FROM versions
    WHERE ${where.join(' AND ')} GROUP BY day ORDER BY day`).all(params) as DayCount[];
}

/** The text length (characters) of every version of an article, oldest first. */
export function listVersionLengths(db: Db, articleId: number): VersionLength[] {
  return stmt(db, 'SELECT number, coalesce(text_length, length(text)) AS chars FROM versions WHERE article_id = ? ORDER BY number').all(articleId) as VersionLength[];
}
