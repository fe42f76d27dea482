/** fetchPage: a polite, bounded HTTP(S) GET that follows redirects and returns the page decoded to text. */
import { systemLookup } from './address-policy.js';
import { decodeBody } from './charset.js';
import { parseContentType } from './content-type.js';
import { requestHop } from './hop.js';
import { FetchError, type FetchOptions, type FetchResult } from './types.js';
import { DEFAULT_USER_AGENT } from './user-agent.js';

/** Defaults applied when a FetchOptions field is absent. */
export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxRedirects: 5,
  maxBytes: 10 * 1024 * 1024,
} as const;

const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Parses `raw` as an absolute http(s) URL, or throws `bad_url` / `bad_scheme`. The fragment is never sent. */
function parseHttpUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new FetchError('bad_url', `not a valid URL: ${JSON.stringify(raw)}`, raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad_scheme', `refusing ${url.protocol} URL (only http and https are fetched)`, url.href);
  }
  url.hash = '';
  return url;
}

/** Default headers, then the caller's, a caller's header replacing a default of the same name. */
function buildHeaders(opts: FetchOptions): Array<[string, string]> {
  const byName = new Map<string, [string, string]>();
  const put = (name: string, value: string): void => void byName.set(name.toLowerCase(), [name, value]);
  put('User-Agent', opts.userAgent ?? DEFAULT_USER_AGENT);
  put('Accept', ACCEPT);
  put('Accept-Encoding', 'gzip, deflate, br');
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (name.toLowerCase() === 'host') continue; // Host always follows the URL of each hop
    put(name, value);
  }
  // Explicit, so the recorded request headers are exactly what went on the wire (Node would add it silently).
  put('Connection', opts.pool ? 'keep-alive' : 'close');
  return [...byName.values()];
}

/**
 * Fetches `url` with GET, following up to `maxRedirects` redirects. Any HTTP status is returned (the caller
 * records 404s and 500s); only transport failures throw, as FetchError with a code: `bad_url`, `bad_scheme`,
 * `private_address` (checked on every hop), `dns`, `connect_timeout`, `timeout` (the total budget covers all hops
 * and the body), `connection`, `tls`, `too_many_redirects` (limit or loop), `too_large`, `decoding`, `aborted`.
 */
export async function fetchPage(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const started = performance.now();
  const totalTimeoutMs = opts.totalTimeoutMs ?? FETCH_DEFAULTS.totalTimeoutMs;
  const maxRedirects = opts.maxRedirects ?? FETCH_DEFAULTS.maxRedirects;
  let current = parseHttpUrl(url);
  if (opts.signal?.aborted) throw new FetchError('aborted', 'fetch aborted before it started', current.href);

  // One signal carries both ways a fetch can be cut short, each with its own FetchError as the reason.
  const ctl = new AbortController();
  const timer = setTimeout(
    () => ctl.abort(new FetchError('timeout', `no complete response within ${totalTimeoutMs} ms`, current.href)),
    totalTimeoutMs,
  );
  const onUserAbort = (): void => ctl.abort(new FetchError('aborted', 'fetch aborted', current.href));
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });

  try {
    const ctx = {
      lookup: opts.lookup ?? systemLookup,
      allowPrivate: opts.allowPrivate === true ? true : new Set((opts.allowPrivateHosts ?? []).map((h) => h.toLowerCase())),
      connectTimeoutMs: opts.connectTimeoutMs ?? FETCH_DEFAULTS.connectTimeoutMs,
      maxBytes: opts.maxBytes ?? FETCH_DEFAULTS.maxBytes,
      truncate: opts.truncate === true,
      headers: buildHeaders(opts),
      ca: opts.ca,
      signal: ctl.signal,
      pool: opts.pool,
    };
    const chain = [current.href];
    for (;;) {
      const hop = await requestHop(current, ctx);
      if (hop.location === undefined) {
        let decoded;
        try {
          decoded = decodeBody(hop.body, hop.contentType);
        } catch (err) {
          throw new FetchError('decoding', `cannot decode the body: ${(err as Error).message}`, current.href);
        }
        return {
          requestedUrl: url,
          url: current.href,
          redirectChain: chain,
          status: hop.status,
          statusText: hop.statusText,
          headers: hop.headers,
          requestHeaders: hop.requestHeaders,
          httpVersion: hop.httpVersion,
          body: hop.body,
          ...(hop.truncated ? { truncated: true } : {}),
          text: decoded.text,
          charset: decoded.charset,
          contentType: parseContentType(hop.contentType).mediaType,
          fetchedAt: hop.fetchedAt,
          durationMs: Math.round(performance.now() - started),
        };
      }
      const next = parseHttpUrl(hop.location, current);
      if (chain.includes(next.href)) {
        throw new FetchError('too_many_redirects', `redirect loop: ${[...chain, next.href].join(' -> ')}`, current.href);
      }
      if (chain.length > maxRedirects) {
        throw new FetchError('too_many_redirects', `more than ${maxRedirects} redirects from ${chain[0]}`, current.href);
      }
      chain.push(next.href);
      current = next;
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onUserAbort);
  }
}
