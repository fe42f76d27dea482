/**
 * Notification queries on PostgreSQL, where any number of workers share the queue. A claim is one UPDATE whose
 * sub-select locks due rows FOR UPDATE SKIP LOCKED (as for articles, see claims.ts); deliveries are unique per
 * subscription and event, so two dispatchers racing queue each delivery once.
 */
import { hasCode, row, rows, run, type Db } from './db.js';
import {
  DELIVERY_COLS, STREAM_TABLES, SUBSCRIPTION_SELECT, toDelivery, toDeliveryAttempt, toSubscription, toVersionEvent, versionEventsSql,
  type AttemptRecord, type DeliveryRecord, type SubscriptionRecord, type VersionEventRecord,
} from '../notify-rows.js';
import type {
  AttemptResult, Delivery, DeliveryAttempt, DeliveryClaim, NewDelivery, NewSubscription, NotifyStream, Subscription, VersionEvent,
} from '../notify-types.js';

/** Inserts a subscription. */
export async function insertSubscription(db: Db, s: NewSubscription): Promise<Subscription> {
  const r = await row<{ id: number }>(db, `INSERT INTO subscriptions (scope, source_id, article_id, channel, target, secret, filters, start_marks, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, [s.scope, s.sourceId, s.articleId, s.channel, s.target, s.secret,
    JSON.stringify(s.filters), JSON.stringify(s.startMarks), s.createdAt]);
  const created = r ? await getSubscription(db, r.id) : null;
  if (!created) throw new Error('store: the new subscription vanished');
  return created;
}

/** The subscription with this id, or null. */
export async function getSubscription(db: Db, id: number): Promise<Subscription | null> {
  const r = await row<SubscriptionRecord>(db, `${SUBSCRIPTION_SELECT} WHERE s.id = $1`, [id]);
  return r ? toSubscription(r) : null;
}

/** Every subscription in id order. */
export async function listSubscriptions(db: Db): Promise<Subscription[]> {
  return (await rows<SubscriptionRecord>(db, `${SUBSCRIPTION_SELECT} ORDER BY s.id`)).map(toSubscription);
}

/** Deletes a subscription (its deliveries and attempts go with it). */
export async function deleteSubscription(db: Db, id: number): Promise<boolean> {
  return (await run(db, 'DELETE FROM subscriptions WHERE id = $1', [id])) > 0;
}

/**
 * The highest id of a stream's table once every transaction still inserting into it has ended (call inside a
 * transaction). Identity values are handed out at insert time, so a transaction may commit id 10 after another
 * committed id 11; a cursor moved to 11 would skip 10 for good. A SHARE lock waits for the inserting transactions
 * (ROW EXCLUSIVE) to finish, so every id up to the max read under it is committed or never will be. The lock is
 * held until the transaction ends (at once), and given up after a second (isLockTimeout) rather than stall captures.
 */
export async function notifyHighWater(db: Db, stream: NotifyStream): Promise<number | null> {
  const table = STREAM_TABLES[stream];
  await run(db, "SET LOCAL lock_timeout = '1s'");
  await run(db, `LOCK TABLE ${table} IN SHARE MODE`);
  const r = await row<{ m: number }>(db, `SELECT coalesce(max(id), 0)::bigint AS m FROM ${table}`);
  return r?.m ?? 0;
}

/** True for the error of a lock not granted within lock_timeout (notifyHighWater's "try again later"). */
export function isLockTimeout(err: unknown): boolean {
  return hasCode(err, '55P03');
}

/** The dispatcher's position in a stream, or null. */
export async function getNotifyCursor(db: Db, stream: NotifyStream): Promise<number | null> {
  const r = await row<{ last_id: number }>(db, 'SELECT last_id FROM notify_cursors WHERE stream = $1', [stream]);
  return r ? r.last_id : null;
}

/** Moves a cursor forward (created at `lastId` when new). */
export async function advanceNotifyCursor(db: Db, stream: NotifyStream, lastId: number): Promise<void> {
  await run(db, `INSERT INTO notify_cursors (stream, last_id) VALUES ($1, $2)
    ON CONFLICT (stream) DO UPDATE SET last_id = greatest(notify_cursors.last_id, excluded.last_id)`, [stream, lastId]);
}

/** New versions with ids in (afterId, upToId]. */
export async function listVersionEvents(db: Db, afterId: number, upToId: number, limit: number): Promise<VersionEvent[]> {
  const r = await rows<VersionEventRecord>(db, versionEventsSql((n) => `$${n}`), [afterId, upToId, limit]);
  return r.map(toVersionEvent);
}

/** Queues deliveries in one statement, ignoring those already queued. */
export async function enqueueDeliveries(db: Db, ds: readonly NewDelivery[]): Promise<number> {
  if (ds.length === 0) return 0;
  return run(db, `INSERT INTO deliveries (subscription_id, stream, event_id, event, created_at, next_attempt)
    SELECT s, st, e, ev, c, c FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS t(s, st, e, ev, c)
    ON CONFLICT (subscription_id, stream, event_id) DO NOTHING`,
  [ds.map((d) => d.subscriptionId), ds.map((d) => d.stream), ds.map((d) => d.eventId), ds.map((d) => JSON.stringify(d.event)), ds.map((d) => d.createdAt)]);
}

/** Leases due pending deliveries nobody holds. */
export async function claimDeliveries(db: Db, c: DeliveryClaim): Promise<Delivery[]> {
  const r = await rows<DeliveryRecord>(db, `WITH claimed AS (
      UPDATE deliveries SET lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $2)
       WHERE id IN (SELECT id FROM deliveries
                     WHERE status = 'pending' AND next_attempt <= $3 AND (lease_until IS NULL OR lease_until < clock_timestamp())
                     ORDER BY next_attempt, id LIMIT $4
                       FOR UPDATE SKIP LOCKED)
      RETURNING ${DELIVERY_COLS})
    SELECT * FROM claimed ORDER BY next_attempt, id`, [c.owner, c.leaseS, c.now, c.limit]);
  return r.map(toDelivery);
}

/** Logs an attempt and updates its delivery in one statement. */
export async function recordDeliveryAttempt(db: Db, r: AttemptResult): Promise<void> {
  await run(db, `WITH d AS (
      UPDATE deliveries SET attempts = attempts + 1, status = $2, next_attempt = coalesce($3, next_attempt),
        delivered_at = CASE WHEN $4 THEN $5 ELSE delivered_at END, last_error = $6, lease_owner = NULL, lease_until = NULL
       WHERE id = $1 RETURNING id, attempts)
    INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, http_status, error, duration_ms)
    SELECT id, attempts, $5, $4, $7, $6, $8 FROM d`,
  [r.deliveryId, r.status, r.nextAttempt, r.ok, r.at, r.error, r.httpStatus, r.durationMs]);
}

/** The delivery with this id, or null. */
export async function getDelivery(db: Db, id: number): Promise<Delivery | null> {
  const r = await row<DeliveryRecord>(db, `SELECT ${DELIVERY_COLS} FROM deliveries WHERE id = $1`, [id]);
  return r ? toDelivery(r) : null;
}

/** Deliveries, newest first. */
export async function listDeliveries(db: Db, q: { subscriptionId?: number; limit: number }): Promise<Delivery[]> {
  const r = q.subscriptionId === undefined
    ? await rows<DeliveryRecord>(db, `SELECT ${DELIVERY_COLS} FROM deliveries ORDER BY id DESC LIMIT $1`, [q.limit])
    : await rows<DeliveryRecord>(db, `SELECT ${DELIVERY_COLS} FROM deliveries WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2`, [q.subscriptionId, q.limit]);
  return r.map(toDelivery);
}

/** The attempts of these deliveries. */
export async function listDeliveryAttempts(db: Db, ids: readonly number[]): Promise<DeliveryAttempt[]> {
  if (ids.length === 0) return [];
  const r = await rows<AttemptRecord>(db, `SELECT id, delivery_id, attempt, at, ok, http_status, error, duration_ms FROM delivery_attempts
    WHERE delivery_id = ANY ($1::bigint[]) ORDER BY delivery_id, id`, [[...ids]]);
  return r.map(toDeliveryAttempt);
}
