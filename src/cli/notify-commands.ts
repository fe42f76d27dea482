/** The `notify` CLI commands: add, list, remove, test, log, run. Each returns the process exit code. */
import pino from 'pino';
import type { Config } from '../config/index.js';
import type { Delivery, DeliveryAttempt, Store, Subscription } from '../store/index.js';
import { NotifyRunner } from '../notify/runner.js';
import { sendTest } from '../notify/sender.js';
import { createSubscription, maskSecret, SubscriptionError, subscriptionJson } from '../notify/subscriptions.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';
import { workerId } from '../scheduler/worker-id.js';

/** Options of `notify add`. */
export interface NotifyAddOptions {
  webhook?: string;
  secret?: string;
  email?: string;
  archive?: boolean;
  source?: string;
  article?: string;
  events?: string[];
  kinds?: string[];
  headlineOnly?: boolean;
  minWords?: string;
}

function withConfiguredStore<T>(g: GlobalOptions, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = commandConfig(g);
  return withStore(config, (store) => fn(store, config));
}

function fail(command: string, message: string, code = 2): number {
  process.stderr.write(`palimpsest notify ${command}: ${message}\n`);
  return code;
}

function parseId(raw: string): number | null {
  return /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : null;
}

/** One line describing a subscription (the secret masked). */
export function describeSubscription(s: Subscription): string {
  const where = s.channel === 'archive' ? 'Save Page Now' : s.target;
  const scope = s.scope === 'all' ? 'all articles' : s.scope === 'source' ? `source ${s.sourceSlug ?? s.sourceId}` : `article ${s.articleId}`;
  const f = s.filters;
  const filters = [`events ${f.events.join(',')}`, `kinds ${f.kinds.join(',')}`];
  if (f.headlineOnly) filters.push('headline changes only');
  if (f.minWords > 0) filters.push(`at least ${f.minWords} words changed`);
  const secret = s.secret ? `\tsecret ${maskSecret(s.secret)}` : '';
  return `${s.id}\t${s.channel}\t${where}\t${scope}\t${filters.join('; ')}${secret}`;
}

/** `notify add --webhook <url> | --email <address> | --archive [--source <slug> | --article <id>] [filters]`. */
export async function notifyAddCommand(g: GlobalOptions, opts: NotifyAddOptions): Promise<number> {
  const channels = [opts.webhook !== undefined, opts.email !== undefined, opts.archive === true].filter(Boolean).length;
  if (channels !== 1) return fail('add', 'give exactly one of --webhook <url>, --email <address> or --archive');
  const input: Record<string, unknown> = {
    channel: opts.webhook !== undefined ? 'webhook' : opts.email !== undefined ? 'email' : 'archive',
  };
  if (opts.webhook !== undefined) input.url = opts.webhook;
  if (opts.email !== undefined) input.email = opts.email;
  if (opts.secret !== undefined) input.secret = opts.secret;
  if (opts.source !== undefined) input.source = opts.source;
  if (opts.article !== undefined) {
    const id = parseId(opts.article);
    if (id === null) return fail('add', `--article takes an article id, not ${opts.article}`);
    input.article = id;
  }
  if (opts.events?.length) input.events = opts.events;
  if (opts.kinds?.length) input.kinds = opts.kinds;
  if (opts.headlineOnly) input.headlineOnly = true;
  if (opts.minWords !== undefined) {
    const n = Number(opts.minWords);
    if (!Number.isInteger(n) || n < 0) return fail('add', `--min-words takes a whole number, not ${opts.minWords}`);
    input.minWords = n;
  }
  return withConfiguredStore(g, async (store, config) => {
    try {
      const s = await createSubscription(store, config, input, new Date());
      process.stdout.write(`added subscription ${s.id}: ${describeSubscription(s).split('\t').slice(1).join(', ')}\n`);
      // The only time the secret is shown whole: the receiver needs it to check signatures.
      if (s.secret && opts.secret === undefined) process.stdout.write(`secret (shown once; keep it to verify X-Palimpsest-Signature): ${s.secret}\n`);
      return 0;
    } catch (err) {
      if (err instanceof SubscriptionError) return fail('add', err.message);
      throw err;
    }
  });
}

