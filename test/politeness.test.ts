/** The scheduler's polite fetch against a fault-injecting origin: per-host limits, robots.txt, Retry-After. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { checkMany } from '../src/scheduler/run.js';
import { createPoliteFetcher } from '../src/scheduler/polite.js';
import { checkArticle } from '../src/tracker/check.js';
import { startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { tmpStore } from './helpers/tmp.js';

let origin: FaultOrigin;
let store: Store;
let cleanup: () => Promise<void>;
const config = loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { perHostConcurrency: 2, perHostDelayMs: 10, globalConcurrency: 8 } } });

beforeAll(async () => {
  origin = await startFaultOrigin();
  origin.setRobots({ body: 'User-agent: *\nDisallow: /private/\n' });
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await origin.close();
  await cleanup();
});
beforeEach(() => origin.stats.reset());

const track = async (path: string): Promise<number> => (await store.insertArticle(origin.url(path), new Date().toISOString())).article.id;

describe('polite checking', () => {
  it('never has more than the per-host limit of requests open at once, however many checks run', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await track(`/hold?ms=80&n=${i}`));
    const polite = createPoliteFetcher(config);
    const summary = await checkMany({ store, config, fetch: polite.fetch }, ids, { concurrency: 8 });
    expect(summary.checked).toBe(12);
    expect(origin.stats.maxInFlightByHost['127.0.0.1']).toBe(2);
    expect(origin.stats.maxOpenConnections).toBeLessThanOrEqual(2);
  });

  it('obeys robots.txt and marks the article blocked, without requesting the page', async () => {
    const id = await track('/private/page');
    const polite = createPoliteFetcher(config);
    const r = await checkArticle({ store, config, fetch: polite.fetch }, id);
    expect(r.outcome).toBe('blocked');
    const a = (await store.getArticle(id))!;
    expect(a.status).toBe('blocked');
    expect(a.lastError).toMatch(/robots\.txt of http:\/\/127\.0\.0\.1:\d+ forbids Palimpsest/);
    expect(origin.stats.log.some((l) => l.url.startsWith('/private/'))).toBe(false);
    expect(origin.stats.log.some((l) => l.url === '/robots.txt')).toBe(true);
  });

  it('does not fetch pages of a host whose robots.txt cannot be read, and says why (a failure, not a block)', async () => {
    origin.setRobots({ status: 503 });
    try {
      const id = await track('/page?robots=503');
      const r = await checkArticle({ store, config, fetch: createPoliteFetcher(config).fetch }, id);
      expect(r.outcome).toBe('error');
      const a = (await store.getArticle(id))!;
      expect(a.status).toBe('active');
      expect(a.lastError).toMatch(/robots\.txt answered 503: not fetching .* until robots\.txt of .* can be read \[robots_unavailable\]$/);
      expect(origin.stats.log.some((l) => l.url === '/page?robots=503')).toBe(false);
    } finally {
      origin.setRobots({ status: 200, body: 'User-agent: *\nDisallow: /private/\n' });
    }
  });

  it('comes back after the Retry-After of a 429', async () => {
    const id = await track('/429?retry-after=120');
    const polite = createPoliteFetcher(config);
    const before = Date.now();
    const r = await checkArticle({ store, config, fetch: polite.fetch }, id);
    expect([r.outcome, r.httpStatus]).toEqual(['error', 429]);
    const a = (await store.getArticle(id))!;
    expect(a.lastError).toBe('HTTP 429 Too Many Requests (Retry-After 120 s)');
    const wait = new Date(a.nextCheck).getTime() - before;
    expect(wait).toBeGreaterThanOrEqual(119_000);
    expect(wait).toBeLessThan(125_000);
  });

  it('leaves robots.txt alone when obeyRobots is off', async () => {
    const off = loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { obeyRobots: false, perHostDelayMs: 0 } } });
    const id = await track('/private/page?again=1');
    const r = await checkArticle({ store, config: off, fetch: createPoliteFetcher(off).fetch }, id);
    expect(r.outcome).toBe('new_version');
    expect(origin.stats.log.some((l) => l.url === '/robots.txt')).toBe(false);
  });
});
