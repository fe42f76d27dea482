/**
 * Feeds of changes (RSS 2.0, Atom 1.0, JSON Feed) built with the `feed` package.
 *
 * Items: one per NEW version (2, 3, ...), titled "Version N: <headline>", linking to the diff page of N-1 -> N,
 * dated at the capture time, with the changes themselves as HTML from the differ's `toFeedHtml` (inline-styled
 * del/ins, since feed readers drop stylesheets) plus the word counts. An article's own feed also carries version 1
 * as a "Now tracking: <headline>" item (so a new subscription shows the feed works); the site-wide feed and a
 * source's feed (its articles' changes) carry changes only. Item ids/guids are `palimpsest:article:<id>:version:<n>`
 * in every feed: stable across restarts, host names and the feed an item appears in.
 */
import crypto from 'node:crypto';
import type { FeedOptions, Item } from 'feed';
import { timeSlicer, yieldToEventLoop } from '../common/yield.js';
import { readResults } from '../precompute/fill.js';
import { FEED_MAX_PARAGRAPHS, itemStats, RESULT_FORMAT, resultStats, type VersionResult } from '../precompute/version-result.js';
import type { Article, Change, ChangeQuery, Source } from '../store/index.js';
import type { WebContext } from './context.js';
import { parseLimit } from './params.js';
import { serializeFeed } from './feed-serialize.js';
import { CORRECTION_CATEGORY, eventItems, withEventItems } from './feed-events.js';
import { articlePath, diffPath, feedPath, sourceFeedPath, sourcePath, versionPath, type FeedFormat } from './paths.js';

/** Items of an article's feed (its newest versions and events). */
export const FEED_ITEMS = 100;

/** Most items a feed request may ask for with `?limit=`. */
export const FEED_LIMIT_MAX = 200;

// Defined with the stored results they shape (src/precompute), exported here for the pages about feeds.
export { FEED_MAX_PARAGRAPHS, itemStats };

/** What a feed covers: the whole site, one article, or the articles of one source. */
export type FeedScope =
  | { kind: 'site' }
  | { kind: 'article'; article: Article }
  | { kind: 'source'; source: Source };

/** The feed scope of an article, or of the whole site when null (the form older callers use). */
export function feedScopeOf(article: Article | null): FeedScope {
  return article ? { kind: 'article', article } : { kind: 'site' };
}

/** Which versions a scope's feed lists: an article's every version, else changes (versions 2+) only. */
function changeFilter(scope: FeedScope, includeMinor: boolean): Omit<ChangeQuery, 'limit'> {
  if (scope.kind === 'article') return { articleId: scope.article.id, changesOnly: false, includeMinor };
  if (scope.kind === 'source') return { sourceId: scope.source.id, changesOnly: true, includeMinor };
  return { changesOnly: true, includeMinor };
}

/**
 * Items a scope's feed carries unless the request asks otherwise: an article's FEED_ITEMS (its whole recent
 * history); the site's and a source's `web.feedItems` (50 by default: each item carries a whole diff, and a feed polled
 * by many readers is sent whole to each of them).
 */
export function defaultFeedItems(ctx: WebContext, scope: FeedScope): number {
  return scope.kind === 'article' ? FEED_ITEMS : ctx.config.web.feedItems;
}

/** The items a feed request asks for: its `?limit=` (1 to FEED_LIMIT_MAX; anything else is a 400), else the scope's default. */
export function feedLimit(ctx: WebContext, scope: FeedScope, raw: unknown): number {
  return parseLimit(raw, defaultFeedItems(ctx, scope), FEED_LIMIT_MAX);
}

/** Path of a scope's feed in `format`. */
export function scopeFeedPath(scope: FeedScope, format: FeedFormat): string {
  if (scope.kind === 'source') return sourceFeedPath(scope.source.slug, format);
  return feedPath(scope.kind === 'article' ? scope.article.id : null, format);
}

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

/**
 * What a feed's validators are made of. An article's: its newest version, how many it has, the newest capture (a
 * count over one article's versions is cheap). The site's and a source's: their newest version and capture, read in
 * a few index steps, and for the count (which catches versions merged or reclassified by a re-extraction) the
 * sequence number of the stored diff results, which every capture and every re-extraction moves: a count over every
 * version would read them all, on each request and each 304.
 */
