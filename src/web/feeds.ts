/**
 * Feeds of changes (RSS 2.0, Atom 1.0, JSON Feed) built with the `feed` package.
 *
 * Items: one per NEW version (2, 3, ...), titled "Version N: <headline>", linking to the diff page of N-1 -> N,
 * dated at the capture time, with the changes themselves as HTML from the differ's `toFeedHtml` (inline-styled
 * del/ins, since feed readers drop stylesheets) plus the word counts. An article's own feed also carries version 1
 * as a "Now tracking: <headline>" item (so a new subscription shows the feed works); the site-wide feed carries
 * changes only. Item ids/guids are `palimpsest:article:<id>:version:<n>`: stable across restarts and host names.
 */
import crypto from 'node:crypto';
import { Feed, type Item } from 'feed';
import { splitParagraphs, toFeedHtml } from '../differ/index.js';
import { getVersion, listChanges } from '../store/index.js';
import type { Article, Change } from '../store/types.js';
import { getFeedState } from '../store/web-queries.js';
import type { WebContext } from './context.js';
import { computeDiff } from './diff-view.js';
import { articlePath, diffPath, feedPath, versionPath, type FeedFormat } from './paths.js';

/** Most items in one feed. */
export const FEED_ITEMS = 100;

/** Content types of the feed formats. */
export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** The stable id of the feed item for version `n` of article `articleId`. */
export function itemGuid(articleId: number, n: number): string {
  return `palimpsest:article:${articleId}:version:${n}`;
}

/** HTTP validators of a feed: ETag from the newest version id and the version count, Last-Modified from the newest capture. */
export interface FeedValidators {
  etag: string;
  lastModified: string | null;
}

/** Validators of the feed of `article` (or of the site-wide feed when null) in `format` at `base`. */
export function feedValidators(ctx: WebContext, article: Article | null, format: FeedFormat, base: string, includeMinor = false): FeedValidators {
  const state = getFeedState(ctx.db, article ? { articleId: article.id, changesOnly: false, includeMinor } : { changesOnly: true, includeMinor });
  const scope = `${article ? `a${article.id}` : 'all'}${includeMinor ? '-minor' : ''}`;
  const h = crypto.createHash('sha1').update(`${scope}|${base}`).digest('hex').slice(0, 8);
  const etag = `W/"${format}-${scope}-${state.maxVersionId ?? 0}-${state.count}-${h}"`;
  const newest = state.newestCapturedAt ?? article?.firstSeen ?? null;
  const t = newest ? new Date(newest) : null;
  return { etag, lastModified: t && !Number.isNaN(t.getTime()) ? t.toUTCString() : null };
}

/** True for a UTF-16 code unit allowed in XML 1.0 (tab, LF, CR, U+0020 and up, except U+FFFE/U+FFFF). */
function xmlCodeUnitOk(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
}

/** Removes characters that would make the XML feeds ill-formed (control characters, U+FFFE/FFFF, lone surrogates). */
export function xmlSafe(s: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
      changed = true;
      continue;
    }
    if ((c >= 0xdc00 && c <= 0xdfff) || !xmlCodeUnitOk(c)) {
      changed = true;
      continue;
    }
    out += s[i]!;
  }
  return changed ? out : s;
}

/** Escapes text for the places where the feed formats want HTML (RSS/Atom titles are HTML there). */
export function escapeHtmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Makes an HTML fragment safe inside a CDATA section (the feed package splits only the first "]]>"). */
function cdataSafe(html: string): string {
  return xmlSafe(html).replace(/\]\]>/g, ']]&gt;');
}

/** One item before it is written in a format: `title` is plain text, `html` the content. */
interface ItemModel {
  guid: string;
  title: string;
  link: string;
  date: Date;
  html: string;
}

function itemFor(ctx: WebContext, c: Change, base: string): ItemModel | null {
  const cur = getVersion(ctx.db, c.articleId, c.number);
  if (!cur) return null;
  const date = new Date(c.capturedAt);
  if (c.number === 1) {
    const link = base + versionPath(c.articleId, 1);
    const paragraphs = splitParagraphs(cur.text);
    return {
      guid: itemGuid(c.articleId, 1), title: `Now tracking: ${cur.title}`, link, date,
      html: ctx.render('feed-first.njk', { version: cur, paragraphs: paragraphs.slice(0, 3), more: paragraphs.length > 3, link, articleUrl: c.articleUrl }),
    };
  }
  const prev = getVersion(ctx.db, c.articleId, c.number - 1);
  if (!prev) return null;
  const link = base + diffPath(c.articleId, c.number - 1, c.number);
  const diff = computeDiff(prev, cur);
  const diffHtml = toFeedHtml(diff, { contextParagraphs: 1, maxParagraphs: 30 });
  return {
    guid: itemGuid(c.articleId, c.number), title: `Version ${c.number}: ${cur.title}`, link, date,
    html: ctx.render('feed-item.njk', { diffHtml, stats: diff.stats, version: cur, link, articleUrl: c.articleUrl }),
  };
}

/** Builds the feed of `article` (or the site-wide feed when null) and serialises it in `format`. */
export function renderFeed(ctx: WebContext, article: Article | null, format: FeedFormat, base: string, includeMinor = false): string {
  const changes = listChanges(ctx.db, article
    ? { articleId: article.id, changesOnly: false, includeMinor, limit: FEED_ITEMS }
    : { changesOnly: true, includeMinor, limit: FEED_ITEMS });
  const items = changes.map((c) => itemFor(ctx, c, base)).filter((i): i is ItemModel => i !== null);
  const articleTitle = article ? (article.title ?? article.url) : null;
  const xml = format !== 'json';
  // RSS channel titles/descriptions are often read as HTML: escape there; Atom's are type="text", JSON Feed's plain.
  const text = (s: string): string => (format === 'rss' ? escapeHtmlText(xmlSafe(s)) : xml ? xmlSafe(s) : s);
  const feed = new Feed({
    id: article ? `palimpsest:article:${article.id}` : 'palimpsest:changes',
    title: text(articleTitle ? `Palimpsest: changes to ${articleTitle}` : 'Palimpsest: latest changes'),
    description: text(article ? `Every change Palimpsest saw to ${article.url}, as diffs.` : 'Every change Palimpsest saw to the articles it tracks, as diffs.'),
    link: base + (article ? articlePath(article.id) : '/'),
    updated: items[0]?.date ?? (article ? new Date(article.firstSeen) : ctx.now()),
    generator: 'Palimpsest',
    author: { name: 'Palimpsest' },
    feedLinks: {
      rss: base + feedPath(article?.id ?? null, 'rss'),
      atom: base + feedPath(article?.id ?? null, 'atom'),
      json: base + feedPath(article?.id ?? null, 'json'),
    },
  });
  for (const i of items) {
    const item: Item = {
      id: i.guid,
      guid: i.guid,
      // RSS and Atom (type="html") titles are read as HTML by feed readers: escape; JSON Feed titles are plain text.
      title: xml ? escapeHtmlText(xmlSafe(i.title)) : i.title,
      link: i.link,
      date: i.date,
    };
    if (format === 'rss') item.description = cdataSafe(i.html);
    else item.content = xml ? cdataSafe(i.html) : i.html;
    feed.addItem(item);
  }
  return format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : feed.json1();
}
