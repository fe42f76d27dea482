/**
 * The sender: claims due deliveries (leased in the store, so several processes never send one at the same time),
 * sends each on its subscription's channel, and logs the attempt. A failure (network error, timeout, a status
 * other than 2xx, an SMTP refusal) is retried with exponential backoff, or after the receiver's Retry-After, until
 * `maxAttempts`; then the delivery is marked failed, and stays in the log with every attempt.
 */
import type { Config } from '../config/index.js';
import { backoffMs, parseRetryAfter } from '../fetcher/retry.js';
import type { LookupFunction } from '../fetcher/types.js';
import type { Delivery, DeliveryStatus, Store, Subscription } from '../store/index.js';
import { requestArchive } from './archive.js';
import { sendEmail } from './email.js';
import { buildMessage, GoneError } from './message.js';
import { postWebhook } from './webhook.js';

/** What the sender needs besides the store. */
export interface SenderDeps {
  store: Store;
  config: Config;
  /** Who claims (the worker id). */
  owner: string;
  now?: () => Date;
  /** Host name resolution (tests map names to loopback). */
  lookup?: LookupFunction;
  /** Random source of the backoff's jitter. */
  random?: () => number;
}

/** The outcome of one attempt, before it is logged. */
export interface Attempt {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** A wait the receiver asked for (Retry-After), in ms. */
  retryAfterMs: number | null;
  /** Retrying cannot help (the event is gone, the channel is off). */
  permanent: boolean;
}

const failed = (error: string, permanent = false, status: number | null = null): Attempt => ({ ok: false, status, error, retryAfterMs: null, permanent });

async function attemptDelivery(deps: SenderDeps, d: Delivery, sub: Subscription, now: Date): Promise<Attempt> {
  const n = deps.config.notify;
  const http = { timeoutMs: n.timeoutMs, allowPrivate: deps.config.allowPrivate, ...(deps.lookup ? { lookup: deps.lookup } : {}) };
  let message;
  try {
    message = await buildMessage(deps.store, d, deps.config.baseUrl);
  } catch (err) {
    return failed((err as Error).message, err instanceof GoneError);
  }
  try {
    if (sub.channel === 'email') {
      const r = await sendEmail(n.smtp, sub.target, message);
      return { ok: r.ok, status: r.code, error: r.error, retryAfterMs: null, permanent: false };
    }
    let answer;
    if (sub.channel === 'archive') {
      if (!n.savePageNow.enabled) return failed('Save Page Now is turned off (notify.savePageNow.enabled)', true);
      const article = message.body.article as { url: string };
      answer = await requestArchive(n.savePageNow, article.url, http);
    } else {
      answer = await postWebhook(sub.target, sub.secret ?? '', message.body, now, http);
    }
    const ok = answer.status >= 200 && answer.status < 300;
    const retryAfter = answer.headers['retry-after'];
    return {
      ok, status: answer.status, error: ok ? null : `HTTP ${answer.status}${answer.bodyStart ? `: ${answer.bodyStart.slice(0, 200)}` : ''}`,
      retryAfterMs: ok ? null : parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, now, deps.config.fetch.maxRetryAfterS * 1000),
      permanent: false,
    };
  } catch (err) {
    return failed((err as Error).message);
  }
}

/** Where a delivery goes after an attempt: done, again at a later time, or given up. Pure. */
export function nextStep(a: Attempt, attemptsBefore: number, n: Config['notify'], now: Date, random: () => number = Math.random):
  { status: DeliveryStatus; nextAttempt: string | null } {
  if (a.ok) return { status: 'delivered', nextAttempt: null };
  const attempts = attemptsBefore + 1;
  if (a.permanent || attempts >= n.maxAttempts) return { status: 'failed', nextAttempt: null };
  const wait = Math.max(a.retryAfterMs ?? 0, backoffMs(attempts, n.retryBaseS * 1000, n.retryMaxS * 1000, random));
  return { status: 'pending', nextAttempt: new Date(now.getTime() + wait).toISOString() };
}

/** Sends one claimed delivery and logs the attempt; never throws for the receiver's sake. */
export async function deliver(deps: SenderDeps, d: Delivery): Promise<DeliveryStatus> {
  const now = (deps.now ?? (() => new Date()))();
  const sub = await deps.store.getSubscription(d.subscriptionId);
  const t0 = performance.now();
  const a = sub ? await attemptDelivery(deps, d, sub, now) : failed('the subscription was removed', true);
  const durationMs = Math.round(performance.now() - t0);
  const step = nextStep(a, d.attempts, deps.config.notify, now, deps.random);
  await deps.store.recordDeliveryAttempt({
    deliveryId: d.id, owner: deps.owner, at: now.toISOString(), ok: a.ok, httpStatus: a.status, error: a.error, durationMs, ...step,
  });
  return step.status;
}

/** What one send pass did. */
export interface SendSummary {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/** Claims due deliveries `concurrency` at a time and sends them, until none is due. */
export async function sendDue(deps: SenderDeps, maxDeliveries = Number.POSITIVE_INFINITY): Promise<SendSummary> {
  const n = deps.config.notify;
  const summary: SendSummary = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  while (summary.attempted < maxDeliveries) {
    const now = (deps.now ?? (() => new Date()))();
    // As many as are sent at once: a claimed delivery waiting behind slow receivers could outlive its lease.
    const limit = Math.min(n.concurrency, maxDeliveries - summary.attempted);
    const batch = await deps.store.claimDeliveries({ owner: deps.owner, now: now.toISOString(), limit, leaseS: n.leaseS });
    if (batch.length === 0) break;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < batch.length) {
        const d = batch[next++]!;
        const status = await deliver(deps, d);
        summary.attempted++;
        if (status === 'delivered') summary.delivered++;
        else if (status === 'failed') summary.failed++;
        else summary.retrying++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(n.concurrency, batch.length) }, lane));
    if (batch.length < limit) break;
  }
  return summary;
}

/**
 * Sends a test notification for a subscription now, outside the queue (nothing is logged): the newest version in
 * its scope, whatever its filters say. Null when its scope has no version after a first one yet.
 */
export async function sendTest(deps: SenderDeps, sub: Subscription): Promise<Attempt | null> {
  const changes = await deps.store.listChanges({
    changesOnly: true, includeMinor: true, limit: 1,
    ...(sub.articleId !== null ? { articleId: sub.articleId } : {}), ...(sub.sourceId !== null ? { sourceId: sub.sourceId } : {}),
  });
  const c = changes[0];
  if (!c) return null;
  const now = (deps.now ?? (() => new Date()))();
  const d: Delivery = {
    id: 0, subscriptionId: sub.id, stream: 'version', eventId: 0, event: { articleId: c.articleId, number: c.number, test: true },
    status: 'pending', attempts: 0, createdAt: now.toISOString(), nextAttempt: now.toISOString(), deliveredAt: null, lastError: null,
  };
  return attemptDelivery(deps, d, sub, now);
}
