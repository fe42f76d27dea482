/**
 * Checking articles against a fault-injecting origin: every failure is recorded on the article with a clear reason,
 * nothing half-written is left, and the next attempt is scheduled with backoff.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, type Config } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { checkMany } from '../src/scheduler/run.js';
import { prepareBombs, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { tmpStore } from './helpers/tmp.js';

let origin: FaultOrigin;
let store: Store;
let cleanup: () => Promise<void>;
let config: Config;
let malformed: http.Server;
let malformedUrl: string;

beforeAll(async () => {
  origin = await startFaultOrigin();
  await prepareBombs(); // built once, before any check's clock starts
  ({ store, cleanup } = await tmpStore());
  config = loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { connectTimeoutMs: 500, totalTimeoutMs: 800, maxBytes: 1024 * 1024 } } });
  // Broken markup with an article inside: unclosed tags, stray end tags, a truncated document.
  malformed = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><head><title>Broken page</title><body><div><article><h1>Broken page</h1></span><p>The first paragraph of a story whose markup never closes properly but whose words are all here for the reader.<p>A second paragraph follows, with <b>bold and <i>nested</b> tags that overlap, as real pages sometimes do.</div></td><p>And a third, cut off mid-');
  });
  await new Promise<void>((r) => malformed.listen(0, '127.0.0.1', r));
  malformedUrl = `http://127.0.0.1:${(malformed.address() as AddressInfo).port}/broken`;
});

afterAll(async () => {
  await origin.close();
  await new Promise((r) => malformed.close(r));
  await cleanup();
});

async function track(url: string): Promise<number> {
  return (await store.insertArticle(url, new Date().toISOString())).article.id;
}

describe('checking an article', () => {
  it('stores the first version and then finds the page unchanged', async () => {
    const id = await track(origin.url('/page'));
    const first = await checkArticle({ store, config }, id);
    expect(first.outcome).toBe('new_version');
    const second = await checkArticle({ store, config }, id);
    expect(second.outcome).toBe('unchanged');
    const a = (await store.getArticle(id))!;
    expect([a.versionCount, a.checkCount, a.errorCount]).toEqual([1, 2, 0]);
    expect(new Date(a.nextCheck).getTime()).toBeGreaterThan(Date.now() + 1000);
    expect((await store.listChecks(id, 10)).map((c) => c.outcome)).toEqual(['unchanged', 'new_version']);
  });

  it('uses conditional requests and counts a 304 as unchanged', async () => {
    const id = await track(origin.url('/etag'));
    expect((await checkArticle({ store, config }, id)).outcome).toBe('new_version');
    const r = await checkArticle({ store, config }, id);
    expect([r.outcome, r.httpStatus]).toEqual(['not_modified', 304]);
  });

  it('extracts what it can from malformed HTML', async () => {
    const id = await track(malformedUrl);
    const r = await checkArticle({ store, config }, id);
    expect(r.outcome).toBe('new_version');
    const v = await store.listVersionSummaries(id);
    expect(v[0]?.title).toBe('Broken page');
  });

  // Size limits must stop these, not the clock: they get a generous total timeout even on a busy machine.
  const sizeCases = new Set(['/big?mb=5', '/gzip-bomb']);
  const failures: Array<[string, string, RegExp]> = [
    ['a 404', '/status/404', /^HTTP 404/],
    ['a 500', '/status/500', /^HTTP 500/],
    ['a non-HTML response', '/pdf', /not an HTML page \(Content-Type: application\/pdf\)/],
    ['a timeout', '/hang', /^fetcher: .*\[timeout\]$/],
    ['a connection reset', '/reset', /^fetcher: .*\[connection\]$/],
    ['a huge response', '/big?mb=5', /^fetcher: .*exceeds 1048576 bytes \[too_large\]$/],
    ['a gzip bomb', '/gzip-bomb', /^fetcher: decoded body exceeds 1048576 bytes \[too_large\]$/],
    ['a redirect loop', '/redirect/loop/a', /^fetcher: .*\[too_many_redirects\]$/],
  ];
  for (const [what, path, reason] of failures) {
    it(`records ${what} on the article and backs off`, async () => {
      const id = await track(origin.url(path));
      const before = Date.now();
      const cfg = sizeCases.has(path) ? { ...config, fetch: { ...config.fetch, totalTimeoutMs: 20_000 } } : config;
      const r = await checkArticle({ store, config: cfg }, id);
      expect(r.outcome).toBe('error');
      const a = (await store.getArticle(id))!;
      expect(a.lastError).toMatch(reason);
      expect([a.errorCount, a.versionCount, a.status]).toEqual([1, 0, 'active']);
      expect(new Date(a.nextCheck).getTime()).toBeGreaterThanOrEqual(before + (config.scheduler.errorBaseS * 1000) / 2 - 1000);
      expect((await store.listChecks(id, 1))[0]?.outcome).toBe('error');
    });
  }

  it('refuses a private address without allowPrivate', async () => {
    const strict = loadConfig({ env: {} });
    const id = await track(origin.url('/page'));
    const r = await checkArticle({ store, config: strict }, id);
    expect(r.outcome).toBe('error');
    expect((await store.getArticle(id))!.lastError).toMatch(/non-public address 127\.0\.0\.1 \[private_address\]; set --allow-private/);
  });

  it('pauses an article after too many consecutive failures', async () => {
    const few = loadConfig({ env: {}, flags: { allowPrivate: true, scheduler: { maxConsecutiveErrors: 3 } } });
    const id = await track(origin.url('/status/503'));
    for (let i = 0; i < 3; i++) await checkArticle({ store, config: few }, id);
    const a = (await store.getArticle(id))!;
    expect([a.errorCount, a.status]).toEqual([3, 'paused']);
  });

  it('keeps checking other articles when some fail', async () => {
    const ids = [await track(origin.url('/status/500?x=1')), await track(origin.url('/page?x=2')), await track(origin.url('/reset?x=3'))];
    const summary = await checkMany({ store, config }, ids, { concurrency: 2 });
    expect([summary.checked, summary.newVersions, summary.errors]).toEqual([3, 1, 2]);
  });
});
