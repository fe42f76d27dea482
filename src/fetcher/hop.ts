/**
 * One HTTP GET to one URL (a single redirect hop): resolve through the address policy, connect to the checked
 * address itself, send the headers, and read the body with limits. Redirects are followed by the caller.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { bareHostname, resolveAllowed } from './address-policy.js';
import { readBody } from './body.js';
import type { ConnectionPool, PooledRequestOptions } from './connection-pool.js';
import { FetchError, type LookupFunction, type ResolvedAddress } from './types.js';

/** What a hop needs from the fetch as a whole. */
export interface HopContext {
  lookup: LookupFunction;
  /** true, false, or the lower-case host names exempt from the address policy. */
  allowPrivate: boolean | ReadonlySet<string>;
  connectTimeoutMs: number;
  maxBytes: number;
  /** Cut a body longer than maxBytes instead of failing (robots.txt). */
  truncate?: boolean;
  /** Request headers in send order, Host excluded (it is derived from the URL). */
  headers: Array<[string, string]>;
  /** Trusted CAs for https (undefined: Node's bundled roots). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Aborted by the total timeout or the caller; its reason is always a FetchError. */
  signal: AbortSignal;
  /** Keep-alive connections to reuse (undefined: a new connection per request, closed after it). */
  pool?: ConnectionPool;
}

/** The response of one hop. `location` is set for a redirect, whose body is not read. */
export interface HopResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  requestHeaders: Array<[string, string]>;
  httpVersion: string;
  contentType: string | undefined;
  fetchedAt: string;
  body: Buffer;
  /** The body was cut at maxBytes (only with HopContext.truncate). */
  truncated?: boolean;
  location?: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Connect-phase failures after which the next address of the host is worth trying. */
const TRY_NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * Errors of a request sent on a reused keep-alive connection that the server had closed meanwhile: the request
 * never reached it, so sending it once more on a fresh connection is safe (it is a GET).
 */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Thrown by attempt() when a reused connection turned out to be closed before any response came. */
class StaleConnection extends Error {}

/**
 * Sockets that have carried a request before. Node's `req.reusedSocket` is not enough: it is false for a request
 * that waited in the agent's queue and was then handed a connection another request had just finished with, which
 * is exactly when a server that closes after each response (without saying so) has closed it.
 */
const usedSockets = new WeakSet<object>();

/** Performs the hop, trying the host's addresses in resolver order until one accepts the connection. */
export async function requestHop(url: URL, ctx: HopContext): Promise<HopResponse> {
  const connectCtl = new AbortController();
  const connectTimer = setTimeout(
    () => connectCtl.abort(new FetchError('connect_timeout', `no connection to ${url.host} within ${ctx.connectTimeoutMs} ms`, url.href)),
    ctx.connectTimeoutMs,
  );
  const signal = AbortSignal.any([ctx.signal, connectCtl.signal]);
  try {
    const addresses = await untilAborted(resolveAllowed(url, ctx.lookup, ctx.allowPrivate), signal);
    for (let i = 0; ; i++) {
      const address = addresses[i] as ResolvedAddress;
      try {
        return await attemptFresh(url, address, ctx, signal, () => clearTimeout(connectTimer));
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        if (i + 1 < addresses.length && err instanceof FetchError && TRY_NEXT_ADDRESS.has(cause?.code ?? '')) continue;
        throw err;
      }
    }
  } finally {
    clearTimeout(connectTimer);
  }
}

/**
 * attempt(), sent again when it went out on a pooled connection the server had closed meanwhile (before a single
 * byte of a response came back, so the server cannot have answered it): each such connection is discarded as it
 * fails, and the last try uses a connection of its own.
 */
