/** Rows of the extraction-health tables as both backends read them, and their conversion to the store's types. */
import type { SourceHealthEvent, SourceHealthState } from './health-types.js';

/** A source_health_events row joined with its source's slug. */
export interface HealthEventRow {
  id: number;
  source_id: number;
  slug: string;
  kind: 'degraded' | 'recovered';
  at: string;
  reason: string;
}

/** A health event row as the store gives it. */
export function toHealthEvent(r: HealthEventRow): SourceHealthEvent {
  return { id: r.id, sourceId: r.source_id, sourceSlug: r.slug, kind: r.kind, at: r.at, reason: r.reason };
}

/** The degraded-state columns of a sources row. */
export interface HealthStateRow {
  id: number;
  slug: string;
  degraded_since: string;
  degraded_reason: string | null;
}

/** A degraded source as the store gives it. */
export function toHealthState(r: HealthStateRow): SourceHealthState {
  return { sourceId: r.id, sourceSlug: r.slug, since: r.degraded_since, reason: r.degraded_reason ?? '' };
}
