/**
 * The figures of the statistics charts (the /stats page and each source's page): changes per UTC day over the last
 * days, zero-filled, and the articles with the most changes over them, laid out as charts.
 */
import type { Store } from '../store/index.js';
import { barChart, clip, hbarChart, type BarChart, type HBarChart } from './charts.js';
import { addDays, utcDayStart } from './format.js';
import { articlePath } from './paths.js';

/** Days the statistics charts cover, ending with today (UTC). */
export const STATS_DAYS = 30;

/** Articles in a "most edited" chart. */
export const MOST_EDITED = 10;

/** The charts of a scope (every article, or one source's). */
export interface StatsCharts {
  perDay: BarChart;
  /** Changes over the days covered. */
  total: number;
  /** The busiest day, or null when nothing changed. */
  busiest: { day: string; count: number } | null;
  mostEdited: HBarChart;
  firstDay: string;
  lastDay: string;
}

/** `counts` spread over the `days` days ending with `lastDay`, zero where a day has none, oldest first. */
export function fillDays(counts: ReadonlyArray<{ day: string; count: number }>, lastDay: string, days: number): Array<{ day: string; count: number }> {
  const by = new Map(counts.map((c) => [c.day, c.count]));
  return Array.from({ length: days }, (_, i) => {
    const day = addDays(lastDay, i - days + 1);
    return { day, count: by.get(day) ?? 0 };
  });
}

/** Reads and lays out the charts of the last {@link STATS_DAYS} days for every article or one source's. */
export async function statsCharts(store: Store, now: Date, sourceId?: number): Promise<StatsCharts> {
  const today = utcDayStart(now);
  const lastDay = today.slice(0, 10);
  const firstDay = addDays(lastDay, -(STATS_DAYS - 1));
  const from = `${firstDay}T00:00:00.000Z`;
  const to = `${addDays(lastDay, 1)}T00:00:00.000Z`;
  const scope = sourceId === undefined ? {} : { sourceId };
  const [counts, top] = await Promise.all([
    store.countChangesPerDay({ ...scope, from, to }),
    store.listArticleActivity({ ...scope, from, to, changedOnly: true, todayFrom: today, sort: 'changes', limit: MOST_EDITED, offset: 0 }),
  ]);
  const days = fillDays(counts, lastDay, STATS_DAYS);
  const total = days.reduce((s, d) => s + d.count, 0);
  const busiest = days.reduce<{ day: string; count: number } | null>((b, d) => (d.count > 0 && (!b || d.count >= b.count) ? d : b), null);
  return {
    perDay: barChart(days.map((d) => ({ label: d.day, value: d.count }))),
    total,
    busiest,
    mostEdited: hbarChart(top.map((a) => ({ label: clip(a.title ?? a.url), value: a.changes, href: articlePath(a.id) }))),
    firstDay,
    lastDay,
  };
}