async function attemptFresh(url: URL, address: ResolvedAddress, ctx: HopContext, signal: AbortSignal, onConnected: () => void): Promise<HopResponse> {
  for (let tries = 0; ; tries++) {
    const last = tries >= 2;
    try {
      return await attempt(url, address, last ? { ...ctx, pool: undefined } : ctx, signal, onConnected);
    } catch (err) {
      if (!(err instanceof StaleConnection) || last) throw err;
    }
  }
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/** One request to one already-checked address. */
function attempt(url: URL, address: ResolvedAddress, ctx: HopContext, signal: AbortSignal, onConnected: () => void): Promise<HopResponse> {
  return new Promise<HopResponse>((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const hostname = bareHostname(url);
    const headers: Record<string, string> = { Host: url.host };
    for (const [name, value] of ctx.headers) headers[name] = value;
    let settled = false;
    let responded = false;
    /** Whether the connection carried an earlier request, and how many bytes it had read when this one got it. */
    let reused = false;
    let bytesReadBefore = 0;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      const code = (err as NodeJS.ErrnoException).code ?? '';
      // Nothing was read since the request went out: the server closed the connection without looking at it.
      const silent = (req.socket?.bytesRead ?? bytesReadBefore) === bytesReadBefore;
      if (!signal.aborted && !responded && (reused || req.reusedSocket) && silent && STALE_CONNECTION.has(code)) {
        reject(new StaleConnection(`reused connection to ${url.host} was closed (${code})`));
        return;
      }
      reject(signal.aborted ? (signal.reason as Error) : classify(err, url));
    };
    // The last retry after stale pooled connections goes on a connection of its own, closed after it.
    if (!ctx.pool && headers.Connection === 'keep-alive') headers.Connection = 'close';
    // The socket connects to the address we checked, never to the name: no second DNS answer is ever used.
    const options: https.RequestOptions & PooledRequestOptions = {
      host: address.address,
      family: address.family,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      // With a pool, connections are kept per host name and checked address; without one, each request has its own.
      agent: ctx.pool ? (isHttps ? ctx.pool.https : ctx.pool.http) : false,
      poolHost: url.host,
      // Some news sites send very large Set-Cookie/CSP headers; Node's 16 KiB default would fail them.
      maxHeaderSize: 64 * 1024,
      // Certificates are checked against the name in the URL, and SNI must carry it (never an IP).
      servername: net.isIP(hostname) === 0 ? hostname : undefined,
      ...(isHttps && ctx.ca !== undefined ? { ca: ctx.ca } : {}),
    };
    const req = (isHttps ? https : http).request(options);
    const onAbort = (): void => {
      req.destroy(signal.reason as Error);
      fail(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const requestHeaders: Array<[string, string]> = req.getRawHeaderNames().map((n) => [n, String(req.getHeader(n))]);
    req.once('socket', (socket) => {
      reused = req.reusedSocket || usedSockets.has(socket);
      usedSockets.add(socket);
      bytesReadBefore = socket.bytesRead;
      // A reused keep-alive connection is connected already and will not say so again.
      if (reused) onConnected();
      else socket.once(isHttps ? 'secureConnect' : 'connect', onConnected);
    });
    req.on('error', fail); // 'on', not 'once': a destroyed request may report more than one error
    req.once('response', (res) => {
      responded = true;
      const base = {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: pairs(res.rawHeaders),
        requestHeaders,
        httpVersion: res.httpVersion,
        contentType: res.headers['content-type'],
        fetchedAt: new Date().toISOString(),
      };
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(base.status) && location !== undefined) {
        res.destroy(); // the redirect's own body is of no interest (and a pooled connection is not worth draining it)
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve({ ...base, body: Buffer.alloc(0), location });
        return;
      }
      readBody(res, ctx.maxBytes, url.href, ctx.truncate === true).then(({ body, truncated }) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve({ ...base, body, ...(truncated ? { truncated } : {}) });
      }, (err: unknown) => {
        req.destroy();
        fail(err);
      });
    });
    req.end();
  });
}

/** Node's flat [name, value, name, value] list as pairs. */
function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

/** Maps a transport error to a FetchError with a precise code, keeping the original as `cause`. */
function classify(err: unknown, url: URL): FetchError {
  if (err instanceof FetchError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  let fe: FetchError;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') fe = new FetchError('dns', `cannot resolve ${url.hostname} (${code})`, url.href);
  else if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/.test(code))
    fe = new FetchError('tls', `TLS failure with ${url.host}: ${e.message} (${code})`, url.href);
  else fe = new FetchError('connection', `connection to ${url.host} failed: ${e.message}${code ? ` (${code})` : ''}`, url.href);
  (fe as { cause?: unknown }).cause = err;
  return fe;
}
