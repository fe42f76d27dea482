/**
 * Checking articles against a fault-injecting origin: every failure is recorded on the article with a clear reason,
 * nothing half-written is left, and the next attempt is scheduled with backoff.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, type Config } from '../src/config/index.js';
import { getArticle, insertArticle, listChecks, listVersionSummaries, type Db } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { checkMany } from '../src/scheduler/run.js';
import { prepareBombs, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { tmpDb } from './helpers/tmp.js';

let origin: FaultOrigin;
let db: Db;
let cleanup: () => void;
let config: Config;
let malformed: http.Server;
let malformedUrl: string;

beforeAll(async () => {
  origin = await startFaultOrigin();
  await prepareBombs(); // built once, before any check's clock starts
  ({ db, cleanup } = tmpDb());
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
  cleanup();
});

function track(url: string): number {
  return insertArticle(db, url, new Date().toISOString()).article.id;
}

describe('checking an article', () => {
  it('stores the first version and then finds the page unchanged', async () => {
    const id = track(origin.url('/page'));
    const first = await checkArticle({ db, config }, id);
    expect(first.outcome).toBe('new_version');
    const second = await checkArticle({ db, config }, id);
    expect(second.outcome).toBe('unchanged');
    const a = getArticle(db, id)!;
    expect([a.versionCount, a.checkCount, a.errorCount]).toEqual([1, 2, 0]);
    expect(new Date(a.nextCheck).getTime()).toBeGreaterThan(Date.now() + 1000);
    expect(listChecks(db, id, 10).map((c) => c.outcome)).toEqual(['unchanged', 'new_version']);
  });

  it('uses conditional requests and counts a 304 as unchanged', async () => {
    const id = track(origin.url('/etag'));
    expect((await checkArticle({ db, config }, id)).outcome).toBe('new_version');
    const r = await checkArticle({ db, config }, id);
    expect([r.outcome, r.httpStatus]).toEqual(['not_modified', 304]);
  });

  it('extracts what it can from malformed HTML', async () => {
    const id = track(malformedUrl);
    const r = await checkArticle({ db, config }, id);
    expect(r.outcome).toBe('new_version');
    const v = listVersionSummaries(db, id);
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
      const id = track(origin.url(path));
      const before = Date.now();
      const cfg = sizeCases.has(path) ? { ...config, fetch: { ...config.fetch, totalTimeoutMs: 20_000 } } : config;
      const r = await checkArticle({ db, config: cfg }, id);
      expect(r.outcome).toBe('error');
      const a = getArticle(db, id)!;
      expect(a.lastError).toMatch(reason);
      expect([a.errorCount, a.versionCount, a.status]).toEqual([1, 0, 'active']);
      expect(new Date(a.nextCheck).getTime()).toBeGreaterThanOrEqual(before + (config.scheduler.errorBaseS * 1000) / 2 - 1000);
      expect(listChecks(db, id, 1)[0]?.outcome).toBe('error');
    });
  }

  it('refuses a private address without allowPrivate', async () => {
    const strict = loadConfig({ env: {} });
    const id = track(origin.url('/page'));
    const r = await checkArticle({ db, config: strict }, id);
    expect(r.outcome).toBe('error');
    expect(getArticle(db, id)!.lastError).toMatch(/non-public address 127\.0\.0\.1 \[private_address\]; set --allow-private/);
  });

  it('pauses an article after too many consecutive failures', async () => {
    const few = loadConfig({ env: {}, flags: { allowPrivate: true, scheduler: { maxConsecutiveErrors: 3 } } });
    const id = track(origin.url('/status/503'));
    for (let i = 0; i < 3; i++) await checkArticle({ db, config: few }, id);
    const a = getArticle(db, id)!;
    expect([a.errorCount, a.status]).toEqual([3, 'paused']);
  });

  it('keeps checking other articles when some fail', async () => {
    const ids = [track(origin.url('/status/500?x=1')), track(origin.url('/page?x=2')), track(origin.url('/reset?x=3'))];
    const summary = await checkMany({ db, config }, ids, { concurrency: 2 });
    expect([summary.checked, summary.newVersions, summary.errors]).toEqual([3, 1, 2]);
  });
});
