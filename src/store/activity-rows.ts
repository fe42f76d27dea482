/**
 * Rows of the grouped listings and charts as both backends return them (snake_case), and their camelCase views of
 * types.ts. Like rows.ts, this module imports neither driver.
 */
import type { ActivitySort, ArticleActivity, ArticleStatus, ChangeKind } from './types.js';

/** One row of listArticleActivity: the article's columns and the aggregates of its matching changes. */
export interface ActivityRecord {
  id: number;
  url: string;
  title: string | null;
  source_id: number | null;
  status: ArticleStatus;
  version_count: number;
  first_seen: string;
  last_changed: string | null;
  changes: number | null;
  changes_today: number | null;
  headline_changes: number | null;
  latest_number: number | null;
  latest_at: string | null;
  latest_added: number | null;
  latest_removed: number | null;
  latest_title: string | null;
  latest_prev_title: string | null;
  latest_kind: ChangeKind | null;
  latest_minor_reason: string | null;
  biggest_number: number | null;
  biggest_words: number | null;
  /** The aggregation's encoding of the biggest change (size * 2^20 + number), kept for the order. */
  biggest_key?: number | string | null;
  headline_number: number | null;
  headline_from: string | null;
  headline_to: string | null;
}

/** The camelCase view of an activity row (an article without matching changes gets zeros and nulls). */
export function toArticleActivity(r: ActivityRecord): ArticleActivity {
  return {
    id: r.id,
    url: r.url,
    title: r.title,
    sourceId: r.source_id,
    status: r.status,
    versionCount: r.version_count,
    firstSeen: r.first_seen,
    lastChanged: r.last_changed,
    changes: r.changes ?? 0,
    changesToday: r.changes_today ?? 0,
    headlineChanges: r.headline_changes ?? 0,
    latest: r.latest_number === null || r.latest_at === null ? null : {
      number: r.latest_number,
      capturedAt: r.latest_at,
      wordsAdded: r.latest_added ?? 0,
      wordsRemoved: r.latest_removed ?? 0,
      title: r.latest_title ?? '',
      previousTitle: r.latest_prev_title ?? '',
      changeKind: r.latest_kind ?? 'substantive',
      minorReason: r.latest_minor_reason,
    },
    biggest: r.biggest_number === null ? null : { number: r.biggest_number, words: r.biggest_words ?? 0 },
    lastHeadlineChange: r.headline_number === null ? null : { number: r.headline_number, from: r.headline_from ?? '', to: r.headline_to ?? '' },
  };
}

/** Whether a listing query narrows the changes (then only articles with a matching change are listed). */
export function hasChangeFilter(q: { from?: string; to?: string; headlineChanged?: boolean; minWords?: number }): boolean {
  return q.from !== undefined || q.to !== undefined || q.headlineChanged === true || (q.minWords ?? 0) > 0;
}

const recent = (t: string): string => `coalesce(${t}latest_at, ${t}last_changed, ${t}first_seen) DESC, ${t}id DESC`;

/**
 * The ORDER BY of each listing order over the page's columns, the same plain SQL on both backends: `t` is '' inside
 * the page's query and 'pg.' around it (where the versions joined for the details share some column names).
 */
export const ACTIVITY_ORDER: Record<ActivitySort, (t: string) => string> = {
  newest: recent,
  biggest: (t) => `coalesce(${t}biggest_key, -1) DESC, ${recent(t)}`,
  changes: (t) => `coalesce(${t}changes, 0) DESC, ${recent(t)}`,
  versions: (t) => `${t}version_count DESC, ${recent(t)}`,
};
