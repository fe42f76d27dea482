/**
 * What the article page shows about its versions beyond the table: for each version whether its headline and byline
 * changed (and from what), the time since the previous version, the headline and byline histories, and the timeline
 * chart's geometry.
 */
import type { VersionLength, VersionSummary } from '../store/index.js';
import { timelineChart, type TimelineChart } from './charts.js';
import { formatUtc, humanGap } from './format.js';
import { diffPath, versionPath } from './paths.js';

/** A version row of the article page. */
export interface VersionRow extends VersionSummary {
  href: string;
  diffHref: string | null;
  /** The previous version's headline when this one's differs, else null. */
  previousTitle: string | null;
  /** The previous version's byline (null: there was none) when this one's differs; undefined when unchanged. */
  previousByline: string | null | undefined;
  bylineChanged: boolean;
  /** "35 minutes later" than the previous version; null for the first. */
  gap: string | null;
}

/** One entry of a history: a value as it first appeared (or came back), with the version and time. */
export interface HistoryEntry {
  value: string;
  number: number;
  capturedAt: string;
  href: string;
}

/** The rows of the version table, oldest first (the page reverses them). */
export function versionRows(articleId: number, all: readonly VersionSummary[]): VersionRow[] {
  return all.map((v, i) => {
    const prev = i > 0 ? all[i - 1] : undefined;
    const bylineChanged = prev !== undefined && (prev.byline ?? '') !== (v.byline ?? '');
    return {
      ...v,
      href: versionPath(articleId, v.number),
      diffHref: prev ? diffPath(articleId, prev.number, v.number) : null,
      previousTitle: prev && prev.title !== v.title ? prev.title : null,
      previousByline: bylineChanged ? (prev?.byline ?? null) : undefined,
      bylineChanged,
      gap: prev ? humanGap(prev.capturedAt, v.capturedAt) : null,
    };
  });
}

/** Each value of `pick` as it appeared, in order: a change to another value starts a new entry. */
export function history(articleId: number, all: readonly VersionSummary[], pick: (v: VersionSummary) => string | null): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let last: string | null | undefined;
  for (const v of all) {
    const value = pick(v);
    if (value !== last) out.push({ value: value ?? '', number: v.number, capturedAt: v.capturedAt, href: versionPath(articleId, v.number) });
    last = value;
  }
  return out;
}

/** The timeline of an article's versions (every version, minor ones too: the picture shows all captures). */
export function articleTimeline(all: readonly VersionSummary[], lengths: readonly VersionLength[]): TimelineChart {
  const chars = new Map(lengths.map((l) => [l.number, l.chars]));
  return timelineChart(all.map((v, i) => ({
    number: v.number,
    capturedAt: v.capturedAt,
    words: v.number > 1 ? v.wordsAdded + v.wordsRemoved : 0,
    headlineChanged: i > 0 && all[i - 1]!.title !== v.title,
    chars: chars.get(v.number) ?? 0,
  })));
}

/** The timeline's description in words: how many versions, over which span, how many headline changes. */
export function timelineDescription(all: readonly VersionSummary[], headlineChanges: number): string {
  const first = all[0];
  const last = all[all.length - 1];
  if (!first || !last) return 'No version captured yet.';
  const span = all.length === 1 ? `one version, captured ${formatUtc(first.capturedAt)}`
    : `${all.length} versions from ${formatUtc(first.capturedAt)} to ${formatUtc(last.capturedAt)}`;
  const biggest = all.slice(1).reduce((b, v) => Math.max(b, v.wordsAdded + v.wordsRemoved), 0);
  return `${span}; ${headlineChanges} headline change${headlineChanges === 1 ? '' : 's'}; the largest change touched ${biggest} word${biggest === 1 ? '' : 's'}.`.replace(/^./, (c) => c.toUpperCase());
}
