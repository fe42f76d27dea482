/**
 * Types of extraction health per source (issue 15.4): the degraded state of a source, the events that record each
 * change of it (read by notifications in id order), and the per-capture judgements the monitor counts.
 */

/** How the health monitor judged one capture: healthy, or one of the signs of broken extraction. */
export type CaptureHealthKind = 'ok' | 'empty' | 'shorter' | 'rewrite';

/** One change of a source's health: it became degraded, or recovered. Times are ISO 8601 UTC. */
export interface SourceHealthEvent {
  id: number;
  sourceId: number;
  sourceSlug: string;
  kind: 'degraded' | 'recovered';
  at: string;
  /** Why, in words ("12 of 15 captures in the last 24 h had empty bodies (baseline 0 of 40)"). */
  reason: string;
}

/** A source that is degraded now: since when and why. */
export interface SourceHealthState {
  sourceId: number;
  sourceSlug: string;
  since: string;
  reason: string;
}

/** One judged capture, as recorded by the monitor. */
export interface NewCaptureHealth {
  sourceId: number;
  articleId: number;
  at: string;
  kind: CaptureHealthKind;
  /** True when the capture was held back (its raw response kept, no version made). */
  held: boolean;
  responseId: number | null;
}

/** Captures of one source in a time range, counted by kind. */
export interface CaptureHealthCounts {
  total: number;
  empty: number;
  shorter: number;
  rewrite: number;
  /** Distinct articles with at least one suspect (not 'ok') capture. */
  suspectArticles: number;
}

/** A capture held back from an article: the raw response a re-extraction may turn into a version. */
export interface HeldCapture {
  /** The capture_health row. */
  id: number;
  responseId: number;
  at: string;
}
