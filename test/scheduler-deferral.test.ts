/**
 * A host that asks to be left alone (503 with Retry-After) never holds up anything else: on a loopback origin with
 * two hosts (127.0.0.1 and 127.0.0.2, separate hosts for politeness), host A answering 503 `Retry-After: 3600` does
 * not keep host B's articles from being checked in the same tick, the tick ends at once, the next tick polls
 * sources on time, and A's other articles are rescheduled for when A may be asked again without counting as
 * failures. Hostile Retry-After values (a huge number, a date in year 9999, negative, garbage) give a bounded next
 * check and never a timer past setTimeout's limit. Runs the real round (startScheduler's tick) and pipeline.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { loadConfig } from '../src/config/index.js';
import { startScheduler, type TickSummary } from '../src/scheduler/cron.js';
import { createPipeline, type Pipeline } from '../src/scheduler/pipeline.js';
import { createPoliteFetcher } from '../src/scheduler/polite.js';
import { createSource } from '../src/sources/manage.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { ARTICLE_HTML } from './helpers/fault-origin.js';
import { tmpStore } from './helpers/tmp.js';

const HOUR_MS = 3_600_000;
const log = pino({ level: 'silent' });

/** One request the origin saw. */
interface Seen {
  host: string;
  path: string;
}

/**
 * The same tiny origin on 127.0.0.1 (host A) and 127.0.0.2 (host B), one port each. Host A answers every page with
 * 503 and `Retry-After: 3600`; host B serves articles and an RSS feed of three more. Both allow everything in
 * robots.txt. A `/ra?v=<value>` page answers 503 with that Retry-After verbatim, for the hostile values.
 */
