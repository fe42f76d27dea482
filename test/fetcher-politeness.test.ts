/** Politeness primitives: HostLimiter, RobotsCache, Retry-After/backoff, conditional requests, HTML detection. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import {
  HostLimiter,
  RobotsCache,
  backoffMs,
  conditionalHeaders,
  fetchPage,
  headerValue,
  isHtmlContentType,
  parseRetryAfter,
  validatorsOf,
  DEFAULT_USER_AGENT,
  HostDeferredError,
  MAX_ROBOTS_BYTES,
  type FetchOptions,
} from '../src/fetcher/index.js';
import { ARTICLE_HTML, LAST_MODIFIED, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';

let origin: FaultOrigin;
beforeAll(async () => {
  origin = await startFaultOrigin();
});
afterAll(async () => {
  await origin.close();
});

const local: FetchOptions = { allowPrivate: true, connectTimeoutMs: 1000, totalTimeoutMs: 3000 };
const localhostUrl = (path: string): string => `http://localhost:${origin.port}${path}`;

describe('HostLimiter', () => {
  it('never runs more than perHostConcurrency requests to one host (and does reach it)', async () => {
    origin.stats.reset();
    const limiter = new HostLimiter({ perHostConcurrency: 2, perHostDelayMs: 0, globalConcurrency: 10 });
    const url = origin.url('/hold?ms=150');
    await Promise.all(Array.from({ length: 6 }, () => limiter.schedule(url, () => fetchPage(url, local))));
    expect(origin.stats.requests).toBe(6);
    expect(origin.stats.maxInFlightByHost['127.0.0.1']).toBe(2);
  });

  it('never runs more than globalConcurrency requests overall, across hosts', async () => {
    origin.stats.reset();
    const limiter = new HostLimiter({ perHostConcurrency: 2, perHostDelayMs: 0, globalConcurrency: 3 });
    const urls = [origin.url('/hold?ms=150'), localhostUrl('/hold?ms=150')];
    const jobs = Array.from({ length: 10 }, (_, i) => urls[i % 2] as string);
    await Promise.all(jobs.map((u) => limiter.schedule(u, () => fetchPage(u, local))));
    expect(origin.stats.requests).toBe(10);
    expect(origin.stats.maxInFlight).toBe(3);
    expect(origin.stats.maxInFlightByHost['127.0.0.1']).toBeLessThanOrEqual(2);
    expect(origin.stats.maxInFlightByHost['localhost']).toBeLessThanOrEqual(2);
  });

  it('spaces request starts to one host by at least perHostDelayMs', async () => {
    origin.stats.reset();
    const delay = 150;
    const limiter = new HostLimiter({ perHostConcurrency: 2, perHostDelayMs: delay });
    const url = origin.url('/page');
    await Promise.all(Array.from({ length: 4 }, () => limiter.schedule(url, () => fetchPage(url, local))));
    const starts = origin.stats.log.map((l) => l.at);
    expect(starts).toHaveLength(4);
    for (let i = 1; i < starts.length; i++) {
      // Small tolerance: the arrival is measured at the server, after connection set-up.
      expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(delay - 40);
    }
  });

  it('does not make one host wait for another host’s delay, and keeps per-host order', async () => {
    const limiter = new HostLimiter({ perHostConcurrency: 1, perHostDelayMs: 300 });
    const done: string[] = [];
    const job = (name: string) => async (): Promise<void> => void done.push(name);
    await Promise.all([
      limiter.schedule('http://a.test/1', job('a1')),
      limiter.schedule('http://a.test/2', job('a2')),
      limiter.schedule('http://A.TEST:8080/3', job('a3')), // same host: case and port do not matter
      limiter.schedule('http://b.test/1', job('b1')),
    ]);
    expect(done).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('passes results and errors through and frees the slot after a failure', async () => {
    const limiter = new HostLimiter({ perHostConcurrency: 1, perHostDelayMs: 0 });
    await expect(limiter.schedule('http://x.test/', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.schedule('http://x.test/', () => { throw new Error('sync boom'); })).rejects.toThrow('sync boom');
    await expect(limiter.schedule('http://x.test/', async () => 42)).resolves.toBe(42);
    expect(limiter.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('holds a deferred host (Retry-After) while other hosts proceed, and honours setHostDelay', async () => {
    const limiter = new HostLimiter({ perHostConcurrency: 1, perHostDelayMs: 0 });
    limiter.deferHost('http://slow.test/', 200);
    limiter.setHostDelay('fast.test', 0);
    const done: string[] = [];
    const p1 = limiter.schedule('http://slow.test/a', async () => void done.push('slow'));
    const p2 = limiter.schedule('http://fast.test/a', async () => void done.push('fast'));
    expect(limiter.stats().queued).toBe(1);
    await Promise.all([p1, p2]);
    expect(done).toEqual(['fast', 'slow']);

    const spaced = new HostLimiter({ perHostConcurrency: 2, perHostDelayMs: 0 });
    spaced.setHostDelay('http://c.test/', 250);
    const order: string[] = [];
    await Promise.all([
      spaced.schedule('http://c.test/1', async () => void order.push('c1')),
      spaced.schedule('http://c.test/2', async () => void order.push('c2')),
      spaced.schedule('http://d.test/1', async () => void order.push('d1')),
      spaced.schedule('http://d.test/2', async () => void order.push('d2')),
    ]);
    expect(order.indexOf('c2')).toBe(3); // c.test's second job waits for its own delay; d.test has none
  });

  it('refuses the calls of a host deferred past maxDeferWaitMs at once, saying until when, and never holds up other hosts', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const limiter = new HostLimiter({ perHostConcurrency: 1, perHostDelayMs: 0, globalConcurrency: 2, maxDeferWaitMs: 1000 });
      let release: () => void = () => undefined;
      const running = limiter.schedule('http://a.test/1', () => new Promise<void>((r) => { release = r; }));
      const queued = limiter.schedule('http://a.test/2', async () => 'ran');
      // A Retry-After of about 30 years (past setTimeout's 24.8 days): kept to a year, and nothing spins.
      limiter.deferHost('http://a.test/', 1e12);
      await expect(queued).rejects.toBeInstanceOf(HostDeferredError);
      await expect(limiter.schedule('http://A.test/3', async () => 'ran')).rejects.toMatchObject({ code: 'deferred' });
      const until = limiter.deferredUntil('a.test') ?? 0;
      expect(until).toBeGreaterThan(Date.now() + 364 * 86_400_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 365 * 86_400_000);
      const refused = await limiter.schedule('http://a.test/4', async () => 'ran').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HostDeferredError);
      expect((refused as HostDeferredError).until.getTime()).toBe(until);
      expect((refused as Error).message).toMatch(/^fetcher: a\.test asked to be left alone until \d{4}-/);
      // Another host goes on at once, even with the deferred host's call still running.
      expect(await limiter.schedule('http://b.test/1', async () => 'b')).toBe('b');
      release();
      await running;
      // A short deferral is waited out.
      limiter.deferHost('http://c.test/', 150);
      const t0 = Date.now();
      expect(await limiter.schedule('http://c.test/1', async () => 'c')).toBe('c');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
      await new Promise((r) => setTimeout(r, 20));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects nonsensical limits', () => {
    expect(() => new HostLimiter({ perHostConcurrency: 0 })).toThrow(/^fetcher: /);
    expect(() => new HostLimiter({ globalConcurrency: 1.5 })).toThrow(RangeError);
  });
});

describe('RobotsCache', () => {
  const robotsRequests = (): number => origin.stats.log.filter((l) => l.url === '/robots.txt').length;

  it('applies the rules and Crawl-delay, fetching robots.txt once for concurrent and later calls', async () => {
    origin.setRobots({});
    origin.stats.reset();
    const robots = new RobotsCache({ fetchOptions: local });
    const [a, b] = await Promise.all([robots.isAllowed(origin.url('/private/page')), robots.isAllowed(origin.url('/page'))]);
    expect(a).toBe(false);
    expect(b).toBe(true);
    expect(await robots.crawlDelayMs(origin.url('/page'))).toBe(2000);
    expect(robotsRequests()).toBe(1);
    const sent = origin.stats.log[0]?.rawHeaders ?? [];
    expect(sent[sent.indexOf('User-Agent') + 1]).toBe(DEFAULT_USER_AGENT);
  });

  it('keeps origins apart (another host has its own robots.txt)', async () => {
    origin.setRobots({});
    origin.stats.reset();
    const robots = new RobotsCache({ fetchOptions: local });
    await robots.isAllowed(origin.url('/page'));
    await robots.isAllowed(localhostUrl('/page'));
    expect(robotsRequests()).toBe(2);
  });

  it('matches the group of our product token, case-insensitively, and others fall back to *', async () => {
    origin.setRobots({ body: 'User-agent: Palimpsest\nDisallow: /\n\nUser-agent: *\nAllow: /\n' });
    const robots = new RobotsCache({ fetchOptions: local });
    expect(await robots.isAllowed(origin.url('/page'))).toBe(false);
    expect(await robots.isAllowed(origin.url('/page'), 'OtherBot/2.0')).toBe(true);
    expect(await robots.crawlDelayMs(origin.url('/page'))).toBeNull();
  });

  it('treats a 4xx robots.txt as allow-all, cached for the full TTL', async () => {
    origin.setRobots({ status: 404, body: 'not found' });
    origin.stats.reset();
    let now = 1_000_000;
    const robots = new RobotsCache({ fetchOptions: local, ttlMs: 60_000, now: () => now });
    expect(await robots.isAllowed(origin.url('/private/page'))).toBe(true);
    now += 59_000;
    expect(await robots.isAllowed(origin.url('/private/page'))).toBe(true);
    expect(robotsRequests()).toBe(1);
    now += 2_000;
    origin.setRobots({});
    expect(await robots.isAllowed(origin.url('/private/page'))).toBe(false);
    expect(robotsRequests()).toBe(2);
  });

  it.each([500, 503, 429])('treats a %i robots.txt as unavailable (nothing fetched) for errorTtlMs only', async (status) => {
    origin.setRobots({ status, body: 'busy' });
    let now = 0;
    const robots = new RobotsCache({ fetchOptions: local, errorTtlMs: 1000, now: () => now });
    expect(await robots.isAllowed(origin.url('/page'))).toBe(false);
    expect((await robots.verdict(origin.url('/page'))).kind).toBe('unavailable');
    origin.setRobots({});
    now += 999;
    expect(await robots.isAllowed(origin.url('/page'))).toBe(false);
    now += 2;
    expect(await robots.isAllowed(origin.url('/page'))).toBe(true);
  });

  it('treats an unreachable or too slow robots.txt as unavailable, saying why', async () => {
    const gone = await startFaultOrigin();
    const url = gone.url('/page');
    await gone.close();
    const robots = new RobotsCache({ fetchOptions: local });
    expect(await robots.isAllowed(url)).toBe(false);
    const v = await robots.verdict(url);
    expect(v.kind === 'unavailable' && v.reason).toMatch(/^robots.txt unreachable: connection to .* refused|ECONNREFUSED/);
    expect(v.kind === 'unavailable' && v.code).toBe('connection');

    origin.setRobots({ delayMs: 2000 });
    const slow = new RobotsCache({ fetchOptions: { ...local, totalTimeoutMs: 100 } });
    expect(await slow.isAllowed(origin.url('/page'))).toBe(false);
    origin.setRobots({});
  });

  it('reads only the first 512 KiB of a larger robots.txt, whatever the caller\'s size limit, and drops the cut line', async () => {
    // The cut falls inside "Disallow: /p" of "Disallow: /page": half a rule must not forbid /p...
    const head = 'User-agent: *\nDisallow: /private/\n';
    const filler = `#${'-'.repeat(MAX_ROBOTS_BYTES - head.length - 'Disallow: /p'.length - 2)}\n`;
    origin.setRobots({ body: `${head}${filler}Disallow: /page\nDisallow: /\n${'#'.repeat(512 * 1024)}\n` });
    expect(Buffer.byteLength(head + filler) + 'Disallow: /p'.length).toBe(MAX_ROBOTS_BYTES);
    try {
      const robots = new RobotsCache({ fetchOptions: { ...local, maxBytes: 10 * 1024 * 1024 } });
      const v = await robots.verdict(origin.url('/page'));
      expect(v.kind === 'rules' && v.truncated).toBe(true);
      expect(await robots.isAllowed(origin.url('/page'))).toBe(true);
      expect(await robots.isAllowed(origin.url('/pa'))).toBe(true);
      expect(await robots.isAllowed(origin.url('/private/x'))).toBe(false);
      const plain = await fetchPage(origin.url('/robots.txt'), { ...local, maxBytes: MAX_ROBOTS_BYTES, truncate: true });
      expect([plain.body.length, plain.truncated]).toEqual([MAX_ROBOTS_BYTES, true]);
    } finally {
      origin.setRobots({});
    }
  });

  it('refuses robots.txt of a private origin without allowPrivate (the page fetch would be refused too)', async () => {
    const robots = new RobotsCache();
    expect(await robots.isAllowed(origin.url('/page'))).toBe(false);
  });

  it('fetches robots.txt through the given scheduler', async () => {
    origin.setRobots({});
    const limiter = new HostLimiter({ perHostDelayMs: 0 });
    const scheduled: string[] = [];
    const robots = new RobotsCache({
      fetchOptions: local,
      schedule: (url, fn) => {
        scheduled.push(url);
        return limiter.schedule(url, fn);
      },
    });
    expect(await robots.isAllowed(origin.url('/page'))).toBe(true);
    expect(scheduled).toEqual([origin.url('/robots.txt')]);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-01-01T10:00:00Z');
  it.each([
    ['120', 120_000],
    [' 5 ', 5000],
    ['0', 1000],
    ['Wed, 01 Jan 2025 10:00:30 GMT', 30_000],
    ['Wed, 01 Jan 2025 09:00:00 GMT', 1000],
  ])('%j -> %i ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([undefined, '', 'soon', '1.5', '-3', '12abc'])('%j -> null', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  it('reads the header of a real 429', async () => {
    const r = await fetchPage(origin.url('/429?retry-after=7'), local);
    expect(parseRetryAfter(headerValue(r.headers, 'retry-after') ?? undefined, new Date())).toBe(7000);
  });
});

describe('backoffMs', () => {
  it('doubles from baseMs, jittered within the upper half, capped at maxMs', () => {
    expect(backoffMs(0, 1000, 60_000)).toBe(0);
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(3, 1000, 60_000, () => 0.5)).toBe(3000);
    expect(backoffMs(10, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(5000, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('stays within [exp/2, exp] with the real random source', () => {
    for (let i = 0; i < 100; i++) {
      const v = backoffMs(4, 100, 10_000);
      expect(v).toBeGreaterThanOrEqual(400);
      expect(v).toBeLessThanOrEqual(800);
    }
  });
});

describe('conditional requests', () => {
  it('builds If-None-Match / If-Modified-Since from what is known', () => {
    expect(conditionalHeaders({ etag: '"v1"', lastModified: LAST_MODIFIED })).toEqual({ 'If-None-Match': '"v1"', 'If-Modified-Since': LAST_MODIFIED });
    expect(conditionalHeaders({ etag: null, lastModified: LAST_MODIFIED })).toEqual({ 'If-Modified-Since': LAST_MODIFIED });
    expect(conditionalHeaders({})).toEqual({});
  });

  it('round-trips the validators of a response into a 304', async () => {
    const first = await fetchPage(origin.url('/etag'), local);
    expect(first.status).toBe(200);
    const v = validatorsOf(first);
    expect(v).toEqual({ etag: '"v1"', lastModified: LAST_MODIFIED });
    const again = await fetchPage(origin.url('/etag'), { ...local, headers: conditionalHeaders(v) });
    expect(again.status).toBe(304);
    const byDate = await fetchPage(origin.url('/etag'), { ...local, headers: conditionalHeaders({ lastModified: v.lastModified }) });
    expect(byDate.status).toBe(304);
    const stale = await fetchPage(origin.url('/etag'), { ...local, headers: conditionalHeaders({ etag: '"v0"' }) });
    expect(stale.status).toBe(200);
    expect(validatorsOf({ headers: [] })).toEqual({ etag: null, lastModified: null });
  });
});

describe('isHtmlContentType', () => {
  it.each(['text/html', 'TEXT/HTML; charset=utf-8', 'application/xhtml+xml'])('%s is HTML', (ct) => {
    expect(isHtmlContentType(ct)).toBe(true);
  });
  it.each(['application/pdf', 'image/png', 'text/plain', 'application/json', 'garbage'])('%s is not HTML', (ct) => {
    expect(isHtmlContentType(ct, ARTICLE_HTML)).toBe(false);
  });
  it('sniffs when the type is empty', () => {
    expect(isHtmlContentType('', ARTICLE_HTML)).toBe(true);
    expect(isHtmlContentType(undefined, Buffer.from('\uFEFF\n  <html><body>x</body></html>'))).toBe(true);
    expect(isHtmlContentType('', '<p>hello</p>')).toBe(true);
    expect(isHtmlContentType('', '<!-- comment --><div>')).toBe(true);
    expect(isHtmlContentType('', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<html>', 'utf16le')]))).toBe(true);
    expect(isHtmlContentType('', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<html>', 'utf16le').swap16()]))).toBe(true);
    expect(isHtmlContentType('', '%PDF-1.4')).toBe(false);
    expect(isHtmlContentType('', '{"json": true}')).toBe(false);
    expect(isHtmlContentType('', '1 < 2')).toBe(false);
    expect(isHtmlContentType('')).toBe(false);
  });
  it('sniffs the real page served without a Content-Type', async () => {
    const r = await fetchPage(origin.url('/no-content-type'), local);
    expect(isHtmlContentType(r.contentType, r.body)).toBe(true);
  });
});
