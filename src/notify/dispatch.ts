/**
 * The dispatcher: follows each event stream with a cursor kept in the store and queues one delivery per matching
 * subscription and event. Deliveries are unique per (subscription, stream, event), so any number of dispatchers
 * (workers, serve's tick) may run at once: a race queues nothing twice, and the cursor only moves forward.
 */
import type { Store, Subscription } from '../store/index.js';
import { STREAMS, type DispatchEvent } from './streams.js';

/** Whether a subscription wants an event (pure). */
export function matches(sub: Subscription, e: DispatchEvent): boolean {
  const mark = sub.startMarks[e.stream];
  if (mark !== undefined && e.id <= mark) return false;
  if (!sub.filters.events.includes(e.kind)) return false;
  if (sub.scope === 'article' && e.articleId !== sub.articleId) return false;
  if (sub.scope === 'source' && e.sourceId !== sub.sourceId) return false;
  const v = e.version;
  if (v) {
    if (!sub.filters.kinds.includes(v.changeKind)) return false;
    if (sub.filters.headlineOnly && (v.previousTitle === null || v.previousTitle === v.title)) return false;
    if (v.wordsAdded + v.wordsRemoved < sub.filters.minWords) return false;
  }
  if (sub.channel === 'archive' && e.kind !== 'version') return false;
  return true;
}

/** What one dispatch pass did. */
export interface DispatchSummary {
  /** Events read, over all streams. */
  events: number;
  /** Deliveries newly queued. */
  queued: number;
}

/**
 * One pass over every stream: reads up to `batch` events past each cursor (never past the stream's high-water
 * mark, so a version committed late is not skipped), queues the matching deliveries and moves the cursor. A
 * stream read for the first time starts at its end: what happened before notifications existed is not sent.
 */
export async function dispatchOnce(store: Store, now: Date, batch: number): Promise<DispatchSummary> {
  const summary: DispatchSummary = { events: 0, queued: 0 };
  // With no subscription there is nobody to queue for, and reading a high-water mark briefly locks the stream's
  // table against writers (on PostgreSQL): skip the pass. A subscription created later starts at the streams' ends
  // (its start marks), so the cursors left behind never send it the past.
  const subs: Subscription[] = await store.listSubscriptions();
  if (subs.length === 0) return summary;
  for (const stream of STREAMS) {
    const high = await store.notifyHighWater(stream.name);
    if (high === null) continue;
    const cursor = await store.getNotifyCursor(stream.name);
    if (cursor === null) {
      await store.advanceNotifyCursor(stream.name, high);
      continue;
    }
    if (cursor >= high) continue;
    const events = await stream.read(store, cursor, high, batch);
    if (events.length === 0) {
      await store.advanceNotifyCursor(stream.name, high);
      continue;
    }
    const createdAt = now.toISOString();
    const queue = events.flatMap((e) => subs.filter((s) => matches(s, e)).map((s) => ({
      subscriptionId: s.id, stream: e.stream, eventId: e.id, event: e.event, createdAt,
    })));
    summary.events += events.length;
    summary.queued += await store.enqueueDeliveries(queue);
    const last = events[events.length - 1]!.id;
    // A full page may have more behind it; a short one means everything up to the high-water mark was read.
    await store.advanceNotifyCursor(stream.name, events.length < batch ? high : last);
  }
  return summary;
}