async function feedState(ctx: WebContext, scope: FeedScope, includeMinor: boolean): Promise<{ maxVersionId: number | null; count: string | number; newestCapturedAt: string | null }> {
  if (scope.kind === 'article') return ctx.store.getFeedState(changeFilter(scope, includeMinor));
  const [head, seq] = await Promise.all([
    ctx.store.getFeedHead({ ...(scope.kind === 'source' ? { sourceId: scope.source.id } : {}), changesOnly: true, includeMinor }),
    ctx.store.getVersionDiffsSeq(),
  ]);
  return { ...head, count: `s${seq}` };
}

/**
 * Validators of the feed of `scope` in `format` at `base`, of `limit` items (default: the scope's, defaultFeedItems).
 * The item count and the stored results' format are part of the ETag: a feed of another length, or with its items
 * rendered anew by a new release, is another body.
 */
export async function feedValidators(ctx: WebContext, scope: FeedScope, format: FeedFormat, base: string, includeMinor = false, limit?: number): Promise<FeedValidators> {
  const items = limit ?? defaultFeedItems(ctx, scope);
  const state = await feedState(ctx, scope, includeMinor);
  // An article's feed carries its events (absent, redirected, returned) too: the newest one is part of its validators.
  const event = scope.kind === 'article' ? await ctx.store.getLastArticleEvent(scope.article.id) : null;
  const key = scope.kind === 'article' ? `a${scope.article.id}` : scope.kind === 'source' ? `s${scope.source.id}` : 'all';
  const tag = `${key}${includeMinor ? '-minor' : ''}`;
  const h = crypto.createHash('sha1').update(`${tag}|${base}`).digest('hex').slice(0, 8);
  const etag = `W/"${format}-${tag}-${state.maxVersionId ?? 0}-${state.count}${event ? `-e${event.id}` : ''}-n${items}r${RESULT_FORMAT}-${h}"`;
  const fallback = scope.kind === 'article' ? scope.article.firstSeen : scope.kind === 'source' ? scope.source.createdAt : null;
  const newest = event && (state.newestCapturedAt === null || event.at > state.newestCapturedAt) ? event.at : state.newestCapturedAt ?? fallback;
  const t = newest ? new Date(newest) : null;
  return { etag, lastModified: t && !Number.isNaN(t.getTime()) ? t.toUTCString() : null };
}

/** True for a UTF-16 code unit allowed in XML 1.0 (tab, LF, CR, U+0020 and up, except U+FFFE/U+FFFF). */
function xmlCodeUnitOk(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
}

/** A code unit xmlSafe may have to look at: a control character, U+FFFE/FFFF or a surrogate (paired ones are kept). */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const XML_SUSPECT = /[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]/;

