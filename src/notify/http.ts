/**
 * One outgoing HTTP request of a notification (a webhook POST, a Save Page Now request): http or https only, the
 * fetcher's address policy (loopback, private and link-local destinations refused unless allowed, the checked
 * address pinned so a second DNS answer cannot slip another in), one overall timeout, no redirects followed, and
 * the answer's body read up to a bound and dropped.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import { resolveAllowed, systemLookup } from '../fetcher/address-policy.js';
import type { LookupFunction } from '../fetcher/types.js';

/** The answer to a request. */
export interface PostAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The start of the body (at most 4 KiB), for the log. */
  bodyStart: string;
}

/** Options of {@link sendRequest}. */
export interface RequestOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  allowPrivate: boolean;
  lookup?: LookupFunction;
  /** Certificate authorities for https instead of Node's roots (tests). */
  ca?: string | Buffer;
}

const KEEP_BYTES = 4096;

/** Sends one request and resolves with the answer (any status); rejects on refusal, network error or timeout. */
export async function sendRequest(rawUrl: string, o: RequestOptions): Promise<PostAnswer> {
  const url = new URL(rawUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`only http and https URLs, not ${url.protocol}`);
  const [first] = await resolveAllowed(url, o.lookup ?? systemLookup, o.allowPrivate);
  if (!first) throw new Error(`no address for ${url.hostname}`);
  const pinned = (_host: string, opts: { all?: boolean }, cb: (err: Error | null, a: string | LookupAddress[], f?: number) => void): void => {
    if (opts.all) cb(null, [{ address: first.address, family: first.family }]);
    else cb(null, first.address, first.family);
  };
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = mod.request(url, {
      method: o.method, headers: o.headers, lookup: pinned as never, agent: false, ...(o.ca ? { ca: o.ca } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < KEEP_BYTES) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bodyStart: Buffer.concat(chunks).subarray(0, KEEP_BYTES).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(o.body);
  });
}
