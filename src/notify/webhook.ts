/**
 * Webhooks: the JSON body of a delivery POSTed to the subscription's URL, signed with HMAC-SHA256 of
 * `<timestamp>.<body>` and of the body alone under the subscription's secret, so that a receiver can check both
 * that Palimpsest sent it and (with the timestamp) that it is not an old message replayed.
 */
import crypto from 'node:crypto';
import { PALIMPSEST_VERSION } from '../common/version.js';
import { sendRequest, type PostAnswer, type RequestOptions } from './http.js';

/** Header names of a webhook request. */
export const WEBHOOK_HEADERS = {
  signature: 'X-Palimpsest-Signature',
  timestampSignature: 'X-Palimpsest-Signature-256',
  timestamp: 'X-Palimpsest-Timestamp',
  delivery: 'X-Palimpsest-Delivery',
  event: 'X-Palimpsest-Event',
} as const;

/** `sha256=<hex>` of HMAC-SHA256(secret, payload). Pure. */
export function signPayload(secret: string, payload: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(payload, 'utf8').digest('hex')}`;
}

/** The headers of a webhook request for `body` sent at `timestamp` (Unix seconds). Pure. */
export function webhookHeaders(secret: string, body: string, timestamp: number, deliveryId: number, event: string): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': `Palimpsest/${PALIMPSEST_VERSION} (webhook)`,
    [WEBHOOK_HEADERS.signature]: signPayload(secret, body),
    [WEBHOOK_HEADERS.timestampSignature]: signPayload(secret, `${timestamp}.${body}`),
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.delivery]: String(deliveryId),
    [WEBHOOK_HEADERS.event]: event,
  };
}

/** POSTs a signed JSON body; resolves with the answer (any status). */
export function postWebhook(url: string, secret: string, body: Record<string, unknown>, now: Date,
  opts: Omit<RequestOptions, 'method' | 'headers' | 'body'>): Promise<PostAnswer> {
  const text = JSON.stringify(body);
  const headers = webhookHeaders(secret, text, Math.floor(now.getTime() / 1000), Number(body.delivery), String(body.event));
  return sendRequest(url, { ...opts, method: 'POST', headers, body: text });
}
