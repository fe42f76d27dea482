/** Where the web layer's templates and static files are, and the app's own URL paths. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder of src/web (`views` or `static`): next to this module when running from src/, or found in the
 * repository's src/web when running the compiled dist/src/web (tsc does not copy non-TypeScript files).
 */
export function webAssetDir(name: 'views' | 'static'): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, name)];
  let dir = here;
  for (let i = 0; i < 5; i++) {
    dir = path.dirname(dir);
    candidates.push(path.join(dir, 'src', 'web', name));
  }
  for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isDirectory()) return c;
  throw new Error(`web: cannot find the ${name}/ folder of src/web`);
}

/** Path of an article's page. */
export function articlePath(id: number): string {
  return `/articles/${id}`;
}

/** Path of the diff page between versions a and b (optionally with a view query). */
export function diffPath(id: number, a: number, b: number, view?: 'inline' | 'side'): string {
  return `/articles/${id}/diff/${a}/${b}${view === 'inline' ? '?view=inline' : ''}`;
}

/** Path of one version's page. */
export function versionPath(id: number, n: number): string {
  return `/articles/${id}/versions/${n}`;
}

/** Feed formats served. */
export type FeedFormat = 'rss' | 'atom' | 'json';

/** Path of an article's feed (or the global feed when `id` is null). */
export function feedPath(id: number | null, format: FeedFormat): string {
  return id === null ? `/feed.${format}` : `/articles/${id}/feed.${format}`;
}

/** True when `url` is an absolute http(s) URL (only those are rendered as links to the outside). */
export function isHttpUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Path of a source's page. */
export function sourcePath(slug: string): string {
  return `/sources/${encodeURIComponent(slug)}`;
}

/** Path of a source's feed. */
export function sourceFeedPath(slug: string, format: FeedFormat): string {
  return `${sourcePath(slug)}/feed.${format}`;
}

/** Export formats offered as downloads on article and source pages. */
export const DOWNLOAD_FORMATS = ['jsonl', 'csv', 'wacz'] as const;

/** A download format. */
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/** Path of an article's or a source's export in `format`. */
export function exportPath(target: { articleId: number } | { sourceSlug: string }, format: DownloadFormat): string {
  return 'articleId' in target ? `${articlePath(target.articleId)}/export.${format}` : `${sourcePath(target.sourceSlug)}/export.${format}`;
}
