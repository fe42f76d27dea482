/**
 * What the article page and the API show of an article's variants (an alternating page: A/B-tested headlines, CDN
 * variants), correction notices and events (absent, redirected, returned): read from the store, shaped for the
 * template and for JSON.
 */
import type { ArticleEvent, SightingSummary, Store, VersionCorrection, VersionSummary } from '../store/index.js';
import { eventLocation, eventStatus, eventTitle } from './feed-events.js';
import { versionPath } from './paths.js';

/** Characters of a variant's text shown as its summary. */
export const EXCERPT_CHARS = 200;

/** One variant: the first version with its content, the versions that repeat it, how often and when it was seen. */
export interface VariantView {
  number: number;
  href: string;
  title: string;
  /** The start of its text (EXCERPT_CHARS). */
  excerpt: string;
  /** The earlier variant with the very same text (a headline-only variant), or null. */
  sameTextAs: number | null;
  /** Every version with this content (a revert repeats it). */
  versions: number[];
  /** Captures that showed it: its versions and its later sightings. */
  timesSeen: number;
  firstSeen: string;
  lastSeen: string;
}

/** An event as a page shows it. */
export interface EventView extends ArticleEvent {
  title: string;
  location: string | null;
  status: number | null;
}

/** Everything the article page and API show besides the versions themselves. */
export interface ArticleExtras {
  variants: VariantView[];
  /** Headlines among the variants (2+ on a headline A/B test). */
  variantHeadlines: number;
  corrections: VersionCorrection[];
  events: EventView[];
  /** The newest event when it says the article is gone or elsewhere now (absent, redirected), else null. */
  current: EventView | null;
}

/**
 * The variants of an article from its versions (oldest first), their sightings and the texts of the variants'
 * first versions: every content seen on more than one capture once the article has sightings (none without). Pure.
 */
export function buildVariants(articleId: number, all: readonly VersionSummary[], sightings: readonly SightingSummary[], texts: ReadonlyMap<number, string>): VariantView[] {
  if (sightings.length === 0) return [];
  const byNumber = new Map(sightings.map((s) => [s.versionNumber, s]));
  const groups = new Map<string, VersionSummary[]>();
  for (const v of all) {
    const g = groups.get(v.contentHash);
    if (g) g.push(v);
    else groups.set(v.contentHash, [v]);
  }
  const out: VariantView[] = [];
  for (const g of groups.values()) {
    const first = g[0]!;
    const s = byNumber.get(first.number);
    if (!s && g.length < 2) continue;
    const lastCapture = g[g.length - 1]!.capturedAt;
    const text = texts.get(first.number) ?? '';
    const same = out.find((o) => texts.get(o.number) === text);
    out.push({
      number: first.number, href: versionPath(articleId, first.number), title: first.title,
      excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text,
      sameTextAs: same ? same.number : null,
      versions: g.map((v) => v.number),
      timesSeen: g.length + (s?.count ?? 0),
      firstSeen: first.capturedAt,
      lastSeen: s && s.lastSeen > lastCapture ? s.lastSeen : lastCapture,
    });
  }
  return out;
}

/** An event with its words, status and redirect target. */
export function eventView(e: ArticleEvent): EventView {
  return { ...e, title: eventTitle(e), location: eventLocation(e), status: eventStatus(e) };
}

/** Reads an article's variants, corrections and events (`all`: its version summaries, oldest first). */
export async function loadArticleExtras(store: Store, articleId: number, all: readonly VersionSummary[]): Promise<ArticleExtras> {
  const [sightings, corrections, events] = await Promise.all([
    store.summariseVersionSightings(articleId), store.listVersionCorrections(articleId), store.listArticleEvents(articleId),
  ]);
  const texts = new Map<number, string>();
  // Only the variants' first versions are read with their texts (an article may have many other versions).
  for (const v of buildVariants(articleId, all, sightings, texts)) {
    const full = await store.getVersion(articleId, v.number);
    if (full) texts.set(v.number, full.text);
  }
  const variants = buildVariants(articleId, all, sightings, texts);
  const views = events.map(eventView);
  const last = views[views.length - 1];
  return {
    variants,
    variantHeadlines: new Set(variants.map((v) => v.title)).size,
    corrections,
    events: views,
    current: last && last.kind !== 'returned' ? last : null,
  };
}

/** The API's `variants` field. */
export function variantsJson(x: ArticleExtras, base: string): Array<Record<string, unknown>> {
  return x.variants.map((v) => ({
    version: v.number, title: v.title, text_excerpt: v.excerpt, same_text_as: v.sameTextAs, versions: v.versions,
    times_seen: v.timesSeen, first_seen: v.firstSeen, last_seen: v.lastSeen, links: { html: base + v.href },
  }));
}

/** The API's `events` field. */
export function eventsJson(x: ArticleExtras): Array<Record<string, unknown>> {
  return x.events.map((e) => ({ id: e.id, kind: e.kind, at: e.at, detail: e.detail }));
}
