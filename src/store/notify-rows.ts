/** Rows of the notification tables as both backends return them, and their camelCase views (notify-types.ts). */
import type { ChangeKind } from './types.js';
import type {
  Delivery, DeliveryAttempt, DeliveryStatus, NotifyStream, Subscription, SubscriptionChannel, SubscriptionFilters,
  SubscriptionScope, VersionEvent,
} from './notify-types.js';

/** A subscriptions row joined with its source's slug. */
export interface SubscriptionRecord {
  id: number;
  scope: SubscriptionScope;
  source_id: number | null;
  article_id: number | null;
  channel: SubscriptionChannel;
  target: string;
  secret: string | null;
  filters: string;
  start_marks: string;
  created_at: string;
  source_slug: string | null;
}

/** The columns of a SubscriptionRecord (subscriptions `s` left-joined with sources `src`). */
export const SUBSCRIPTION_SELECT = `SELECT s.id, s.scope, s.source_id, s.article_id, s.channel, s.target, s.secret, s.filters,
  s.start_marks, s.created_at, src.slug AS source_slug FROM subscriptions s LEFT JOIN sources src ON src.id = s.source_id`;

const DEFAULT_FILTERS: SubscriptionFilters = { events: ['version'], kinds: ['substantive'], headlineOnly: false, minWords: 0 };

/** The camelCase view of a subscriptions row (filters completed with their defaults). */
export function toSubscription(r: SubscriptionRecord): Subscription {
  return {
    id: r.id, scope: r.scope, sourceId: r.source_id, articleId: r.article_id, channel: r.channel, target: r.target,
    secret: r.secret, filters: { ...DEFAULT_FILTERS, ...(JSON.parse(r.filters) as Partial<SubscriptionFilters>) },
    startMarks: JSON.parse(r.start_marks) as Subscription['startMarks'], createdAt: r.created_at, sourceSlug: r.source_slug,
  };
}

/** A deliveries row. */
export interface DeliveryRecord {
  id: number;
  subscription_id: number;
  stream: NotifyStream;
  event_id: number;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: string;
  next_attempt: string;
  delivered_at: string | null;
  last_error: string | null;
}

/** The columns of a DeliveryRecord. */
export const DELIVERY_COLS = 'id, subscription_id, stream, event_id, event, status, attempts, created_at, next_attempt, delivered_at, last_error';

/** The camelCase view of a deliveries row. */
export function toDelivery(r: DeliveryRecord): Delivery {
  return {
    id: r.id, subscriptionId: r.subscription_id, stream: r.stream, eventId: r.event_id,
    event: JSON.parse(r.event) as Record<string, unknown>, status: r.status, attempts: r.attempts, createdAt: r.created_at,
    nextAttempt: r.next_attempt, deliveredAt: r.delivered_at, lastError: r.last_error,
  };
}

/** A delivery_attempts row (`ok` is 0/1 on SQLite, a boolean on PostgreSQL). */
export interface AttemptRecord {
  id: number;
  delivery_id: number;
  attempt: number;
  at: string;
  ok: number | boolean;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

/** The camelCase view of a delivery_attempts row. */
export function toDeliveryAttempt(r: AttemptRecord): DeliveryAttempt {
  return {
    id: r.id, deliveryId: r.delivery_id, attempt: r.attempt, at: r.at, ok: r.ok === true || r.ok === 1,
    httpStatus: r.http_status, error: r.error, durationMs: r.duration_ms,
  };
}

/** A new version joined with its article and the headline of the version before it. */
export interface VersionEventRecord {
  id: number;
  article_id: number;
  url: string;
  source_id: number | null;
  number: number;
  title: string;
  previous_title: string | null;
  words_added: number;
  words_removed: number;
  change_kind: ChangeKind;
  captured_at: string;
}

/** The query of VersionEventRecords with ids in (?, ?], ascending, limited; `$` placeholders numbered by the caller. */
export function versionEventsSql(p: (n: number) => string): string {
  return `SELECT v.id, v.article_id, a.url, a.source_id, v.number, v.title, pv.title AS previous_title, v.words_added,
    v.words_removed, v.change_kind, v.captured_at
    FROM versions v JOIN articles a ON a.id = v.article_id
    LEFT JOIN versions pv ON pv.article_id = v.article_id AND pv.number = v.number - 1
    WHERE v.id > ${p(1)} AND v.id <= ${p(2)} ORDER BY v.id LIMIT ${p(3)}`;
}

/** The camelCase view of a VersionEventRecord. */
export function toVersionEvent(r: VersionEventRecord): VersionEvent {
  return {
    id: r.id, articleId: r.article_id, url: r.url, sourceId: r.source_id, number: r.number, title: r.title,
    previousTitle: r.previous_title, wordsAdded: r.words_added, wordsRemoved: r.words_removed, changeKind: r.change_kind,
    capturedAt: r.captured_at,
  };
}

/** The table of each stream (a fixed list: stream names never reach SQL otherwise). */
export const STREAM_TABLES: Record<NotifyStream, string> = {
  version: 'versions',
  article_event: 'article_events',
  source_health: 'source_health_events',
};
