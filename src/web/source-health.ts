/**
 * Extraction health of sources as the web shows it (src/health): on /sources and a source's page a "degraded since
 * …" marker with the reason, in the API a `health` object. Read from the store per request, like the summaries.
 */
import type { SourceHealthEvent, SourceHealthState, Store } from '../store/index.js';

/** A source's health as the API shows it. */
export interface SourceHealthJson {
  degraded: boolean;
  /** ISO time the source was marked degraded, or null. */
  degraded_since: string | null;
  /** Why, in words, or null. */
  degraded_reason: string | null;
  /** Captures held back (raw response kept, no version) waiting for `palimpsest reextract`. */
  held_captures: number;
}

/** Every source's health state, by source id, with its held-back captures by slug. */
export interface HealthIndex {
  degraded: Map<number, SourceHealthState>;
  held: Map<string, number>;
}

/** Reads the degraded sources and held-back capture counts (two small queries). */
export async function healthIndex(store: Store): Promise<HealthIndex> {
  const [degraded, held] = await Promise.all([store.listDegradedSources(), store.countHeldCaptures()]);
  return {
    degraded: new Map(degraded.map((d) => [d.sourceId, d])),
    held: new Map(held.map((h) => [h.sourceSlug, h.count])),
  };
}

/** The API's `health` object of one source. */
export function healthJson(index: HealthIndex, s: { id: number; slug: string }): SourceHealthJson {
  const d = index.degraded.get(s.id);
  return { degraded: d !== undefined, degraded_since: d?.since ?? null, degraded_reason: d?.reason ?? null, held_captures: index.held.get(s.slug) ?? 0 };
}

/** What the pages show of a degraded source (null: healthy). */
export interface HealthView {
  since: string;
  reason: string;
  heldCaptures: number;
}

/** The page view of a source's health, or null when it is healthy. */
export function healthView(index: HealthIndex, s: { id: number; slug: string }): HealthView | null {
  const d = index.degraded.get(s.id);
  return d ? { since: d.since, reason: d.reason, heldCaptures: index.held.get(s.slug) ?? 0 } : null;
}

/** A source's recent health events for its page, newest first. */
export function recentHealthEvents(store: Store, sourceId: number): Promise<SourceHealthEvent[]> {
  return store.listSourceHealthEvents(sourceId, 5);
}
