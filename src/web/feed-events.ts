/**
 * Article events in feeds and pages: an item per event in an article's feed (not a diff), the wording of an event
 * ("Absent at 2024-05-01 14:05 UTC", never "deleted": a 404 is all that is known) and the correction category.
 */
import type { Article, ArticleEvent } from '../store/index.js';
import type { WebContext } from './context.js';
import type { ItemModel } from './feeds.js';
import { formatUtc } from './format.js';
import { articlePath } from './paths.js';

/** The category of the items of versions that added a correction or update notice. */
export const CORRECTION_CATEGORY = 'correction';

/** The stable id of the feed item of an article event. */
export function eventGuid(articleId: number, eventId: number): string {
  return `palimpsest:article:${articleId}:event:${eventId}`;
}

/** An event's redirect target when it is one and is a string, else null. */
export function eventLocation(e: Pick<ArticleEvent, 'kind' | 'detail'>): string | null {
  return e.kind === 'redirected' && typeof e.detail.location === 'string' ? e.detail.location : null;
}

/** An event's HTTP status when its detail has one, else null. */
export function eventStatus(e: Pick<ArticleEvent, 'detail'>): number | null {
  return typeof e.detail.status === 'number' ? e.detail.status : null;
}

/** An event in words, plain text: "Absent at … (HTTP 404)", "Redirects to … since …", "Answers again at …". */
export function eventTitle(e: ArticleEvent): string {
  const at = formatUtc(e.at);
  const status = eventStatus(e);
  if (e.kind === 'absent') return `Absent at ${at}${status !== null ? ` (the page answers HTTP ${status})` : ''}`;
  if (e.kind === 'redirected') return `Redirects to ${eventLocation(e) ?? 'another address'} since ${at}`;
  return `Answers again at ${at}${status !== null ? ` (HTTP ${status})` : ''}`;
}

/** The feed items of an article's events, newest first. */
export async function eventItems(ctx: WebContext, article: Article, base: string): Promise<ItemModel[]> {
  const events = await ctx.store.listArticleEvents(article.id);
  const link = base + articlePath(article.id);
  return events.reverse().map((e) => ({
    guid: eventGuid(article.id, e.id),
    title: eventTitle(e),
    link,
    date: new Date(e.at),
    html: ctx.render('feed-event.njk', { event: e, title: eventTitle(e), location: eventLocation(e), link, articleUrl: article.url }),
    categories: [e.kind],
  }));
}

/** Version items and event items together, newest first, at most `max`. */
export function withEventItems(items: readonly ItemModel[], events: readonly ItemModel[], max: number): ItemModel[] {
  if (events.length === 0) return [...items];
  return [...items, ...events].sort((a, b) => b.date.getTime() - a.date.getTime()).slice(0, max);
}
