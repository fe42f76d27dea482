/**
 * Heavy requests never stall the site (issue 13, point 2): /healthz keeps answering, from another process, while a
 * large export streams (to a fast reader and to a slow one) and while 20 feed requests arrive at once (answers that
 * arrive while the work still runs, not after it; the latencies are printed for people, not asserted: a shared
 * two-core machine makes any fixed limit flaky, and speed belongs to the benches); heavy requests
 * beyond the configured limit queue, and beyond the queue get 503 with Retry-After. Real loopback HTTP server, the
 * real app, a real store on the test's backend seeded through the store.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../src/web/app.js';
import type { Store } from '../src/store/index.js';
import { seedHeavy } from './helpers/heavy-seed.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';
import { testConfig } from './helpers/web-seed.js';


let t: TmpStore;
let store: Store;

beforeAll(async () => {
  t = await tmpStore();
  store = t.store;
  const started = performance.now();
  const r = await seedHeavy(store, { articles: 300, versionsPerArticle: 3, paragraphs: 40, bodyFiller: 24_000, slug: 'all' });
  console.log(`web-heavy (${testBackend()}): seeded 300 articles, ${r.versions} versions in ${Math.round(performance.now() - started)} ms`);
}, 180_000);

afterAll(async () => t?.cleanup());

/** The app listening on a loopback port. */
async function listen(config = testConfig()): Promise<{ base: string; close: () => Promise<void> }> {
  const app = createApp({ store, config, logger: { error: () => undefined } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** GET on a fresh connection; resolves with status, headers and body once the whole body is in. */
function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Times one /healthz request from this process, in ms (checking it answered 200). */
async function probeOnce(base: string): Promise<number> {
  const started = performance.now();
  const r = await get(`${base}/healthz`);
  expect(r.status).toBe(200);
  return performance.now() - started;
}

/** One /healthz probe: its time to a complete answer, whether it was a 200, and the wall-clock time it ended. */
interface Probe {
  ms: number;
  ok: boolean;
  endedAt: number;
}

/**
 * Probes /healthz `count` times, one every `gapMs`, from a process of its own: each probe starts on schedule
 * whatever the others do, and the clock that times it is not the server's (the app runs in this process, so a
 * stalled event loop here would also delay probes started from here, and hide the stall).
 */
function probeFromOutside(base: string, count: number, gapMs: number): Promise<Probe[]> {
  const script = `
    import http from 'node:http';
    const [base, count, gap] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
    const one = () => new Promise((resolve) => {
      const t0 = performance.now();
      http.get(base + '/healthz', { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t0, ok: res.statusCode === 200, endedAt: Date.now() }));
      }).on('error', () => resolve({ ms: performance.now() - t0, ok: false, endedAt: Date.now() }));
    });
    const all = [];
    for (let i = 0; i < count; i++) {
      all.push(one());
      await new Promise((r) => setTimeout(r, gap));
    }
    console.log(JSON.stringify(await Promise.all(all)));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, base, String(count), String(gapMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Probe[]) : reject(new Error(`web-heavy: the prober exited with ${code}`))));
  });
}

/**
 * One request of each kind measured, so that what is timed is a running server, not the first compilation of the
 * code paths (a server in service has long compiled them).
 */
async function warmUp(base: string): Promise<void> {
  await probeOnce(base);
  expect((await get(`${base}/feed.rss?warm-up`)).status).toBe(200);
  const article = (await store.listArticlesPage({}, 0, 1))[0]!;
  expect((await get(`${base}/articles/${article.id}/export.jsonl`)).status).toBe(200);
}

/** p50, p95 and max of latencies, rounded to 0.1 ms. */
interface Figures {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function figures(ms: number[]): Figures {
  const s = ms.slice().sort((a, b) => a - b);
  const q = (p: number): number => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! * 10) / 10;
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: Math.round(s[s.length - 1]! * 10) / 10 };
}

/**
 * Rounds of 20 probes, 40 ms apart, while `busy()` holds (at most 3), printing each round's figures for people to
 * read. Resolves with every probe.
 */
async function measure(base: string, busy: () => boolean, what: string): Promise<Probe[]> {
  const rounds: string[] = [];
  const probes: Probe[] = [];
  for (let i = 0; i < 3 && busy(); i++) {
    const round = await probeFromOutside(base, 20, 40);
    probes.push(...round);
    const f = figures(round.map((p) => p.ms));
    rounds.push(`${f.n} probes, p50 ${f.p50} ms, p95 ${f.p95} ms, max ${f.max} ms`);
  }
  console.log(`web-heavy (${testBackend()}): /healthz during ${what}: ${rounds.join('; ')}`);
  return probes;
}

/**
 * Downloads `url`, reading `chunkDelayMs` after each chunk (0: as fast as it comes). `done` is set when the body
 * ended; `bytes` counts what arrived.
 */
function download(url: string, chunkDelayMs: number): { state: { done: boolean; bytes: number; status: number; endedAt: number }; finished: Promise<void> } {
  const state = { done: false, bytes: 0, status: 0, endedAt: Infinity };
  const finished = new Promise<void>((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      state.status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => {
        state.bytes += c.length;
        if (chunkDelayMs > 0) {
          res.pause();
          setTimeout(() => res.resume(), chunkDelayMs);
        }
      });
      res.on('end', () => { state.done = true; state.endedAt = Date.now(); resolve(); });
      res.on('error', reject);
    }).on('error', reject);
  });
  return { state, finished };
}

describe('/healthz keeps answering during heavy requests', () => {
  it('answers while a large export streams to a fast reader', async () => {
    const server = await listen();
    try {
      await warmUp(server.base);
      const dl = download(`${server.base}/sources/all/export.jsonl`, 0);
      while (dl.state.bytes === 0 && !dl.state.done) await new Promise((r) => setTimeout(r, 2));
      const probes = await measure(server.base, () => !dl.state.done, 'an export (75 MB) to a fast reader');
      await dl.finished;
      expect(dl.state.status).toBe(200);
      expect(dl.state.bytes).toBeGreaterThan(20e6);
      expect(probes.every((p) => p.ok)).toBe(true);
      // The export streams: answers come back while it is still being written, not queued behind it.
      expect(probes.filter((p) => p.endedAt < dl.state.endedAt).length).toBeGreaterThanOrEqual(3);
    } finally {
      await server.close();
    }
  });

  it('answers while a large export streams to a slow reader', async () => {
    const server = await listen();
    try {
      await warmUp(server.base);
      const dl = download(`${server.base}/sources/all/export.jsonl`, 20);
      dl.finished.catch(() => undefined); // closing the server below cuts it short
      while (dl.state.bytes === 0) await new Promise((r) => setTimeout(r, 2));
      // The reader is slow, so the export lasts far longer than the probes: every one is answered during it.
      const probes = await measure(server.base, () => !dl.state.done, 'an export to a slow reader');
      expect(dl.state.done).toBe(false);
      expect(probes.length).toBe(60);
      expect(probes.every((p) => p.ok)).toBe(true);
    } finally {
      await server.close(); // ends the slow download too
    }
  });

  it('answers while 20 feed requests arrive at once; every feed is served in full', async () => {
    const server = await listen();
    try {
      await warmUp(server.base);
      let pending = 20;
      const feeds = Array.from({ length: 20 }, (_, i) => get(`${server.base}/feed.rss?i=${i}`).finally(() => { pending--; }));
      const probes = await measure(server.base, () => pending > 0, '20 concurrent /feed.rss');
      const results = await Promise.all(feeds);
      expect(probes.every((p) => p.ok)).toBe(true);
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.body).toBe(results[0]!.body);
      }
      // The site-wide feed's default length (web.feedItems).
      expect((results[0]!.body.match(/<item>/g) ?? []).length).toBe(50);
    } finally {
      await server.close();
    }
  });
});

describe('heavy requests are bounded', () => {
  it('queues heavy requests beyond web.heavyConcurrency and answers 503 with Retry-After beyond web.heavyQueue', async () => {
    const server = await listen(testConfig({ web: { heavyConcurrency: 1, heavyQueue: 2 } }));
    try {
      // Eight different feeds: requests for one feed share a build in progress without taking a place at the gate.
      const feeds = ['/feed.json', '/feed.rss', '/feed.atom', '/feed.json?minor=1', '/feed.rss?minor=1', '/feed.atom?minor=1', '/sources/all/feed.json', '/sources/all/feed.rss'];
      const results = await Promise.all(feeds.map((f) => get(`${server.base}${f}`)));
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 503);
      // One runs, two wait; the five that found the queue full are told to come back.
      expect(ok.length).toBe(3);
      expect(refused.length).toBe(5);
      for (const r of refused) {
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        // Not the feed's validators: a 503 must never be cached as the feed.
        expect(r.headers['etag'] ?? '').not.toMatch(/^W\/"(json|rss|atom)-/);
        expect(r.headers['cache-control']).toBe('no-store');
        expect(r.body).toContain('Too many heavy requests at once');
      }
      // Light pages never queue behind heavy ones.
      expect((await get(`${server.base}/healthz`)).status).toBe(200);
      expect((await get(`${server.base}/`)).status).toBe(200);
      // Once the queue has drained, heavy requests are served again.
      expect((await get(`${server.base}/feed.json`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('sends searches through the feed-and-search gate and downloads through the export gate, both shown by /healthz', async () => {
    const server = await listen(testConfig({ web: { heavyConcurrency: 1, exportConcurrency: 1, heavyQueue: 0 } }));
    type Health = { heavyRequests: Record<'feedsAndSearch' | 'exports', { running: number; queued: number; refused: number }> };
    const health = async (): Promise<Health> => JSON.parse((await get(`${server.base}/healthz`)).body) as Health;
    const until = async (ok: (h: Health) => boolean): Promise<Health> => {
      for (let i = 0; i < 500; i++) {
        const h = await health();
        if (ok(h)) return h;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error('web-heavy: the gate never reached the state waited for');
    };
    try {
      await warmUp(server.base);
      // A download read slowly holds the only export slot for as long as it lasts.
      const dl = download(`${server.base}/sources/all/export.jsonl`, 50);
      dl.finished.catch(() => undefined);
      await until((h) => h.heavyRequests.exports.running === 1);
      const second = await get(`${server.base}/sources/all/export.csv`);
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe('30');
      expect(second.body).toContain('Too many heavy requests at once (export)');
      // Feeds and searches have their own gate: a download never keeps them waiting. The feed of a source whose
      // versions have no stored diff results yet (as in a database from before they were stored) computes them
      // now, so it holds the gate long enough to be seen.
      await seedHeavy(store, { articles: 60, versionsPerArticle: 3, paragraphs: 40, bodyFiller: 2_000, slug: 'fresh' });
      const feed = get(`${server.base}/sources/fresh/feed.rss`);
      await until((h) => h.heavyRequests.feedsAndSearch.running === 1);
      const searches = await Promise.all([
        get(`${server.base}/api/search?q=minister`), get(`${server.base}/search?q=minister`), get(`${server.base}/api/articles?q=minister`),
      ]);
      expect(searches.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(searches[0]!.headers['retry-after']).toBe('5');
      expect((await get(`${server.base}/api/articles`)).status).toBe(200); // no q: not a search, never gated
      expect((await feed).status).toBe(200);
      const h = await until((x) => x.heavyRequests.feedsAndSearch.running === 0);
      expect(h.heavyRequests).toMatchObject({ feedsAndSearch: { queued: 0, refused: 3 }, exports: { running: 1, refused: 1 } });
      expect((await get(`${server.base}/api/search?q=minister`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
