/**
 * Test servers for notifications on loopback: an HTTP receiver that records each request (checking the webhook
 * signature with the secret it is given) and answers as scripted (200, 500, a Retry-After, or no answer at all),
 * and the seeding of articles and versions through the store.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { afterEach, beforeEach } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { diffArticles, splitParagraphs } from '../../src/differ/index.js';
import { sha256Hex, type Store } from '../../src/store/index.js';

/** How the receiver answers one request: a status (with headers), or 'hang' (never answers). */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

/** One request as received. */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether X-Palimpsest-Signature and X-Palimpsest-Signature-256 are the HMAC-SHA256 the secret gives. */
  signatureOk: boolean;
  answered: number | 'hang';
}

/** A running receiver. */
export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const hmac = (secret: string, payload: string): string => `sha256=${crypto.createHmac('sha256', secret).update(payload).digest('hex')}`;

const same = (a: string, b: string | string[] | undefined): boolean =>
  typeof b === 'string' && a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Starts a receiver on 127.0.0.1: answers the requests in the order of `script` (the last answer repeats once the
 * script is used up), verifying signatures with the secret `secret()` gives at that time.
 */
export async function startReceiver(script: Answer[], secret: () => string = () => ''): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const s = secret();
      const ts = String(req.headers['x-palimpsest-timestamp'] ?? '');
      const signatureOk = s !== '' && same(hmac(s, body), req.headers['x-palimpsest-signature'])
        && same(hmac(s, `${ts}.${body}`), req.headers['x-palimpsest-signature-256']);
      const answer = script[Math.min(received.length, script.length - 1)] ?? { status: 200 };
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, signatureOk, answered: answer === 'hang' ? 'hang' : answer.status });
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers });
      res.end(answer.status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const noValidators = { etag: null, lastModified: null, bodySha256: null };

/** Inserts the next version of an article as the versioner would (statistics from the differ). */
export async function addVersion(store: Store, articleId: number, title: string, text: string, capturedAt: string,
  changeKind?: 'substantive' | 'minor'): Promise<void> {
  const prev = await store.getLatestVersion(articleId);
  const stats = prev
    ? diffArticles({ title: prev.title, paragraphs: splitParagraphs(prev.text) }, { title, paragraphs: splitParagraphs(text) }).stats
    : null;
  await store.insertVersion({
    articleId, title, byline: null, publishedAt: null, text, contentHash: sha256Hex(`${title}\n${text}`), capturedAt,
    responseId: null, extractorVersion: 'test-1', wordsAdded: stats?.wordsAdded ?? 0, wordsRemoved: stats?.wordsRemoved ?? 0,
    stats, metadata: {}, ...(changeKind ? { changeKind } : {}),
  });
  await store.recordChanged(articleId, capturedAt, title, capturedAt, 1800, noValidators);
}

/** A fresh store for each test of a file and a test clock moved forward by hand (retries come due without waiting). */
export interface NotifyFixture {
  store(): Store;
  now(): Date;
  /** Moves the clock forward. */
  advance(ms: number): void;
}

/** Registers beforeEach/afterEach that open a fresh store (and close it, with `also` cleanups) around each test. */
export function notifyFixture(open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>, also: () => Promise<void> = async () => undefined): NotifyFixture {
  const START = Date.parse('2026-12-01T10:00:00.000Z');
  let current: { store: Store; cleanup: () => Promise<void> } | null = null;
  let clock = START;
  beforeEach(async () => {
    current = await open();
    clock = START;
  });
  afterEach(async () => {
    await also();
    await current?.cleanup();
    current = null;
  });
  return {
    store: () => {
      if (!current) throw new Error('test: the notify fixture has no store outside a test');
      return current.store;
    },
    now: () => new Date(clock),
    advance: (ms) => { clock += ms; },
  };
}
