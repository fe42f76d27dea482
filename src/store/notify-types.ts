/**
 * Notifications as the store sees them: subscriptions, the delivery queue and its attempt log, the dispatcher's
 * cursors, and the part of the `Store` interface that reads and writes them (both backends implement it).
 */
import type { ChangeKind } from './types.js';

/** Which articles a subscription covers: every one, those of one source, or one article. */
export type SubscriptionScope = 'all' | 'source' | 'article';

/** Where a subscription's notifications go: a signed webhook, an email, or the Internet Archive's Save Page Now. */
export type SubscriptionChannel = 'webhook' | 'email' | 'archive';

/** The events a subscription can ask for: a new version, an article event (H6) or a source health event (H7). */
export type NotifyEventKind = 'version' | 'absent' | 'returned' | 'redirected' | 'degraded' | 'recovered';

/** Every event kind, in a fixed order (for validation and forms). */
export const NOTIFY_EVENT_KINDS: readonly NotifyEventKind[] = ['version', 'absent', 'returned', 'redirected', 'degraded', 'recovered'];

/** An event stream the dispatcher follows with a cursor: its rows have increasing integer ids. */
export type NotifyStream = 'version' | 'article_event' | 'source_health';

/** What a subscription lets through. */
export interface SubscriptionFilters {
  /** Event kinds delivered (default: new versions only). */
  events: NotifyEventKind[];
  /** Change kinds of new versions delivered (default: substantive only). */
  kinds: ChangeKind[];
  /** Only versions whose headline changed. */
  headlineOnly: boolean;
  /** Only versions with at least this many words added plus removed (0: any). */
  minWords: number;
}

/** A subscription to be inserted. */
export interface NewSubscription {
  scope: SubscriptionScope;
  sourceId: number | null;
  articleId: number | null;
  channel: SubscriptionChannel;
  /** The webhook URL or the email address ('' for archive). */
  target: string;
  /** The webhook's HMAC key (null for other channels). */
  secret: string | null;
  filters: SubscriptionFilters;
  /** The highest id of each stream when it was made: events at or below are never delivered to it. */
  startMarks: Partial<Record<NotifyStream, number>>;
  createdAt: string;
}

/** A stored subscription. */
export interface Subscription extends NewSubscription {
  id: number;
  /** The slug of its source (scope 'source'), for display. */
  sourceSlug: string | null;
}

/** A delivery to queue: one event for one subscription. */
export interface NewDelivery {
  subscriptionId: number;
  stream: NotifyStream;
  eventId: number;
  /** What the sender needs to build the message (JSON). */
  event: Record<string, unknown>;
  createdAt: string;
}

/** Where a delivery stands. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A queued delivery. */
export interface Delivery {
  id: number;
  subscriptionId: number;
  stream: NotifyStream;
  eventId: number;
  event: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttempt: string;
  deliveredAt: string | null;
  lastError: string | null;
}

/** One attempt at a delivery, as logged. */
export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  attempt: number;
  at: string;
  ok: boolean;
  /** The receiver's HTTP status (webhook, archive) or SMTP reply code (email), when there was one. */
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** The result of one attempt and what follows from it. */
export interface AttemptResult {
  deliveryId: number;
  /** The worker that claimed the delivery (its lease is freed). */
  owner: string;
  at: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** 'delivered', 'pending' (another attempt at nextAttempt) or 'failed' (no more attempts). */
  status: DeliveryStatus;
  nextAttempt: string | null;
}

/** Claiming due deliveries. */
export interface DeliveryClaim {
  owner: string;
  /** ISO time: deliveries whose next attempt is at or before it. */
  now: string;
  limit: number;
  leaseS: number;
}

/** A new version as the dispatcher matches it against subscriptions. */
export interface VersionEvent {
  /** The version's id (the stream's id). */
  id: number;
  articleId: number;
  url: string;
  sourceId: number | null;
  number: number;
  title: string;
  /** The headline of the version before, or null for a first version. */
  previousTitle: string | null;
  wordsAdded: number;
  wordsRemoved: number;
  changeKind: ChangeKind;
  capturedAt: string;
}

/** The notification part of the `Store` interface. */
export interface NotifyStore {
  /** Inserts a subscription; returns it with its id. */
  insertSubscription(s: NewSubscription): Promise<Subscription>;
  /** The subscription with this id, or null. */
  getSubscription(id: number): Promise<Subscription | null>;
  /** Every subscription, in id order. */
  listSubscriptions(): Promise<Subscription[]>;
  /** Deletes a subscription with its deliveries and their log; false when there was none. */
  deleteSubscription(id: number): Promise<boolean>;
  /**
   * The highest id of a stream such that every row with an id at or below it that will ever exist is visible now
   * (PostgreSQL: waits briefly for transactions still inserting into it; null when they did not finish in time).
   */
  notifyHighWater(stream: NotifyStream): Promise<number | null>;
  /** The dispatcher's position in a stream, or null before its first pass. */
  getNotifyCursor(stream: NotifyStream): Promise<number | null>;
  /** Moves the position forward to `lastId` (never back: two dispatchers may race). */
  advanceNotifyCursor(stream: NotifyStream, lastId: number): Promise<void>;
  /** New versions with ids in (afterId, upToId], ascending, at most `limit`. */
  listVersionEvents(afterId: number, upToId: number, limit: number): Promise<VersionEvent[]>;
  /** Queues deliveries, skipping any (subscription, stream, event) already queued; returns how many were new. */
  enqueueDeliveries(ds: readonly NewDelivery[]): Promise<number>;
  /** Leases up to `limit` pending deliveries due at `now` that nobody holds, oldest due first. */
  claimDeliveries(c: DeliveryClaim): Promise<Delivery[]>;
  /** Logs an attempt and sets the delivery's status, attempt count and next attempt; frees the lease. */
  recordDeliveryAttempt(r: AttemptResult): Promise<void>;
  /** The delivery with this id, or null. */
  getDelivery(id: number): Promise<Delivery | null>;
  /** Deliveries (of one subscription, or all), newest first. */
  listDeliveries(q: { subscriptionId?: number; limit: number }): Promise<Delivery[]>;
  /** The attempts of these deliveries, in attempt order. */
  listDeliveryAttempts(deliveryIds: readonly number[]): Promise<DeliveryAttempt[]>;
}
