/**
 * The notifications page, behind the admin token like the track form: GET /subscriptions shows the form to add a
 * subscription and the one to open the list; POST /subscriptions adds one (its generated secret shown once),
 * POST /subscriptions/list shows every subscription with its recent deliveries and their attempts, and
 * POST /subscriptions/:id/remove removes one. The token is typed for each action and never sent back.
 */
import express, { type Router } from 'express';
import { NOTIFY_EVENT_KINDS, type Delivery, type DeliveryAttempt, type Subscription } from '../../store/index.js';
import { createSubscription, maskSecret, SubscriptionError } from '../../notify/subscriptions.js';
import type { WebContext } from '../context.js';
import { HttpError, publicMessage } from '../errors.js';
import { parsePositiveInt } from '../params.js';
import { ENABLE_WRITES_HINT, requireAdmin } from '../track.js';

/** Deliveries shown per subscription on the page. */
const LOG_ROWS = 10;

const KINDS = ['substantive', 'minor', 'initial'] as const;

type Body = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** The subscription input a submitted form asks for (validated by createSubscription). */
export function formInput(b: Body): Record<string, unknown> {
  const channel = text(b.channel) ?? 'webhook';
  const input: Record<string, unknown> = { channel };
  if (channel === 'webhook') {
    input.url = text(b.url) ?? '';
    if (text(b.secret)) input.secret = text(b.secret);
  } else if (channel === 'email') input.email = text(b.email) ?? '';
  const scope = text(b.scope) ?? '';
  if (scope.startsWith('source:')) input.source = scope.slice('source:'.length);
  const article = text(b.article);
  if (article !== undefined) input.article = parsePositiveInt(article) ?? -1;
  const events = list(b.events);
  if (events.length) input.events = events;
  const kinds = list(b.kinds);
  if (kinds.length) input.kinds = kinds;
  if (b.headlineOnly === 'on') input.headlineOnly = true;
  const minWords = text(b.minWords);
  if (minWords !== undefined) input.minWords = /^\d{1,7}$/.test(minWords) ? Number(minWords) : -1;
  return input;
}

interface LoggedSubscription {
  s: Subscription;
  secret: string | null;
  deliveries: Array<Delivery & { log: DeliveryAttempt[] }>;
}

/** Routes of the notifications page. */
export function subscriptionsRouter(ctx: WebContext): Router {
  const { config, render, store } = ctx;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  const page = async (values: Record<string, unknown> = {}): Promise<string> => render('subscriptions.njk', {
    currentPath: '/subscriptions', enabled: Boolean(config.adminToken), hint: ENABLE_WRITES_HINT,
    sources: (await store.listSources()).map((s) => ({ slug: s.slug, name: s.name })),
    eventKinds: NOTIFY_EVENT_KINDS, changeKinds: KINDS, emailEnabled: Boolean(config.notify.smtp.host), ...values,
  });

  const logged = async (): Promise<LoggedSubscription[]> => {
    const out: LoggedSubscription[] = [];
    for (const s of await store.listSubscriptions()) {
      const ds = await store.listDeliveries({ subscriptionId: s.id, limit: LOG_ROWS });
      const attempts = await store.listDeliveryAttempts(ds.map((d) => d.id));
      out.push({ s, secret: maskSecret(s.secret), deliveries: ds.map((d) => ({ ...d, log: attempts.filter((a) => a.deliveryId === d.id) })) });
    }
    return out;
  };

  /** Answers a refused submission with its status and the page again (what was typed kept, never the token). */
  const refuse = async (res: express.Response, err: unknown, values: Record<string, unknown>): Promise<void> => {
    if (err instanceof SubscriptionError) err = new HttpError(400, err.message);
    if (!(err instanceof HttpError) || err.status >= 500) throw err;
    res.status(err.status);
    res.type('html').send(await page({ ...values, error: publicMessage(err.message) }));
  };

  router.use('/subscriptions', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/subscriptions', async (_req, res) => {
    res.type('html').send(await page());
  });

  router.post('/subscriptions', form, async (req, res) => {
    const b = (req.body ?? {}) as Body;
    const typed = { url: text(b.url), email: text(b.email), channel: text(b.channel) ?? 'webhook', scope: text(b.scope), article: text(b.article) };
    try {
      requireAdmin(config.adminToken, text(b.token), false);
      const input = formInput(b);
      const s = await createSubscription(store, config, input, ctx.now());
      res.status(201).type('html').send(await page({
        added: { id: s.id, secret: input.secret === undefined ? s.secret : null },
      }));
    } catch (err) {
      await refuse(res, err, { typed });
    }
  });

  router.post('/subscriptions/list', form, async (req, res) => {
    try {
      requireAdmin(config.adminToken, text(((req.body ?? {}) as Body).token), false);
      res.type('html').send(await page({ subscriptions: await logged() }));
    } catch (err) {
      await refuse(res, err, { listError: true });
    }
  });

  router.post('/subscriptions/:id/remove', form, async (req, res) => {
    try {
      requireAdmin(config.adminToken, text(((req.body ?? {}) as Body).token), false);
      const id = parsePositiveInt(req.params.id);
      if (id === null || !(await store.deleteSubscription(id))) throw new HttpError(404, 'no such subscription');
      res.type('html').send(await page({ removed: id, subscriptions: await logged() }));
    } catch (err) {
      await refuse(res, err, { listError: true });
    }
  });

  return router;
}