/** Removes characters that would make the XML feeds ill-formed (control characters, U+FFFE/FFFF, lone surrogates). */
export function xmlSafe(s: string): string {
  // Most text has none of them: skip the copy (a feed is megabytes of diff HTML, and a copy of it is garbage).
  if (!XML_SUSPECT.test(s)) return s;
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
export interface ItemModel {
  guid: string;
  title: string;
  link: string;
  date: Date;
  html: string;
  /** The version's headline differs from the previous one's (the item gets the category "headline-changed"). */
  headlineChanged?: boolean;
  /** More categories: "correction" (a correction notice added), "absent", "redirected", "returned" (events). */
  categories?: string[];
}

/** The category of the items whose headline changed, for readers that filter on categories. */
export const HEADLINE_CATEGORY = 'headline-changed';

/**
 * The plain-text title of a change's item: "Version 3: New headline", or, when the headline changed,
 * "Version 3: Headline changed: “Old” → “New”" (the "Version N:" start is kept for readers that match on it; curly
 * quotes, which no format escapes, so that readers showing titles as text or as HTML both show them as typed).
 */
export function changeTitle(number: number, previous: string, current: string): string {
  return previous === current ? `Version ${number}: ${current}` : `Version ${number}: Headline changed: “${previous}” → “${current}”`;
}

/**
 * The item of one version from its stored result (src/precompute): a first capture, or the diff from the previous
 * version. Only templates are rendered here; no diff is computed.
 */
function itemFor(ctx: WebContext, c: Change, base: string, r: VersionResult): ItemModel {
  const date = new Date(c.capturedAt);
  if (r.kind === 'first') {
    const link = base + versionPath(c.articleId, c.number);
    return {
      guid: itemGuid(c.articleId, c.number), title: `Now tracking: ${c.title}`, link, date,
      html: ctx.render('feed-first.njk', { version: c, paragraphs: r.paragraphs, more: r.more, link, articleUrl: c.articleUrl }),
    };
  }
  const link = base + diffPath(c.articleId, c.number - 1, c.number);
  return {
    guid: itemGuid(c.articleId, c.number), title: changeTitle(c.number, r.prevTitle, c.title), link, date,
    headlineChanged: r.prevTitle !== c.title,
    html: ctx.render('feed-item.njk', { diffHtml: r.html, stats: resultStats(c.stats, r), version: c, link, trimmed: r.trimmed, articleUrl: c.articleUrl }),
  };
}

/** Identity, title, description and page of a scope's feed. */
function feedMeta(scope: FeedScope): { id: string; title: string; description: string; page: string } {
  if (scope.kind === 'article') {
    const a = scope.article;
    return {
      id: `palimpsest:article:${a.id}`, title: `Palimpsest: changes to ${a.title ?? a.url}`,
      description: `Every change Palimpsest saw to ${a.url}, as diffs.`, page: articlePath(a.id),
    };
  }
  if (scope.kind === 'source') {
    const s = scope.source;
    return {
      id: `palimpsest:source:${s.slug}`, title: `Palimpsest: changes to articles from ${s.name}`,
      description: `Every change Palimpsest saw to the articles of the source ${s.name}, as diffs.`, page: sourcePath(s.slug),
    };
  }
  return {
    id: 'palimpsest:changes', title: 'Palimpsest: latest changes',
    description: 'Every change Palimpsest saw to the articles it tracks, as diffs.', page: '/',
  };
}

/** Builds the feed of `scope` (its newest `limit` items; default: defaultFeedItems) and serialises it in `format`. */
export async function renderFeed(ctx: WebContext, scope: FeedScope, format: FeedFormat, base: string, includeMinor = false, limit?: number): Promise<string> {
  const count = limit ?? defaultFeedItems(ctx, scope);
  const changes = await ctx.store.listChanges({ ...changeFilter(scope, includeMinor), limit: count });
  // Items are made of the versions' stored results; the few missing (versions stored before them) are computed
  // once and stored, the web thread given back between them, and around the serialisation.
  const breathe = timeSlicer();
  const results = await readResults(ctx.store, changes, { breathe });
  const corrected = new Set((await ctx.store.listCorrectionsOf(changes.map((c) => c.id))).map((k) => k.versionId));
  let items: ItemModel[] = [];
  for (const c of changes) {
    const r = results.get(c.id);
    // A version gone meanwhile (re-extraction merged it) is left out, as it was when its text could not be read.
    if (r) items.push({ ...itemFor(ctx, c, base, r), ...(corrected.has(c.id) ? { categories: [CORRECTION_CATEGORY] } : {}) });
  }
  if (scope.kind === 'article') items = withEventItems(items, await eventItems(ctx, scope.article, base), count);
  const meta = feedMeta(scope);
  const xml = format !== 'json';
  // RSS channel titles/descriptions are often read as HTML: escape there; Atom's are type="text", JSON Feed's plain.
  const text = (s: string): string => (format === 'rss' ? escapeHtmlText(xmlSafe(s)) : xml ? xmlSafe(s) : s);
  const fallback = scope.kind === 'article' ? new Date(scope.article.firstSeen) : scope.kind === 'source' ? new Date(scope.source.createdAt) : ctx.now();
  const options: FeedOptions = {
    id: meta.id,
    title: text(meta.title),
    description: text(meta.description),
    link: base + meta.page,
    updated: items[0]?.date ?? fallback,
    generator: 'Palimpsest',
    author: { name: 'Palimpsest' },
    feedLinks: {
      rss: base + scopeFeedPath(scope, 'rss'),
      atom: base + scopeFeedPath(scope, 'atom'),
      json: base + scopeFeedPath(scope, 'json'),
    },
  };
  const out: Item[] = [];
  for (const i of items) {
    await breathe();
    const item: Item = {
      id: i.guid,
      guid: i.guid,
      // RSS and Atom (type="html") titles are read as HTML by feed readers: escape; JSON Feed titles are plain text.
      title: xml ? escapeHtmlText(xmlSafe(i.title)) : i.title,
      link: i.link,
      date: i.date,
      ...(i.headlineChanged || i.categories?.length
        ? { category: [...(i.headlineChanged ? [HEADLINE_CATEGORY] : []), ...(i.categories ?? [])].map((name) => ({ name, term: name })) } : {}),
    };
    if (format === 'rss') item.description = cdataSafe(i.html);
    else item.content = xml ? cdataSafe(i.html) : i.html;
    out.push(item);
  }
  // Serialising a hundred items is 50-200 ms in one piece: it runs in the serialiser thread (feed-serialize.ts).
  const serialized = await serializeFeed(options, out, format);
  // Sending a feed of megabytes gets a turn of its own.
  await yieldToEventLoop();
  return serialized;
}
