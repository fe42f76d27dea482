/**
 * Notification queries on SQLite: subscriptions, the delivery queue and its log, the dispatcher's cursors. One
 * writer at a time holds the file, so a claim (SELECT then UPDATE in the caller's IMMEDIATE transaction) never
 * hands a delivery to two workers, and a stream's highest id is always fully committed.
 */
import { stmt, type Db } from './db.js';
import {
  DELIVERY_COLS, STREAM_TABLES, SUBSCRIPTION_SELECT, toDelivery, toDeliveryAttempt, toSubscription, toVersionEvent, versionEventsSql,
  type AttemptRecord, type DeliveryRecord, type SubscriptionRecord, type VersionEventRecord,
} from '../notify-rows.js';
import type {
  AttemptResult, Delivery, DeliveryAttempt, DeliveryClaim, NewDelivery, NewSubscription, NotifyStream, Subscription, VersionEvent,
} from '../notify-types.js';

/** Inserts a subscription. */
export function insertSubscription(db: Db, s: NewSubscription): Subscription {
  const info = stmt(db, `INSERT INTO subscriptions (scope, source_id, article_id, channel, target, secret, filters, start_marks, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(s.scope, s.sourceId, s.articleId, s.channel, s.target, s.secret,
    JSON.stringify(s.filters), JSON.stringify(s.startMarks), s.createdAt);
  const created = getSubscription(db, Number(info.lastInsertRowid));
  if (!created) throw new Error('store: the new subscription vanished');
  return created;
}

/** The subscription with this id, or null. */
export function getSubscription(db: Db, id: number): Subscription | null {
  const r = stmt(db, `${SUBSCRIPTION_SELECT} WHERE s.id = ?`).get(id) as SubscriptionRecord | undefined;
  return r ? toSubscription(r) : null;
}

/** Every subscription in id order. */
export function listSubscriptions(db: Db): Subscription[] {
  return (stmt(db, `${SUBSCRIPTION_SELECT} ORDER BY s.id`).all() as SubscriptionRecord[]).map(toSubscription);
}

/** Deletes a subscription (its deliveries and attempts go with it). */
export function deleteSubscription(db: Db, id: number): boolean {
  return stmt(db, 'DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
}

/** The highest id of a stream's table (0 when empty). */
export function notifyHighWater(db: Db, stream: NotifyStream): number {
  const r = stmt(db, `SELECT coalesce(max(id), 0) AS m FROM ${STREAM_TABLES[stream]}`).get() as { m: number };
  return r.m;
}

/** The dispatcher's position in a stream, or null. */
export function getNotifyCursor(db: Db, stream: NotifyStream): number | null {
  const r = stmt(db, 'SELECT last_id FROM notify_cursors WHERE stream = ?').get(stream) as { last_id: number } | undefined;
  return r ? r.last_id : null;
}

/** Moves a cursor forward (created at `lastId` when new). */
export function advanceNotifyCursor(db: Db, stream: NotifyStream, lastId: number): void {
  stmt(db, `INSERT INTO notify_cursors (stream, last_id) VALUES (?, ?)
    ON CONFLICT (stream) DO UPDATE SET last_id = max(notify_cursors.last_id, excluded.last_id)`).run(stream, lastId);
}

/** New versions with ids in (afterId, upToId]. */
export function listVersionEvents(db: Db, afterId: number, upToId: number, limit: number): VersionEvent[] {
  const rows = stmt(db, versionEventsSql(() => '?')).all(afterId, upToId, limit) as VersionEventRecord[];
  return rows.map(toVersionEvent);
}

/** Queues deliveries, ignoring those already queued (call inside a transaction). */
export function enqueueDeliveries(db: Db, ds: readonly NewDelivery[]): number {
  const insert = stmt(db, `INSERT INTO deliveries (subscription_id, stream, event_id, event, created_at, next_attempt)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subscription_id, stream, event_id) DO NOTHING`);
  let n = 0;
  for (const d of ds) n += insert.run(d.subscriptionId, d.stream, d.eventId, JSON.stringify(d.event), d.createdAt, d.createdAt).changes;
  return n;
}

/** Leases due pending deliveries (call inside a write transaction). Lease times are the real clock, as for articles. */
export function claimDeliveries(db: Db, c: DeliveryClaim): Delivery[] {
  const rows = stmt(db, `SELECT ${DELIVERY_COLS} FROM deliveries WHERE status = 'pending' AND next_attempt <= ?
    AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt, id LIMIT ?`)
    .all(c.now, new Date().toISOString(), c.limit) as DeliveryRecord[];
  const until = new Date(Date.now() + c.leaseS * 1000).toISOString();
  const lease = stmt(db, 'UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?');
  for (const r of rows) lease.run(c.owner, until, r.id);
  return rows.map(toDelivery);
}

/** Logs an attempt and updates its delivery (call inside a transaction). */
export function recordDeliveryAttempt(db: Db, r: AttemptResult): void {
  const d = stmt(db, 'SELECT attempts FROM deliveries WHERE id = ?').get(r.deliveryId) as { attempts: number } | undefined;
  if (!d) return;
  stmt(db, `INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(r.deliveryId, d.attempts + 1, r.at, r.ok ? 1 : 0, r.httpStatus, r.error, r.durationMs);
  stmt(db, `UPDATE deliveries SET attempts = attempts + 1, status = ?, next_attempt = coalesce(?, next_attempt),
    delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END, last_error = ?, lease_owner = NULL, lease_until = NULL
    WHERE id = ?`).run(r.status, r.nextAttempt, r.ok ? 1 : 0, r.at, r.error, r.deliveryId);
}

/** The delivery with this id, or null. */
export function getDelivery(db: Db, id: number): Delivery | null {
  const r = stmt(db, `SELECT ${DELIVERY_COLS} FROM deliveries WHERE id = ?`).get(id) as DeliveryRecord | undefined;
  return r ? toDelivery(r) : null;
}

/** Deliveries, newest first. */
export function listDeliveries(db: Db, q: { subscriptionId?: number; limit: number }): Delivery[] {
  const rows = q.subscriptionId === undefined
    ? stmt(db, `SELECT ${DELIVERY_COLS} FROM deliveries ORDER BY id DESC LIMIT ?`).all(q.limit)
    : stmt(db, `SELECT ${DELIVERY_COLS} FROM deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT ?`).all(q.subscriptionId, q.limit);
  return (rows as DeliveryRecord[]).map(toDelivery);
}

/** The attempts of these deliveries. */
export function listDeliveryAttempts(db: Db, ids: readonly number[]): DeliveryAttempt[] {
  const rows = stmt(db, `SELECT id, delivery_id, attempt, at, ok, http_status, error, duration_ms FROM delivery_attempts
    WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, id`).all(JSON.stringify(ids)) as AttemptRecord[];
  return rows.map(toDeliveryAttempt);
}
