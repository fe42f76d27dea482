/**
 * The subscriptions part of the JSON API (mounted at /api/subscriptions), every route behind the admin token:
 * list, add, one, remove, and a subscription's delivery log. Secrets are shown whole only in the answer that
 * created them (and only when Palimpsest generated them); afterwards masked.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { Delivery, DeliveryAttempt } from '../../store/index.js';
import { createSubscription, SubscriptionError, subscriptionJson } from '../../notify/subscriptions.js';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { parseLimit, parsePositiveInt } from '../params.js';

/** Default and largest page sizes of the delivery log. */
export const DELIVERIES_PAGE = { default: 50, max: 500 } as const;

/** The JSON of a delivery with its attempts. */
export function deliveryJson(d: Delivery, attempts: readonly DeliveryAttempt[]): Record<string, unknown> {
  return {
    id: d.id, subscription: d.subscriptionId, stream: d.stream, event_id: d.eventId, event: d.event, status: d.status,
    attempts: d.attempts, created_at: d.createdAt, next_attempt: d.status === 'pending' ? d.nextAttempt : null,
    delivered_at: d.deliveredAt, last_error: d.lastError,
    attempt_log: attempts.filter((a) => a.deliveryId === d.id).map((a) => ({
      attempt: a.attempt, at: a.at, ok: a.ok, status: a.httpStatus, error: a.error, duration_ms: a.durationMs,
    })),
  };
}

function subscriptionId(raw: string | undefined): number {
  const id = parsePositiveInt(raw ?? '');
  if (id === null) throw new HttpError(404, 'no such subscription');
  return id;
}

/** Routes of /api/subscriptions; `checkBearer` is the API's admin-token check, applied to all of them. */
export function apiSubscriptionsRouter(ctx: WebContext, checkBearer: RequestHandler): Router {
  const { store, config } = ctx;
  const router = express.Router();
  router.use(checkBearer);
  router.use((_req, res, next) => {
    // Subscriptions name private URLs and addresses: never kept by a cache.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/', async (_req, res) => {
    res.json({ subscriptions: (await store.listSubscriptions()).map(subscriptionJson) });
  });

  router.post('/', express.json({ limit: '16kb', strict: true }), async (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'expected a JSON subscription {"channel": "webhook", "url": ...} with Content-Type: application/json');
    const body = req.body as Record<string, unknown>;
    try {
      const s = await createSubscription(store, config, body, ctx.now());
      res.status(201).location(`/api/subscriptions/${s.id}`);
      const generated = s.secret !== null && body.secret === undefined;
      res.json({ subscription: subscriptionJson(s), ...(generated ? { secret: s.secret } : {}) });
    } catch (err) {
      if (err instanceof SubscriptionError) throw new HttpError(400, err.message);
      throw err;
    }
  });

  router.get('/:id', async (req, res) => {
    const s = await store.getSubscription(subscriptionId(req.params.id));
    if (!s) throw new HttpError(404, 'no such subscription');
    res.json({ subscription: subscriptionJson(s) });
  });

  router.delete('/:id', async (req, res) => {
    if (!(await store.deleteSubscription(subscriptionId(req.params.id)))) throw new HttpError(404, 'no such subscription');
    res.status(204).end();
  });

  router.get('/:id/deliveries', async (req, res) => {
    const id = subscriptionId(req.params.id);
    if (!(await store.getSubscription(id))) throw new HttpError(404, 'no such subscription');
    const limit = parseLimit(req.query.limit, DELIVERIES_PAGE.default, DELIVERIES_PAGE.max);
    const deliveries = await store.listDeliveries({ subscriptionId: id, limit });
    const attempts = await store.listDeliveryAttempts(deliveries.map((d) => d.id));
    res.json({ deliveries: deliveries.map((d) => deliveryJson(d, attempts)) });
  });

  return router;
}
