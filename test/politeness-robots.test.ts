/**
 * robots.txt that cannot be read is a transient failure, not a prohibition: a timeout or a refused connection makes
 * the check fail and back off like any other error (the article is not "blocked", its page does not say the site
 * forbids fetching), a source poll reports it (and a private address) as what it is rather than "robots.txt
 * disallows", and a robots.txt longer than 512 KiB is read up to 512 KiB only, as RFC 9309 says.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loadConfig, type Config } from '../src/config/index.js';
import { createPoliteFetcher } from '../src/scheduler/polite.js';
import { createSource } from '../src/sources/manage.js';
import { pollSource } from '../src/sources/poll.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { createApp } from '../src/web/app.js';
import { ROBOTS_TXT, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { tmpStore } from './helpers/tmp.js';

let origin: FaultOrigin;
let store: Store;
let cleanup: () => Promise<void>;
const config = (): Config =>
  loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { perHostDelayMs: 0, totalTimeoutMs: 600, connectTimeoutMs: 600 } } });

beforeAll(async () => {
  origin = await startFaultOrigin();
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await origin.close();
  await cleanup();
});
beforeEach(() => {
  origin.setRobots({});
  origin.stats.reset();
});

const track = async (url: string): Promise<number> => (await store.insertArticle(url, new Date().toISOString())).article.id;

/** Asserts what an unreadable robots.txt must leave behind: an ordinary failure with the first backoff, no block. */
async function expectBackedOff(id: number, before: number, why: RegExp): Promise<void> {
  const a = (await store.getArticle(id))!;
  expect(a.status).toBe('active');
  expect(a.errorCount).toBe(1);
  expect(a.lastError).toMatch(why);
  expect(a.lastError).toMatch(/\[robots_unavailable\]$/);
  // The first error backs off errorBaseS (300 s) with jitter: 150-300 s, not the day of a robots.txt block.
  const wait = Date.parse(a.nextCheck) - before;
  expect(wait).toBeGreaterThanOrEqual(150_000 - 5000);
  expect(wait).toBeLessThanOrEqual(300_000 + 5000);
  const page = await request(createApp({ store, config: config() })).get(`/articles/${id}`).expect(200);
  expect(page.text).not.toMatch(/Checking is blocked|does not let Palimpsest fetch/);
  expect(page.text).toMatch(/Being watched/);
}

describe('robots.txt that cannot be read', () => {
  it('a robots.txt timeout: the check fails and backs off like an error, the page is not fetched', async () => {
    origin.setRobots({ delayMs: 3000 });
    const c = config();
    const id = await track(origin.url('/page?robots=slow'));
    const before = Date.now();
    const r = await checkArticle({ store, config: c, fetch: createPoliteFetcher(c).fetch }, id);
    expect(r.outcome).toBe('error');
    await expectBackedOff(id, before, /robots\.txt unreachable: no complete response within 600 ms/);
    expect(origin.stats.log.some((l) => l.url === '/page?robots=slow')).toBe(false);
  });

  it('a refused connection: the check fails and backs off like an error', async () => {
    const gone = await startFaultOrigin();
    const url = gone.url('/page?robots=refused');
    await gone.close();
    const c = config();
    const id = await track(url);
    const before = Date.now();
    const r = await checkArticle({ store, config: c, fetch: createPoliteFetcher(c).fetch }, id);
    expect(r.outcome).toBe('error');
    await expectBackedOff(id, before, /robots\.txt unreachable: connection to .* failed: .*ECONNREFUSED/);
  });

  it('an article blocked by an earlier reading comes back to active on a transient failure', async () => {
    const c = config();
    const id = await track(origin.url('/private/page?was=blocked'));
    expect((await checkArticle({ store, config: c, fetch: createPoliteFetcher(c).fetch }, id)).outcome).toBe('blocked');
    origin.setRobots({ status: 503, body: 'busy' });
    const r = await checkArticle({ store, config: c, fetch: createPoliteFetcher(c).fetch }, id);
    expect(r.outcome).toBe('error');
    expect((await store.getArticle(id))!.status).toBe('active');
  });
});

describe('a source poll', () => {
  it('reports an unreachable robots.txt as such, not as "robots.txt disallows"', async () => {
    origin.setRobots({ delayMs: 3000 });
    const c = config();
    const src = await createSource(store, { name: 'Slow robots', kind: 'feed', urls: [origin.url('/feed.xml?robots=slow')] });
    const r = await pollSource({ store, config: c }, src.id);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).not.toMatch(/disallows/);
    expect(r.errors[0]?.message).toMatch(/robots\.txt unreachable: no complete response within 600 ms/);
  });

  it('reports a private address as such, not as "robots.txt disallows"', async () => {
    const c = loadConfig({ env: {}, flags: { fetch: { perHostDelayMs: 0 } } });
    const src = await createSource(store, { name: 'Private host', kind: 'feed', urls: [origin.url('/feed.xml?private=1')] });
    const r = await pollSource({ store, config: c }, src.id);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).not.toMatch(/disallows/);
    expect(r.errors[0]?.message).toMatch(/non-public address|private/i);
  });
});

describe('a robots.txt over 512 KiB', () => {
  it('is read up to 512 KiB: a Disallow after the first 512 KiB is ignored, one before it obeyed', async () => {
    const padding = `# ${'x'.repeat(1022)}\n`.repeat(600); // 600 KiB of comments
    origin.setRobots({ body: `${ROBOTS_TXT.replace('Crawl-delay: 2\n', '')}${padding}User-agent: *\nDisallow: /\n${padding}` });
    expect(Buffer.byteLength(padding) * 2).toBeGreaterThan(1024 * 1024);
    const c = config();
    const fetch = createPoliteFetcher(c).fetch;
    const allowed = await track(origin.url('/page?robots=big'));
    expect((await checkArticle({ store, config: c, fetch }, allowed)).outcome).toBe('new_version');
    const forbidden = await track(origin.url('/private/page?robots=big'));
    expect((await checkArticle({ store, config: c, fetch }, forbidden)).outcome).toBe('blocked');
    // The source poll's own robots.txt reading (without the scheduler's fetcher) reads it the same way.
    const src = await createSource(store, { name: 'Big robots', kind: 'page', urls: [origin.url('/page?robots=big-poll')], links: 'a' });
    const r = await pollSource({ store, config: c }, src.id);
    expect(r.errors).toEqual([]);
  });
});
