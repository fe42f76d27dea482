/**
 * The page of a listing in its default order (newest change first) found without aggregating every version: the
 * matching changes are read newest first through versions_captured, in batches, and the first sighting of each
 * article is its latest matching change, which is what the order sorts by. Once the page's articles are met (and the
 * changes of the same instant as the last of them, which the order breaks by article id), only those articles'
 * changes are aggregated. Shared by both backends; the SQL is each backend's.
 */
import type { ActivityQuery } from './types.js';
import { hasChangeFilter } from './activity-rows.js';

/** Changes read per batch of the walk. */
export const WALK_BATCH = 500;

/** A change as the walk reads it. */
export interface WalkedChange {
  id: number;
  articleId: number;
  capturedAt: string;
}

/**
 * Whether the walk serves this listing: newest first, and only articles with a matching change (an article without
 * one would sort by its first sighting, which no change tells).
 */
export function walkable(q: ActivityQuery): boolean {
  return q.sort === 'newest' && (q.changedOnly || hasChangeFilter(q));
}

/** The articles met so far, their latest change's time, and when the walk may stop. */
export class ActivityWalk {
  private readonly latest = new Map<number, string>();
  private boundary: string | null = null;
  private done = false;

  constructor(private readonly need: number) {}

  /** Takes a batch (newest first); false when the walk is over (the page is known or the changes ran out). */
  offer(batch: readonly WalkedChange[]): boolean {
    for (const c of batch) {
      if (this.boundary !== null && c.capturedAt < this.boundary) {
        this.done = true;
        break;
      }
      if (this.latest.has(c.articleId)) continue;
      this.latest.set(c.articleId, c.capturedAt);
      if (this.latest.size === this.need) this.boundary = c.capturedAt;
    }
    return !this.done && batch.length >= WALK_BATCH;
  }

  /** The ids of the page's articles (`offset`, then at most `limit`), in the listing's order. */
  page(offset: number, limit: number): number[] {
    return [...this.latest]
      .sort(([ia, a], [ib, b]) => (a < b ? 1 : a > b ? -1 : ib - ia))
      .slice(offset, offset + limit)
      .map(([id]) => id);
  }
}
