/**
 * Creating subscriptions (shared by the CLI, the admin API and the web form): validation of what was asked for,
 * the webhook secret (generated when not given), and the starting marks that keep older events out. Also the
 * public view of a subscription, whose secret is never shown back in full.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { NOTIFY_EVENT_KINDS, type NotifyStream, type Store, type Subscription, type SubscriptionFilters } from '../store/index.js';
import type { Config } from '../config/index.js';
import { STREAMS } from './streams.js';

/** A subscription that cannot be made as asked; the message says why. */
export class SubscriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionError';
  }
}

/** What a caller asks for (the API's JSON body; the CLI and the form build the same). */
export const subscriptionInputSchema = z.object({
  channel: z.enum(['webhook', 'email', 'archive']),
  /** Webhook URL. */
  url: z.string().optional(),
  /** Email address. */
  email: z.string().optional(),
  /** Webhook secret (at least 16 characters); generated when absent. */
  secret: z.string().min(16, 'the secret must be at least 16 characters').max(200).optional(),
  /** Source slug (scope: its articles), article id (one article), or neither (every article). */
  source: z.string().min(1).optional(),
  article: z.number().int().positive().optional(),
  events: z.array(z.enum(NOTIFY_EVENT_KINDS as [string, ...string[]])).min(1).optional(),
  kinds: z.array(z.enum(['initial', 'substantive', 'minor'])).min(1).optional(),
  headlineOnly: z.boolean().optional(),
  minWords: z.number().int().min(0).max(1_000_000).optional(),
}).strict();

/** The input of {@link createSubscription}. */
export type SubscriptionInput = z.input<typeof subscriptionInputSchema>;

/** A deliberately plain address check: one @, no spaces or angle brackets (the SMTP server has the last word). */
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** Longest webhook URL accepted. */
const MAX_URL = 2048;

/** The webhook URL as given (its query kept whole: receivers put tokens there), without a fragment; or why not. */
function webhookUrl(raw: string | undefined): string {
  if (!raw) throw new SubscriptionError('a webhook subscription needs a URL');
  if (raw.length > MAX_URL) throw new SubscriptionError(`invalid webhook URL: longer than ${MAX_URL} characters`);
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new SubscriptionError(`invalid webhook URL: not a valid URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SubscriptionError(`invalid webhook URL: only http and https URLs, not ${u.protocol}`);
  if (!u.hostname) throw new SubscriptionError('invalid webhook URL: it has no host');
  // The input is not echoed: it holds the password.
  if (u.username || u.password) throw new SubscriptionError('invalid webhook URL: put no user name or password in it (the secret signs the requests)');
  u.hash = '';
  return u.href;
}

/** Generates a webhook secret: 32 random bytes, hex. */
export function newSecret(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** Validates `raw`, resolves its scope and inserts the subscription; events before now are never delivered to it. */
export async function createSubscription(store: Store, config: Config, raw: unknown, now: Date): Promise<Subscription> {
  const r = subscriptionInputSchema.safeParse(raw);
  if (!r.success) {
    throw new SubscriptionError(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  const input = r.data;
  if (input.source !== undefined && input.article !== undefined) throw new SubscriptionError('give a source or an article, not both');
  let target = '';
  let secret: string | null = null;
  if (input.channel === 'webhook') {
    target = webhookUrl(input.url);
    secret = input.secret ?? newSecret();
  } else if (input.channel === 'email') {
    if (!input.email || !EMAIL.test(input.email) || input.email.length > 254) throw new SubscriptionError('an email subscription needs a valid address');
    if (!config.notify.smtp.host) throw new SubscriptionError('email needs an SMTP server: set notify.smtp.host in the config file');
    target = input.email;
  }
  if (input.channel !== 'webhook' && input.secret !== undefined) throw new SubscriptionError('only webhooks have a secret');
  if (input.channel === 'archive' && !config.notify.savePageNow.enabled) {
    throw new SubscriptionError('Save Page Now is turned off: set notify.savePageNow.enabled in the config file');
  }
  let sourceId: number | null = null;
  let articleId: number | null = null;
  if (input.source !== undefined) {
    const src = await store.getSourceBySlug(input.source);
    if (!src) throw new SubscriptionError(`no source with slug ${JSON.stringify(input.source)}`);
    sourceId = src.id;
  }
  if (input.article !== undefined) {
    if (!(await store.getArticle(input.article))) throw new SubscriptionError(`no article ${input.article}`);
    articleId = input.article;
  }
  const filters: SubscriptionFilters = {
    events: (input.events ?? ['version']) as SubscriptionFilters['events'],
    kinds: input.kinds ?? ['substantive'],
    headlineOnly: input.headlineOnly ?? false,
    minWords: input.minWords ?? 0,
  };
  if (input.channel === 'archive' && filters.events.some((e) => e !== 'version')) {
    throw new SubscriptionError('Save Page Now archives new versions only: leave out events other than "version"');
  }
  return store.insertSubscription({
    scope: sourceId !== null ? 'source' : articleId !== null ? 'article' : 'all', sourceId, articleId,
    channel: input.channel, target, secret, filters, startMarks: await startMarks(store), createdAt: now.toISOString(),
  });
}

/** The current end of every stream this store has: a new subscription starts after them. */
export async function startMarks(store: Store): Promise<Partial<Record<NotifyStream, number>>> {
  const marks: Partial<Record<NotifyStream, number>> = {};
  for (const s of STREAMS) {
    // A stream whose writers hold it too long gives no mark at first: a few tries, because the dispatcher's cursor
    // (which would keep the past out otherwise) does not move while there is no subscription.
    for (let attempt = 0; attempt < 3; attempt++) {
      const high = await store.notifyHighWater(s.name);
      if (high === null) continue;
      marks[s.name] = high;
      break;
    }
  }
  return marks;
}

/** A secret shown back: its first 4 characters and a mask. */
export function maskSecret(secret: string | null): string | null {
  return secret === null ? null : `${secret.slice(0, 4)}…`;
}

/** The public JSON of a subscription (API, CLI --json): everything but the full secret. */
export function subscriptionJson(s: Subscription): Record<string, unknown> {
  return {
    id: s.id, channel: s.channel, target: s.channel === 'archive' ? null : s.target, secret: maskSecret(s.secret),
    scope: s.scope, source: s.sourceSlug, article: s.articleId,
    events: s.filters.events, kinds: s.filters.kinds, headline_only: s.filters.headlineOnly, min_words: s.filters.minWords,
    created_at: s.createdAt,
  };
}