/** `notify list [--json]`: every subscription, secrets masked. */
export async function notifyListCommand(g: GlobalOptions, opts: { json?: boolean } = {}): Promise<number> {
  return withConfiguredStore(g, async (store) => {
    const subs = await store.listSubscriptions();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(subs.map(subscriptionJson), null, 2)}\n`);
      return 0;
    }
    if (subs.length === 0) {
      process.stdout.write('no subscriptions; add one with "palimpsest notify add --webhook <url>" or "--email <address>"\n');
      return 0;
    }
    for (const s of subs) process.stdout.write(`${describeSubscription(s)}\n`);
    return 0;
  });
}

/** `notify remove <id>`: deletes a subscription with its queue and log. */
export async function notifyRemoveCommand(g: GlobalOptions, rawId: string): Promise<number> {
  const id = parseId(rawId);
  if (id === null) return fail('remove', `give a subscription id, not ${rawId}`);
  return withConfiguredStore(g, async (store) => {
    if (!(await store.deleteSubscription(id))) return fail('remove', `no subscription ${id} (see "palimpsest notify list")`, 1);
    process.stdout.write(`removed subscription ${id}\n`);
    return 0;
  });
}

/** `notify test <id>`: sends the newest change in the subscription's scope now; exit code 1 when it failed. */
export async function notifyTestCommand(g: GlobalOptions, rawId: string): Promise<number> {
  const id = parseId(rawId);
  if (id === null) return fail('test', `give a subscription id, not ${rawId}`);
  return withConfiguredStore(g, async (store, config) => {
    const sub = await store.getSubscription(id);
    if (!sub) return fail('test', `no subscription ${id} (see "palimpsest notify list")`, 1);
    const r = await sendTest({ store, config, owner: workerId('notify-test') }, sub);
    if (!r) return fail('test', 'nothing to send yet: no article in its scope has a second version', 1);
    const status = r.status === null ? '' : ` (${r.status})`;
    if (r.ok) process.stdout.write(`sent a test notification to subscription ${id}${status}\n`);
    else process.stdout.write(`the test notification to subscription ${id} failed${status}: ${r.error ?? 'unknown error'}\n`);
    return r.ok ? 0 : 1;
  });
}

function attemptLine(a: DeliveryAttempt): string {
  const status = a.httpStatus === null ? '' : ` ${a.httpStatus}`;
  return `  attempt ${a.attempt} at ${a.at}: ${a.ok ? 'ok' : 'failed'}${status}, ${a.durationMs} ms${a.error ? ` — ${a.error}` : ''}`;
}

function deliveryLine(d: Delivery): string {
  const what = d.stream === 'version' ? `version ${String(d.event.number)} of article ${String(d.event.articleId)}`
    : d.stream === 'article_event' ? `${String(d.event.kind)} of article ${String(d.event.articleId)}` : `${String(d.event.kind)} of source ${String(d.event.source)}`;
  const next = d.status === 'pending' ? `, next attempt ${d.nextAttempt}` : '';
  return `delivery ${d.id}\tsubscription ${d.subscriptionId}\t${what}\t${d.status} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${next}`;
}

/** `notify log [<subscription id>] [--limit n] [--json]`: deliveries, newest first, with every attempt. */
export async function notifyLogCommand(g: GlobalOptions, rawId: string | undefined, opts: { limit?: string; json?: boolean } = {}): Promise<number> {
  const id = rawId === undefined ? undefined : parseId(rawId);
  if (id === null) return fail('log', `give a subscription id, not ${rawId}`);
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return fail('log', '--limit takes a whole number from 1 to 10000');
  return withConfiguredStore(g, async (store) => {
    const deliveries = await store.listDeliveries({ ...(id !== undefined ? { subscriptionId: id } : {}), limit });
    const attempts = await store.listDeliveryAttempts(deliveries.map((d) => d.id));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(deliveries.map((d) => ({ ...d, attemptLog: attempts.filter((a) => a.deliveryId === d.id) })), null, 2)}\n`);
      return 0;
    }
    if (deliveries.length === 0) process.stdout.write('no deliveries yet\n');
    for (const d of deliveries) {
      process.stdout.write(`${deliveryLine(d)}\n`);
      for (const a of attempts.filter((x) => x.deliveryId === d.id)) process.stdout.write(`${attemptLine(a)}\n`);
    }
    return 0;
  });
}

/** `notify run`: one pass now (new events queued, due deliveries sent), as a scheduler round does it. */
export async function notifyRunCommand(g: GlobalOptions): Promise<number> {
  return withConfiguredStore(g, async (store, config) => {
    const runner = new NotifyRunner({ store, config, owner: workerId('notify'), log: pino({ level: 'silent' }) });
    const { dispatch, send } = await runner.runOnce();
    process.stdout.write(`events ${dispatch.events}, queued ${dispatch.queued}; sent ${send.attempted}: delivered ${send.delivered}, retrying ${send.retrying}, failed ${send.failed}\n`);
    return 0;
  });
}
