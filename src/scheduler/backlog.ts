/** Spreading a backlog of overdue articles (after downtime) over the following ticks instead of firing it at once. */
import type { Store } from '../store/index.js';

/** A new next-check time for one article. */
export interface Move {
  id: number;
  nextCheck: string;
}

/**
 * New next-check times for a backlog, given in the order it is to be checked: the first `perTick` stay due now
 * (the current tick takes them), the others follow evenly spaced, `perTick` per `tickMs`, in the same order.
 * Returns only the articles that move (none when the backlog fits in one tick). Pure.
 */
export function spreadBacklog(ids: readonly number[], now: Date, perTick: number, tickMs: number): Move[] {
  if (perTick < 1 || ids.length <= perTick) return [];
  const stepMs = tickMs / perTick;
  const t0 = now.getTime();
  return ids.slice(perTick).map((id, k) => ({ id, nextCheck: new Date(t0 + Math.round((k + 1) * stepMs)).toISOString() }));
}

/** Spreads the articles overdue at `now` when there are more than `perTick`; returns how many moved. */
export async function spreadOverdue(store: Store, now: Date, perTick: number, tickMs: number): Promise<number> {
  const moves = spreadBacklog(await store.listOverdueArticleIds(now.toISOString()), now, perTick, tickMs);
  // Only articles still overdue move: one checked since the listing keeps the next check its check gave it.
  if (moves.length > 0) await store.rescheduleArticles(moves, now.toISOString());
  return moves.length;
}
