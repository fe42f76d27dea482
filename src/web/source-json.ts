/** Sources as the API shows them (snake_case, absolute links) and their settings as the source page lists them. */
import type { Source, SourceSummary } from '../store/index.js';
import { DOWNLOAD_FORMATS, sourceFeedPath, sourcePath, exportPath } from './paths.js';

/** The stored configuration of a source as an object ({} when it is not one). */
export function sourceConfig(s: Source): Record<string, unknown> {
  return typeof s.config === 'object' && s.config !== null && !Array.isArray(s.config) ? (s.config as Record<string, unknown>) : {};
}

/** The feed, sitemap or front-page URLs of a source. */
export function sourceUrls(s: Source): string[] {
  const urls = sourceConfig(s).urls;
  return Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string') : [];
}

/** A source as the API shows it. */
export interface SourceJson {
  id: number;
  slug: string;
  name: string;
  kind: Source['kind'];
  urls: string[];
  /** The rest of the definition (links, include, exclude, intervalS, schedule, ...), as stored. */
  config: Record<string, unknown>;
  created_at: string;
  last_polled: string | null;
  next_poll: string | null;
  poll_count: number;
  error_count: number;
  last_error: string | null;
  article_count: number;
  /** New articles per UTC day over the last 7 days, oldest first. */
  new_articles_per_day: Array<{ day: string; count: number }>;
  links: {
    self: string; html: string; articles: string;
    feed_rss: string; feed_atom: string; feed_json: string;
    export_jsonl: string; export_csv: string; export_wacz: string;
  };
}

/** The API representation of a source with its figures. */
export function sourceJson(s: SourceSummary, base: string): SourceJson {
  const slug = encodeURIComponent(s.slug);
  const exports = Object.fromEntries(DOWNLOAD_FORMATS.map((f) => [`export_${f}`, base + exportPath({ sourceSlug: s.slug }, f)])) as
    Pick<SourceJson['links'], 'export_jsonl' | 'export_csv' | 'export_wacz'>;
  return {
    id: s.id,
    slug: s.slug,
    name: s.name,
    kind: s.kind,
    urls: sourceUrls(s),
    config: sourceConfig(s),
    created_at: s.createdAt,
    last_polled: s.lastPolled,
    next_poll: s.nextPoll,
    poll_count: s.pollCount,
    error_count: s.errorCount,
    last_error: s.lastError,
    article_count: s.articleCount,
    new_articles_per_day: s.newPerDay.map((d) => ({ day: d.day, count: d.count })),
    links: {
      self: `${base}/api/sources/${slug}`,
      html: base + sourcePath(s.slug),
      articles: `${base}/api/articles?source=${slug}`,
      feed_rss: base + sourceFeedPath(s.slug, 'rss'),
      feed_atom: base + sourceFeedPath(s.slug, 'atom'),
      feed_json: base + sourceFeedPath(s.slug, 'json'),
      ...exports,
    },
  };
}

/** One setting of a source for the page: its name and its value as text (JSON for lists and objects). */
export interface SourceSetting {
  name: string;
  value: string;
  /** True when the value spans lines (shown preformatted). */
  block: boolean;
}

/** The settings of a source in a stable order: the known fields first, then any others. */
export function sourceSettings(s: Source): SourceSetting[] {
  const config = sourceConfig(s);
  const order = ['urls', 'links', 'include', 'exclude', 'intervalS', 'schedule', 'stripParams', 'maxChildSitemaps', 'maxAgeDays', 'rules'];
  const keys = [...order.filter((k) => k in config), ...Object.keys(config).filter((k) => !order.includes(k)).sort()];
  return keys.map((name) => {
    const v = config[name];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { name, value: v.length ? v.join('\n') : '(none)', block: v.length > 1 };
    if (typeof v === 'object' && v !== null) return { name, value: JSON.stringify(v, null, 2), block: true };
    return { name, value: String(v), block: false };
  });
}
