/**
 * The part of the OpenAPI document about notifications: the /api/subscriptions routes (all behind the admin token)
 * and their schemas. openapi.ts merges these into the document.
 */
import type { JsonObject } from './openapi.js';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });
const answer = (description: string, schema: string, headers?: JsonObject): JsonObject => ({ description, content: json(ref(schema)), ...(headers ? { headers } : {}) });
const err = (...statuses: number[]): Record<string, JsonObject> =>
  Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]));
const nullable = (type: string, description: string): JsonObject => ({ type: [type, 'null'], description });
const required = (properties: Record<string, JsonObject>, description: string): JsonObject =>
  ({ type: 'object', description, required: Object.keys(properties), properties });

const EVENTS = ['version', 'absent', 'returned', 'redirected', 'degraded', 'recovered'];
const KINDS = ['initial', 'substantive', 'minor'];
const security = [{ adminToken: [] }];
const subscriptionParam: JsonObject = { name: 'subscription', in: 'path', required: true, description: 'The subscription id.', schema: { type: 'integer', minimum: 1 } };

/** Schemas of the notification routes. */
export const NOTIFY_SCHEMAS: Record<string, JsonObject> = {
  Subscription: required({
    id: { type: 'integer' },
    channel: { type: 'string', enum: ['webhook', 'email', 'archive'] },
    target: nullable('string', 'The webhook URL or email address (null for Save Page Now).'),
    secret: nullable('string', 'The webhook secret, masked: its first characters and an ellipsis.'),
    scope: { type: 'string', enum: ['all', 'source', 'article'] },
    source: nullable('string', 'The source slug (scope "source").'),
    article: nullable('integer', 'The article id (scope "article").'),
    events: { type: 'array', items: { type: 'string', enum: EVENTS } },
    kinds: { type: 'array', items: { type: 'string', enum: KINDS } },
    headline_only: { type: 'boolean' },
    min_words: { type: 'integer', minimum: 0 },
    created_at: { type: 'string', format: 'date-time' },
  }, 'A subscription; events before created_at are never delivered to it.'),
  SubscriptionList: required({ subscriptions: { type: 'array', items: ref('Subscription') } }, 'Every subscription, in id order.'),
  SubscriptionDetail: required({ subscription: ref('Subscription') }, 'One subscription.'),
  SubscriptionCreated: {
    ...required({ subscription: ref('Subscription') }, 'The new subscription.'),
    properties: {
      subscription: ref('Subscription'),
      secret: { type: 'string', description: 'The generated webhook secret, whole: in this answer only.' },
    },
  },
  SubscriptionRequest: {
    type: 'object', required: ['channel'], additionalProperties: false,
    description: 'A subscription to make: a channel and its target, optionally a scope (source or article) and filters.',
    properties: {
      channel: { type: 'string', enum: ['webhook', 'email', 'archive'] },
      url: { type: 'string', description: 'Webhook URL (http or https).' },
      secret: { type: 'string', minLength: 16, description: 'Webhook HMAC secret (generated when absent).' },
      email: { type: 'string', description: 'Email address (needs notify.smtp.host).' },
      source: { type: 'string', description: 'Only the articles of this source (slug).' },
      article: { type: 'integer', minimum: 1, description: 'Only this article.' },
      events: { type: 'array', minItems: 1, items: { type: 'string', enum: EVENTS }, description: 'Default ["version"].' },
      kinds: { type: 'array', minItems: 1, items: { type: 'string', enum: KINDS }, description: 'Change kinds of versions; default ["substantive"].' },
      headlineOnly: { type: 'boolean', description: 'Only versions whose headline changed.' },
      minWords: { type: 'integer', minimum: 0, description: 'Only versions with at least this many words added plus removed.' },
    },
  },
  DeliveryAttempt: required({
    attempt: { type: 'integer', minimum: 1 },
    at: { type: 'string', format: 'date-time' },
    ok: { type: 'boolean' },
    status: nullable('integer', 'The HTTP status (webhook, Save Page Now) or SMTP reply code (email), when there was an answer.'),
    error: nullable('string', 'Why the attempt failed.'),
    duration_ms: { type: 'integer', minimum: 0 },
  }, 'One attempt at a delivery.'),
  Delivery: required({
    id: { type: 'integer', description: 'Also the X-Palimpsest-Delivery header of webhooks.' },
    subscription: { type: 'integer' },
    stream: { type: 'string', enum: ['version', 'article_event', 'source_health'] },
    event_id: { type: 'integer' },
    event: { type: 'object', description: 'The event as dispatched (article id and version number, or the event\'s kind, time and detail).' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer', minimum: 0 },
    created_at: { type: 'string', format: 'date-time' },
    next_attempt: { type: ['string', 'null'], format: 'date-time', description: 'When a pending delivery is tried next.' },
    delivered_at: { type: ['string', 'null'], format: 'date-time' },
    last_error: nullable('string', 'The error of the last failed attempt.'),
    attempt_log: { type: 'array', items: ref('DeliveryAttempt') },
  }, 'One event for one subscription, with every attempt.'),
  DeliveryList: required({ deliveries: { type: 'array', items: ref('Delivery') } }, 'Deliveries, newest first.'),
};

/** The /api/subscriptions paths. */
export const NOTIFY_PATHS: Record<string, JsonObject> = {
  '/api/subscriptions': {
    get: {
      tags: ['notifications'], summary: 'List subscriptions', operationId: 'listSubscriptions', security,
      responses: { 200: answer('Every subscription (secrets masked).', 'SubscriptionList'), ...err(401, 403) },
    },
    post: {
      tags: ['notifications'], summary: 'Add a subscription', operationId: 'createSubscription', security,
      description: 'Webhooks are POSTed signed JSON (X-Palimpsest-Signature: sha256=HMAC of the body); emails carry the diff as text and HTML.',
      requestBody: { required: true, content: json(ref('SubscriptionRequest')) },
      responses: {
        201: answer('The new subscription (and its generated secret, this once).', 'SubscriptionCreated', { Location: { schema: { type: 'string' } } }),
        ...err(400, 401, 403, 413, 415),
      },
    },
  },
  '/api/subscriptions/{subscription}': {
    get: {
      tags: ['notifications'], summary: 'One subscription', operationId: 'getSubscription', security, parameters: [subscriptionParam],
      responses: { 200: answer('The subscription (secret masked).', 'SubscriptionDetail'), ...err(401, 403, 404) },
    },
    delete: {
      tags: ['notifications'], summary: 'Remove a subscription', operationId: 'deleteSubscription', security, parameters: [subscriptionParam],
      responses: { 204: { description: 'Removed, with its queue and delivery log.' }, ...err(401, 403, 404) },
    },
  },
  '/api/subscriptions/{subscription}/deliveries': {
    get: {
      tags: ['notifications'], summary: 'The delivery log of a subscription', operationId: 'listDeliveries', security,
      parameters: [subscriptionParam, { name: 'limit', in: 'query', description: 'Deliveries (default 50).', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }],
      responses: { 200: answer('Its deliveries, newest first, each with every attempt.', 'DeliveryList'), ...err(400, 401, 403, 404) },
    },
  },
};
