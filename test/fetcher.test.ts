/** fetchPage against the real fault-injecting origin on 127.0.0.1: statuses, redirects, timeouts, limits, encodings. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { fetchPage, FetchError, DEFAULT_USER_AGENT, PALIMPSEST_VERSION, type FetchErrorCode, type FetchOptions } from '../src/fetcher/index.js';
import { ARTICLE_HTML, prepareBombs, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';

let origin: FaultOrigin;
beforeAll(async () => {
  origin = await startFaultOrigin();
});
afterAll(async () => {
  await origin.close();
});

const local: FetchOptions = { allowPrivate: true, connectTimeoutMs: 1000, totalTimeoutMs: 3000 };

/** The FetchError a fetch rejects with (fails the test if it resolves or throws something else). */
async function failure(url: string, opts: FetchOptions = local): Promise<FetchError> {
  try {
    await fetchPage(url, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error(`expected ${url} to fail`);
}

async function expectCode(url: string, code: FetchErrorCode, opts: FetchOptions = local): Promise<FetchError> {
  const err = await failure(url, opts);
  expect(err.code).toBe(code);
  expect(err.message.startsWith('fetcher: ')).toBe(true);
  return err;
}

describe('fetchPage: a normal page', () => {
  it('returns status, raw headers in order, the request headers sent, the body and the decoded text', async () => {
    const url = origin.url('/page');
    const r = await fetchPage(url, local);
    expect(r.status).toBe(200);
    expect(r.statusText).toBe('OK');
    expect(r.requestedUrl).toBe(url);
    expect(r.url).toBe(url);
    expect(r.redirectChain).toEqual([url]);
    expect(r.httpVersion).toBe('1.1');
    expect(r.text).toBe(ARTICLE_HTML);
    expect(r.body.equals(Buffer.from(ARTICLE_HTML))).toBe(true);
    expect(r.charset).toBe('UTF-8');
    expect(r.contentType).toBe('text/html');
    expect(r.headers[0]).toEqual(['Content-Type', 'text/html; charset=utf-8']);
    expect(r.headers[1]).toEqual(['Content-Length', String(Buffer.byteLength(ARTICLE_HTML))]);
    expect(Number.isNaN(Date.parse(r.fetchedAt))).toBe(false);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    const sentNames = r.requestHeaders.map(([n]) => n);
    expect(sentNames).toEqual(['Host', 'User-Agent', 'Accept', 'Accept-Encoding', 'Connection']);
    expect(r.requestHeaders).toContainEqual(['Host', `127.0.0.1:${origin.port}`]);
    expect(r.requestHeaders).toContainEqual(['Accept-Encoding', 'gzip, deflate, br']);
  });

  it('sends exactly the recorded request headers, with the honest default User-Agent', async () => {
    const r = await fetchPage(origin.url('/echo'), local);
    const echoed = JSON.parse(r.text) as { rawHeaders: string[] };
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < echoed.rawHeaders.length; i += 2) pairs.push([echoed.rawHeaders[i] ?? '', echoed.rawHeaders[i + 1] ?? '']);
    expect(pairs).toEqual(r.requestHeaders);
    expect(DEFAULT_USER_AGENT).toBe(`Palimpsest/${PALIMPSEST_VERSION} (+https://github.com/palimpsest-news/palimpsest; news article version tracker)`);
    expect(PALIMPSEST_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(pairs).toContainEqual(['User-Agent', DEFAULT_USER_AGENT]);
    expect(r.contentType).toBe('application/json');
    expect(r.charset).toBe('UTF-8'); // JSON defaults to UTF-8, not windows-1252
  });

  it('lets the caller add headers and replace defaults (case-insensitively), but never Host', async () => {
    const r = await fetchPage(origin.url('/echo'), { ...local, userAgent: 'TestBot/1', headers: { accept: 'text/html', 'X-Extra': 'yes', host: 'evil.example' } });
    const raw = (JSON.parse(r.text) as { rawHeaders: string[] }).rawHeaders;
    expect(raw).toContain('TestBot/1');
    expect(raw).toContain('X-Extra');
    expect(raw).not.toContain('evil.example');
    expect(raw.filter((h) => h.toLowerCase() === 'accept')).toHaveLength(1);
    expect(r.requestHeaders).toContainEqual(['accept', 'text/html']);
  });
});

describe('fetchPage: statuses are returned, not thrown', () => {
  it.each([404, 500, 410])('returns %i with its body', async (code) => {
    const r = await fetchPage(origin.url(`/status/${code}`), local);
    expect(r.status).toBe(code);
    expect(r.text).toContain(String(code));
  });

  it('returns 429 and 503 with their Retry-After header', async () => {
    const r429 = await fetchPage(origin.url('/429?retry-after=7'), local);
    expect(r429.status).toBe(429);
    expect(r429.headers).toContainEqual(['Retry-After', '7']);
    const r503 = await fetchPage(origin.url('/503'), local);
    expect(r503.status).toBe(503);
    expect(r503.headers.find(([n]) => n === 'Retry-After')?.[1]).toMatch(/GMT$/);
  });

  it('returns 304 with an empty body for a conditional request', async () => {
    const r = await fetchPage(origin.url('/etag'), { ...local, headers: { 'If-None-Match': '"v1"' } });
    expect(r.status).toBe(304);
    expect(r.body.length).toBe(0);
    expect(r.text).toBe('');
  });
});

describe('fetchPage: redirects', () => {
  it('follows a chain and records every hop', async () => {
    const r = await fetchPage(origin.url('/redirect/chain/3'), local);
    expect(r.status).toBe(200);
    expect(r.redirectChain).toEqual([3, 2, 1, 0].map((n) => origin.url(`/redirect/chain/${n}`)));
    expect(r.url).toBe(origin.url('/redirect/chain/0'));
    expect(r.text).toBe(ARTICLE_HTML);
  });

  it('resolves relative Location headers against the current URL', async () => {
    const r = await fetchPage(origin.url('/redirect/relative'), local);
    expect(r.url).toBe(origin.url('/page?via=relative'));
  });

  it('stops after maxRedirects with too_many_redirects (5 by default)', async () => {
    expect((await fetchPage(origin.url('/redirect/chain/5'), local)).status).toBe(200);
    await expectCode(origin.url('/redirect/chain/6'), 'too_many_redirects');
    await expectCode(origin.url('/redirect/chain/2'), 'too_many_redirects', { ...local, maxRedirects: 1 });
  });

  it('detects loops without waiting for the limit', async () => {
    origin.stats.reset();
    const err = await expectCode(origin.url('/redirect/loop/a'), 'too_many_redirects', { ...local, maxRedirects: 50 });
    expect(err.message).toContain('loop');
    expect(origin.stats.requests).toBe(2);
    await expectCode(origin.url('/redirect/self'), 'too_many_redirects');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    await expectCode(origin.url('/redirect/to?location=ftp://example.com/file'), 'bad_scheme');
    await expectCode(origin.url('/redirect/to?location=file:///etc/passwd'), 'bad_scheme');
  });
});

describe('fetchPage: bad input and transport failures', () => {
  it('rejects bad URLs and schemes before any connection', async () => {
    await expectCode('not a url', 'bad_url');
    await expectCode('ftp://127.0.0.1/', 'bad_scheme');
    await expectCode('javascript:alert(1)', 'bad_scheme');
    await expectCode('data:text/html,hi', 'bad_scheme');
  });

  it('reports a reset before the response and a reset mid-body as connection errors', async () => {
    await expectCode(origin.url('/reset'), 'connection');
    await expectCode(origin.url('/reset-mid'), 'connection');
  });

  it('reports a refused connection as a connection error', async () => {
    const closed = await startFaultOrigin();
    const url = closed.url('/page');
    await closed.close();
    await expectCode(url, 'connection');
  });

  it('times out a hang, late headers and a trickled body with timeout', async () => {
    const opts = { ...local, totalTimeoutMs: 300 };
    await expectCode(origin.url('/hang'), 'timeout', opts);
    await expectCode(origin.url('/slow-headers?ms=5000'), 'timeout', opts);
    await expectCode(origin.url('/trickle?chunks=100&interval=50'), 'timeout', opts);
  });

  it('reads a slow but complete trickled body within the budget', async () => {
    const r = await fetchPage(origin.url('/trickle?chunks=4&interval=20'), local);
    expect(r.text).toBe('<!DOCTYPE html><html><body><p>more text more text more text </p></body></html>');
  });

  it('gives connect_timeout when no TCP connection can be made in time', async () => {
    // A lookup that never answers keeps the fetch in its connect phase; only the connect timer can end it.
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    await expectCode(`http://never.test:${origin.port}/page`, 'connect_timeout', { ...local, connectTimeoutMs: 100, lookup: never });
  });

  it('maps a resolver failure to dns', async () => {
    const fail = (): Promise<never> => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    await expectCode(`http://nowhere.test:${origin.port}/page`, 'dns', { ...local, lookup: fail });
  });

  it('falls back to the next address when the first refuses the connection', async () => {
    const closed = await startFaultOrigin();
    const deadPort = closed.port;
    await closed.close();
    // Both names map to loopback addresses; the server only listens on 127.0.0.1, so ::1 is refused first.
    const lookup = async (): Promise<Array<{ address: string; family: number }>> => [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ];
    const r = await fetchPage(`http://dual.test:${origin.port}/page`, { ...local, lookup });
    expect(r.status).toBe(200);
    expect(r.requestHeaders).toContainEqual(['Host', `dual.test:${origin.port}`]);
    await expectCode(`http://dual.test:${deadPort}/page`, 'connection', { ...local, lookup });
  });

  it('is cancelled by an AbortSignal, before or during the fetch', async () => {
    await expectCode(origin.url('/page'), 'aborted', { ...local, signal: AbortSignal.abort() });
    const ctl = new AbortController();
    const pending = fetchPage(origin.url('/hang'), { ...local, totalTimeoutMs: 10_000, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('fetchPage: size limits', () => {
  it('stops a 50 MB streamed body at the limit without reading it all', async () => {
    origin.stats.reset();
    await expectCode(origin.url('/big?mb=50'), 'too_large', { ...local, maxBytes: 1024 * 1024 });
    const rec = origin.stats.log.find((l) => l.url === '/big?mb=50');
    expect(rec).toBeDefined();
    // The server stopped being read long before the end (socket buffers absorb a few MB at most).
    expect(rec?.bytesSent ?? Infinity).toBeLessThan(20 * 1024 * 1024);
  });

  it('stops at the default 10 MB limit', async () => {
    await expectCode(origin.url('/big?mb=12'), 'too_large', local);
    expect((await fetchPage(origin.url('/big?mb=9'), local)).body.length).toBe(9 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const err = await expectCode(origin.url('/big-declared?mb=50'), 'too_large', local);
    expect(err.message).toContain('Content-Length');
  });

  it('stops a 1 GiB gzip bomb and a brotli bomb on the decoded size, with bounded memory', async () => {
    await prepareBombs();
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
    try {
      const err = await expectCode(origin.url('/gzip-bomb'), 'too_large', { ...local, totalTimeoutMs: 20_000 });
      expect(err.message).toContain('decoded');
      await expectCode(origin.url('/br-bomb'), 'too_large', { ...local, totalTimeoutMs: 20_000 });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    // 10 MB kept plus buffers in flight; inflating either bomb whole would need 256 MiB to 1 GiB.
    expect(peak - before).toBeLessThan(120 * 1024 * 1024);
  });
});

describe('fetchPage: content encodings and types', () => {
  it.each(['/gzip', '/deflate', '/deflate-raw', '/br'])('decodes %s', async (path) => {
    const r = await fetchPage(origin.url(path), local);
    expect(r.text).toBe(ARTICLE_HTML);
    expect(r.headers.find(([n]) => n === 'Content-Encoding')).toBeDefined();
  });

  it('fails corrupt compressed data with decoding', async () => {
    await expectCode(origin.url('/corrupt-gzip'), 'decoding');
  });

  it('returns binary types undecoded, with their media type', async () => {
    const pdf = await fetchPage(origin.url('/pdf'), local);
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.text).toBe('');
    expect(pdf.charset).toBe('');
    const png = await fetchPage(origin.url('/png'), local);
    expect(png.contentType).toBe('image/png');
    expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('decodes a page without Content-Type by sniffing', async () => {
    const r = await fetchPage(origin.url('/no-content-type'), local);
    expect(r.contentType).toBe('');
    expect(r.text).toBe(ARTICLE_HTML); // the <meta charset="utf-8"> in the page is honoured
    expect(r.charset).toBe('UTF-8');
  });
});
