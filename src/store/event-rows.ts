/** Row mapping of article events, shared by both backends. */
import type { ArticleEvent, ArticleEventKind } from './types.js';

/** An article_events row as both backends select it. */
export interface ArticleEventRecord {
  id: number;
  article_id: number;
  kind: string;
  at: string;
  detail: string;
}

/** The camelCase view of an article_events row; a detail that is not a JSON object reads as {}. */
export function toArticleEvent(r: ArticleEventRecord): ArticleEvent {
  let detail: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(r.detail);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
  } catch {
    detail = {}; // written by this module as JSON; an unreadable one carries nothing to show
  }
  return { id: r.id, articleId: r.article_id, kind: r.kind as ArticleEventKind, at: r.at, detail };
}