async function startTwoHosts(): Promise<{ a: string; b: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const servers: http.Server[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
    seen.push({ host, path: url.pathname + url.search });
    if (url.pathname === '/robots.txt') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    } else if (url.pathname === '/ra') {
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': url.searchParams.get('v') ?? '' }).end('busy');
    } else if (host === '127.0.0.1') {
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '3600' }).end('come back in an hour');
    } else if (url.pathname === '/feed.xml') {
      const items = [1, 2, 3].map((n) => `<item><title>F${n}</title><link>http://${req.headers.host}/story/feed-${n}</link></item>`).join('');
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' })
        .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>B</title><link>http://${req.headers.host}/</link>${items}</channel></rss>`);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(ARTICLE_HTML);
    }
  };
  const listen = async (address: string): Promise<string> => {
    const server = http.createServer(handler);
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    return `http://${address}:${(server.address() as net.AddressInfo).port}`;
  };
  const a = await listen('127.0.0.1');
  const b = await listen('127.0.0.2');
  return {
    a, b, seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/** `p`, or a rejection naming `what` once `ms` have passed: a stalled tick fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

let origin: Awaited<ReturnType<typeof startTwoHosts>>;
beforeAll(async () => {
  origin = await startTwoHosts();
});
afterAll(async () => {
  await origin.close();
});

describe('a host answering 503 Retry-After: 3600', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let pipeline: Pipeline | undefined;
  beforeAll(async () => {
    ({ store, cleanup } = await tmpStore());
  });
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });
  afterAll(async () => {
    await cleanup();
  });

  it('does not keep the other host from being checked in the same tick, nor the next tick from polling sources', async () => {
    const config = loadConfig({
      env: {},
      flags: {
        allowPrivate: true,
        fetch: { perHostConcurrency: 1, perHostDelayMs: 0 },
        // A cron that never fires: only the ticks called here run.
        scheduler: { cron: '0 0 1 1 *', concurrency: 2, extractThreads: 0, spreadBacklog: false },
      },
    });
    const now = Date.now();
    // Host A's articles are the most overdue, so they are claimed first and would fill every check slot.
    const aIds: number[] = [];
    for (let i = 1; i <= 4; i++) aIds.push((await store.insertArticle(`${origin.a}/story/a${i}`, new Date(now - 2 * HOUR_MS + i).toISOString())).article.id);
    const bIds: number[] = [];
    for (let i = 1; i <= 4; i++) bIds.push((await store.insertArticle(`${origin.b}/story/b${i}`, new Date(now - HOUR_MS + i).toISOString())).article.id);

    pipeline = createPipeline(store, config);
    const scheduler = startScheduler(pipeline.deps, log, { sources: { robots: pipeline.polite.robots }, tickMs: 60_000 });
    try {
      const before = Date.now();
      const tick = (await within(scheduler.tick(), 20_000, 'the first tick')) as TickSummary;
      const outcome = new Map(tick.results.map((r) => [r.articleId, r.outcome]));
      expect(bIds.map((id) => outcome.get(id))).toEqual(['new_version', 'new_version', 'new_version', 'new_version']);
      // Host A was asked once; its answer is a failure of that article, and the others wait for the hour to pass.
      const aPages = origin.seen.filter((s) => s.host === '127.0.0.1' && s.path.startsWith('/story/'));
      expect(aPages).toHaveLength(1);
      const asked = aIds.filter((id) => outcome.get(id) === 'error');
      expect(asked).toHaveLength(1);
      expect(aIds.filter((id) => outcome.get(id) === 'deferred')).toHaveLength(3);
      for (const id of aIds) {
        const a = (await store.getArticle(id))!;
        const wait = Date.parse(a.nextCheck) - before;
        expect(a.status).toBe('active');
        expect(wait).toBeGreaterThan(HOUR_MS - 60_000);
        // A deferred article comes back within 10 % (at most 5 minutes) after the hour.
        expect(wait).toBeLessThan(HOUR_MS + 300_000 + 60_000);
        if (id === asked[0]) {
          expect(a.errorCount).toBe(1);
          expect(a.lastError).toBe('HTTP 503 Service Unavailable (Retry-After 3600 s)');
        } else {
          expect(a.errorCount).toBe(0); // a deferral never counts towards pausing the article
          expect(a.totalErrors).toBe(0);
          expect(a.lastError).toMatch(/^fetcher: 127\.0\.0\.1 asked to be left alone until \d{4}-.*Z; not fetching now \[deferred\]$/);
        }
      }

      // The next tick polls a source of each host on time: B's finds its articles, A's ends at once with the reason.
      const srcB = await createSource(store, { name: 'B feed', kind: 'feed', urls: [`${origin.b}/feed.xml`] });
      const srcA = await createSource(store, { name: 'A feed', kind: 'feed', urls: [`${origin.a}/feed.xml`] });
      const tick2 = (await within(scheduler.tick(), 20_000, 'the second tick')) as TickSummary;
      expect(tick2.sourcesPolled).toBe(2);
      expect(tick2.newArticles).toBe(3);
      expect((await store.getSource(srcB.id))?.lastError ?? null).toBeNull();
      expect((await store.getSource(srcA.id))?.lastError).toMatch(/asked to be left alone until/);
      expect(origin.seen.filter((s) => s.host === '127.0.0.1' && s.path === '/feed.xml')).toHaveLength(0);
    } finally {
      // A stalled tick would keep stop() waiting for ever: the failure above says what went wrong.
      await within(scheduler.stop(), 5000, 'stopping the scheduler').catch(() => undefined);
    }
  });
});

describe('hostile Retry-After values', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await tmpStore());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('a huge number, a date in year 9999, a negative number or garbage give a bounded next check and deferral', async () => {
    const cases = [
      ['a huge number', '9'.repeat(400), 'clamped'],
      ['a number past setTimeout', '99999999999', 'clamped'],
      ['a date in year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT', 'clamped'],
      ['a negative number', '-120', 'backoff'],
      ['garbage', 'soon, perhaps', 'backoff'],
      ['a date in the past', 'Thu, 01 Jan 1970 00:00:00 GMT', 'minimum'],
    ] as const;
    const maxMs = 7200_000;
    const config = loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { perHostDelayMs: 0, maxRetryAfterS: maxMs / 1000 } } });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (const [what, value, expected] of cases) {
        const polite = createPoliteFetcher(config);
        try {
          const deps = { store, config, fetch: polite.fetch };
          const url = `${origin.a}/ra?v=${encodeURIComponent(value)}`;
          const id = (await store.insertArticle(url, new Date().toISOString())).article.id;
          const before = Date.now();
          const r = await checkArticle(deps, id);
          expect([what, r.outcome, r.httpStatus]).toEqual([what, 'error', 503]);
          const wait = Date.parse((await store.getArticle(id))!.nextCheck) - before;
          // The next article of the host: deferred at once for a bounded time, or fetched when there is no deferral.
          const other = (await store.insertArticle(`${origin.a}/story/after-${encodeURIComponent(value)}`, new Date().toISOString())).article.id;
          const r2 = await within(checkArticle(deps, other), 5000, `the check after ${what}`);
          const wait2 = Date.parse((await store.getArticle(other))!.nextCheck) - before;
          if (expected === 'clamped') {
            // Cut to fetch.maxRetryAfterS (2 hours here), for the article and for the host.
            expect([what, wait > maxMs - 5000 && wait <= maxMs + 5000]).toEqual([what, true]);
            expect([what, r2.outcome]).toEqual([what, 'deferred']);
            expect([what, wait2 > maxMs - 5000 && wait2 <= maxMs + 300_000 + 5000]).toEqual([what, true]);
          } else if (expected === 'minimum') {
            expect([what, wait >= 500 && wait < 5000]).toEqual([what, true]);
            expect([what, r2.outcome]).toEqual([what, 'error']); // a 1 s deferral is waited out
          } else {
            // Not a valid Retry-After: the ordinary first backoff (errorBaseS 300: between 150 and 300 s), no deferral.
            expect([what, wait >= 150_000 - 5000 && wait <= 300_000 + 5000]).toEqual([what, true]);
            expect([what, r2.outcome]).toEqual([what, 'error']);
          }
        } finally {
          polite.close();
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
