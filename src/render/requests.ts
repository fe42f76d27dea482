/**
 * Every request a rendered page makes, answered by Palimpsest rather than by the browser: the main document from
 * the response the polite fetcher already got, everything else fetched with fetchPage under the same rules as a
 * plain fetch (http and https only, the private-address policy on every hop including redirects, the user agent,
 * timeouts and size limits), within a byte budget per page, minus what the block list spares. What is refused is
 * aborted in the browser and recorded in the page's request log.
 */
import type { Request, Route } from 'playwright-core';
import { fetchPage } from '../fetcher/index.js';
import { FetchError, type FetchOptions, type FetchResult } from '../fetcher/types.js';
import type { RenderRequestLog } from '../store/render-types.js';

/** Most refused or failed requests kept in a page's log (a page with thousands of trackers would bloat it). */
const MAX_LOGGED = 50;

/** Response headers the browser must not be given as received: the body it gets is already whole and decoded. */
const DROPPED_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie']);

/** Request headers of the browser passed on to the origin (no cookies: every page renders in a fresh context). */
const FORWARDED_HEADERS = ['accept', 'accept-language', 'referer', 'content-type', 'origin', 'x-requested-with'];

/** What the route handler needs for one page. */
export interface RequestPolicy {
  /** The main document as fetched by the polite fetcher (its final URL). */
  main: FetchResult;
  /** Base options of every subrequest (address policy, user agent, timeouts, size limit). */
  fetchOptions: FetchOptions;
  /** Most bytes the page's requests may bring in together. */
  maxPageBytes: number;
  /** Resource kinds refused outright (playwright resource types, plus 'third-party'). */
  block: ReadonlySet<string>;
  /** Aborted when the render ends: fetches still running are cut short. */
  signal: AbortSignal;
}

/** Headers of a fetched response as the browser should get them. */
export function browserHeaders(res: FetchResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of res.headers) {
    const k = name.toLowerCase();
    if (DROPPED_HEADERS.has(k)) continue;
    out[k] = out[k] !== undefined ? `${out[k]}, ${value}` : value;
  }
  return out;
}

/** The site part of a host name (last two labels), so that www.example.org and cdn.example.org are one party. */
function siteOf(host: string): string {
  return host.split('.').slice(-2).join('.');
}

/** A route handler for `page.route('**\/*', …)` applying `policy`, and the log it fills. */
export function createRequestHandler(policy: RequestPolicy): { handle: (route: Route, request: Request) => Promise<void>; log: RenderRequestLog } {
  const log: RenderRequestLog = { fetched: 0, bytes: 0, blocked: [], failed: [] };
  const mainSite = siteOf(new URL(policy.main.url).hostname);
  let mainServed = false;
  const note = (list: RenderRequestLog['blocked'], url: string, reason: string): void => {
    if (list.length < MAX_LOGGED) list.push({ url: url.slice(0, 2000), reason });
  };
  const refuse = async (route: Route, url: string, reason: string): Promise<void> => {
    note(log.blocked, url, reason);
    await route.abort('blockedbyclient').catch(() => undefined);
  };

  const handle = async (route: Route, request: Request): Promise<void> => {
    const url = request.url();
    // The first navigation of the top frame is the page itself: it gets the response already fetched.
    if (!mainServed && request.isNavigationRequest() && request.frame().parentFrame() === null) {
      mainServed = true;
      await route.fulfill({ status: policy.main.status, headers: browserHeaders(policy.main), body: policy.main.body }).catch(() => undefined);
      return;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse(route, url, 'not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return refuse(route, url, `${parsed.protocol} URLs are not fetched (only http and https)`);
    // The page navigating itself elsewhere (a script redirect) would replace what is being rendered.
    if (request.isNavigationRequest() && request.frame().parentFrame() === null) return refuse(route, url, 'the page tried to navigate away');
    const method = request.method();
    if (method !== 'GET' && method !== 'HEAD') return refuse(route, url, `${method} requests are not sent (a rendering only reads)`);
    const type = request.resourceType();
    if (policy.block.has(type)) return refuse(route, url, `${type} requests are blocked (render.block)`);
    if (policy.block.has('third-party') && siteOf(parsed.hostname) !== mainSite) return refuse(route, url, 'third-party requests are blocked (render.block)');
    if (log.bytes >= policy.maxPageBytes) return refuse(route, url, `the page's requests already brought in ${log.bytes} bytes (render.maxPageBytes)`);

    const headers: Record<string, string> = {};
    const sent = request.headers();
    for (const name of FORWARDED_HEADERS) if (sent[name] !== undefined) headers[name] = sent[name];
    let res: FetchResult;
    try {
      res = await fetchPage(url, {
        ...policy.fetchOptions, headers, signal: policy.signal,
        maxBytes: Math.min(policy.fetchOptions.maxBytes ?? policy.maxPageBytes, policy.maxPageBytes - log.bytes),
      });
    } catch (err) {
      const e = err instanceof FetchError ? err : null;
      const reason = e ? `${e.message.replace(/^fetcher: /, '')} [${e.code}]` : (err as Error).message;
      // Refusals by policy are blocked requests; the rest are ordinary failures of the page's own requests.
      if (e && (e.code === 'private_address' || e.code === 'bad_scheme' || e.code === 'bad_url')) note(log.blocked, url, reason);
      else note(log.failed, url, reason);
      await route.abort(e?.code === 'timeout' ? 'timedout' : 'failed').catch(() => undefined);
      return;
    }
    log.fetched += 1;
    log.bytes += res.body.length;
    await route.fulfill({ status: res.status, headers: browserHeaders(res), body: res.body }).catch(() => undefined);
  };
  return { handle, log };
}
