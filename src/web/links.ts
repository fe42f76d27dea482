/** Link lists shared by the pages: feed discovery links (for `<head>` and the page) and download links. */
import { DOWNLOAD_FORMATS, exportPath, feedPath, sourceFeedPath, type DownloadFormat, type FeedFormat } from './paths.js';

/** One feed link: its media type, path, title (for `<link rel="alternate">`) and short label. */
export interface FeedLink {
  type: string;
  href: string;
  title: string;
  label: string;
}

/** The RSS, Atom and JSON Feed links of a feed whose paths `pathOf` gives. */
export function feedLinksFrom(pathOf: (format: FeedFormat) => string, title: string): FeedLink[] {
  return [
    { type: 'application/rss+xml', href: pathOf('rss'), title: `${title} (RSS)`, label: 'RSS' },
    { type: 'application/atom+xml', href: pathOf('atom'), title: `${title} (Atom)`, label: 'Atom' },
    { type: 'application/feed+json', href: pathOf('json'), title: `${title} (JSON Feed)`, label: 'JSON Feed' },
  ];
}

/** The feed links of an article (or of the whole site when `id` is null). */
export function feedLinks(id: number | null, title: string): FeedLink[] {
  return feedLinksFrom((f) => feedPath(id, f), title);
}

/** The feed links of a source. */
export function sourceFeedLinks(slug: string, name: string): FeedLink[] {
  return feedLinksFrom((f) => sourceFeedPath(slug, f), `Palimpsest: changes to articles from ${name}`);
}

/** One download link. */
export interface DownloadLink {
  href: string;
  label: string;
  download: boolean;
}

const DOWNLOAD_LABELS: Record<DownloadFormat, string> = { jsonl: 'JSON Lines', csv: 'CSV', wacz: 'WACZ (web archive)' };

/** Download links (exports in every download format) of an article or a source. */
export function downloadLinks(target: { articleId: number } | { sourceSlug: string }): DownloadLink[] {
  return DOWNLOAD_FORMATS.map((f) => ({ href: exportPath(target, f), label: DOWNLOAD_LABELS[f], download: true }));
}
