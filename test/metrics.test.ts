/**
 * Metrics: real checks against the fault-injecting origin count into a registry of their own, and GET /metrics on
 * the web app serves them, with the gauges read from the database, in the Prometheus text format.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loadConfig, type Config } from '../src/config/index.js';
import { createMetrics, NO_SOURCE, type Metrics } from '../src/metrics/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { startScheduler } from '../src/scheduler/cron.js';
import { createSource } from '../src/sources/manage.js';
import type { Store } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { tmpStore } from './helpers/tmp.js';
import pino from 'pino';

let origin: FaultOrigin;
let store: Store;
let cleanup: () => Promise<void>;
let config: Config;
let metrics: Metrics;

/** One sample of the text format: name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|NaN))$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the exposition text; throws on any line that is neither a comment, blank, nor a valid sample. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and these labels (undefined when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${hits.length} samples`);
  return hits[0]?.value;
}

async function track(url: string, sourceId: number | null = null): Promise<number> {
  return (await store.insertArticle(url, new Date().toISOString(), sourceId)).article.id;
}

beforeAll(async () => {
  origin = await startFaultOrigin();
  ({ store, cleanup } = await tmpStore());
  config = loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { perHostDelayMs: 0, connectTimeoutMs: 500, totalTimeoutMs: 800 } } });
  metrics = createMetrics({ store });
});

afterAll(async () => {
  await origin.close();
  await cleanup();
});

describe('metrics of checks', () => {
  it('counts outcomes, versions, bytes, durations and errors per source, and serves them at /metrics', async () => {
    const source = await createSource(store, { name: 'Loopback wire', kind: 'feed', urls: [origin.url('/feed.xml')] });
    const deps = { store, config, metrics };
    const page = await track(origin.url('/page'));
    const etag = await track(origin.url('/etag'));
    const broken = await track(origin.url('/status/500'), source.id);
    const missing = await track(origin.url('/status/404'));
    expect((await checkArticle(deps, page)).outcome).toBe('new_version');
    expect((await checkArticle(deps, etag)).outcome).toBe('new_version');
    expect((await checkArticle(deps, broken)).outcome).toBe('error');
    expect((await checkArticle(deps, missing)).outcome).toBe('error');
    expect((await checkArticle(deps, page)).outcome).toBe('unchanged');
    expect((await checkArticle(deps, etag)).outcome).toBe('not_modified');
    await store.setArticleStatus(missing, 'paused');

    const res = await request(createApp({ store, config, registry: metrics.registry })).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = parseExposition(res.text);
    expect(value(s, 'palimpsest_fetches_total', { outcome: 'new_version' })).toBe(2);
    expect(value(s, 'palimpsest_fetches_total', { outcome: 'error' })).toBe(2);
    expect(value(s, 'palimpsest_fetches_total', { outcome: 'unchanged' })).toBe(1);
    expect(value(s, 'palimpsest_fetches_total', { outcome: 'not_modified' })).toBe(1);
    expect(value(s, 'palimpsest_fetches_total', { outcome: 'flipflop' })).toBe(0);
    expect(value(s, 'palimpsest_versions_created_total')).toBe(2);
    expect(value(s, 'palimpsest_source_errors_total', { source: 'loopback-wire', kind: 'check' })).toBe(1);
    expect(value(s, 'palimpsest_source_errors_total', { source: NO_SOURCE, kind: 'check' })).toBe(1);
    // Six fetches answered (two of them error pages); the two 200s that were not skipped on their hash were extracted.
    expect(value(s, 'palimpsest_fetch_duration_seconds_count', { result: 'ok' })).toBe(6);
    expect(value(s, 'palimpsest_extract_duration_seconds_count')).toBe(2);
    expect(value(s, 'palimpsest_extract_duration_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(value(s, 'palimpsest_fetched_bytes_total')).toBeGreaterThan(0);
    // Gauges read from the database: the error article is due again later, the paused one no longer counts.
    expect(value(s, 'palimpsest_due_articles')).toBe(0);
    expect(value(s, 'palimpsest_articles', { status: 'active' })).toBe(3);
    expect(value(s, 'palimpsest_articles', { status: 'paused' })).toBe(1);
    expect(value(s, 'palimpsest_articles', { status: 'stopped' })).toBe(0);
  });

  it('counts failed fetches apart from answered ones', async () => {
    const id = await track(origin.url('/reset'));
    expect((await checkArticle({ store, config, metrics }, id)).outcome).toBe('error');
    const s = parseExposition(await metrics.text());
    expect(value(s, 'palimpsest_fetch_duration_seconds_count', { result: 'failed' })).toBe(1);
  });

  it('counts scheduler ticks and the due queue as the scheduler sees it', async () => {
    await track(origin.url('/page?tick=1'));
    const due = parseExposition(await metrics.text());
    expect(value(due, 'palimpsest_due_articles')).toBe(1);
    const log = pino({ level: 'silent' });
    // A cron that never fires during the test: only the tick called here runs.
    const quiet = { ...config, scheduler: { ...config.scheduler, cron: '0 0 1 1 *' } };
    const scheduler = startScheduler({ store, config: quiet, metrics }, log, { metrics, sources: false, tickMs: 60_000 });
    try {
      const summary = await scheduler.tick();
      expect(summary?.checked).toBe(1);
    } finally {
      await scheduler.stop();
    }
    const s = parseExposition(await metrics.text());
    expect(value(s, 'palimpsest_scheduler_ticks_total', { result: 'done' })).toBe(1);
    expect(value(s, 'palimpsest_due_articles')).toBe(0);
  });
});

describe('/metrics without a shared registry', () => {
  it('serves the database gauges from a registry of the app, apart from other apps', async () => {
    const app = createApp({ store, config });
    const s = parseExposition((await request(app).get('/metrics').expect(200)).text);
    expect(value(s, 'palimpsest_articles', { status: 'paused' })).toBe(1);
    expect(value(s, 'palimpsest_due_articles')).toBeDefined();
    expect(s.some((x) => x.name.startsWith('palimpsest_fetches_total'))).toBe(false);
    // A second app in the same process registers its own gauges without a duplicate-name error.
    await request(createApp({ store, config })).get('/metrics').expect(200);
  });
});
