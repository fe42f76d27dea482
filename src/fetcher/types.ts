import type { ConnectionPool } from './connection-pool.js';

/** Options for one HTTP fetch. Every field has a default in the fetcher. */
export interface FetchOptions {
  /** Allow loopback, private, link-local and unique-local destinations (off by default). */
  allowPrivate?: boolean;
  /**
   * Host names (exact, case-insensitive) that may resolve to non-public addresses even without allowPrivate,
   * e.g. an intranet mirror the operator trusts. Every other hop, redirects included, stays checked.
   */
  allowPrivateHosts?: string[];
  /** Milliseconds to establish the TCP/TLS connection. */
  connectTimeoutMs?: number;
  /** Milliseconds for the whole exchange including the body. */
  totalTimeoutMs?: number;
  maxRedirects?: number;
  /** Maximum decoded body size in bytes. */
  maxBytes?: number;
  /**
   * Cut a body longer than maxBytes after its first maxBytes decoded bytes (FetchResult.truncated) instead of
   * failing with `too_large`: for robots.txt, whose readers must parse at least 500 KiB and may ignore the rest.
   */
  truncate?: boolean;
  userAgent?: string;
  /** Extra request headers (e.g. If-None-Match). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Certificate authorities (PEM) to trust for https INSTEAD of Node's bundled roots: for a private PKI, and for
   * tests. Leave unset for the public web.
   */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * Resolves a host name to all its addresses (default: the system resolver, `dns.lookup` with `all: true`).
   * Injectable so tests can map names like `public.test` to loopback without real DNS.
   */
  lookup?: LookupFunction;
  /**
   * Keep-alive connections shared by the fetches of a process (createConnectionPool). Without one, every request
   * opens its own connection and sends `Connection: close`.
   */
  pool?: ConnectionPool;
}

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Resolves a host name to every address it has. */
export type LookupFunction = (hostname: string) => Promise<ResolvedAddress[]>;

/** One completed HTTP exchange (the final hop after redirects). */
export interface FetchResult {
  /** The URL asked for. */
  requestedUrl: string;
  /** The final URL after redirects. */
  url: string;
  /** Each hop's URL, in order, including the first and the last. */
  redirectChain: string[];
  status: number;
  statusText: string;
  /** Response headers exactly as received, in order (raw names). */
  headers: Array<[string, string]>;
  /** Request headers that were sent on the final hop, in order. */
  requestHeaders: Array<[string, string]>;
  /** HTTP version of the response, e.g. '1.1'. */
  httpVersion: string;
  /** The body after content-encoding was undone (the bytes of the document). */
  body: Buffer;
  /** True when the body was cut at maxBytes (FetchOptions.truncate); absent otherwise. */
  truncated?: boolean;
  /** The body decoded to a string with the detected charset ('' for non-textual media types such as images or PDF). */
  text: string;
  /** Detected charset label (WHATWG name), e.g. 'UTF-8', 'windows-1252'; '' when the body was not decoded. */
  charset: string;
  /** Media type without parameters, lower case, e.g. 'text/html'; '' when absent. */
  contentType: string;
  /** When the response headers arrived (ISO 8601). */
  fetchedAt: string;
  /** Milliseconds from start to end of body. */
  durationMs: number;
}

/** Why a fetch failed. */
export type FetchErrorCode =
  | 'bad_url'
  | 'bad_scheme'
  | 'private_address'
  | 'dns'
  | 'connect_timeout'
  | 'timeout'
  | 'connection'
  | 'tls'
  | 'too_many_redirects'
  | 'too_large'
  | 'decoding'
  | 'aborted'
  /** robots.txt forbids the URL. */
  | 'robots'
  /** robots.txt could not be read for now (timeout, refused, DNS, 5xx...): nothing is fetched, try again later. */
  | 'robots_unavailable'
  /** The host asked to be left alone (Retry-After), here or fleet-wide, or its request slots stayed taken too long. */
  | 'deferred';

/** A fetch that produced no usable response. The message starts with "fetcher:". */
export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly url: string,
  ) {
    super(`fetcher: ${message}`);
    this.name = 'FetchError';
  }
}

/**
 * A fetch not even attempted because its host may not be asked again before `until` (a Retry-After, here or
 * fleet-wide, or request slots taken for too long). The check ends at once; the article is due again at `until`.
 */
export class HostDeferredError extends FetchError {
  constructor(
    url: string,
    readonly until: Date,
    why: string,
  ) {
    super('deferred', why, url);
    this.name = 'HostDeferredError';
  }
}
