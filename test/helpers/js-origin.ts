/**
 * A loopback news site whose article text is written by JavaScript (the raw HTML holds an empty <article>), for the
 * rendering tests: the text comes from /data.json, which the test can change, delay or hold until released.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createPipeline } from '../../src/scheduler/pipeline.js';
import { createSource } from '../../src/sources/index.js';
import type { Store, Version } from '../../src/store/index.js';
import { checkArticle } from '../../src/tracker/check.js';

/** The running origin and the knobs of the test. */
export interface JsOrigin {
  base: string;
  port: number;
  /** Paths requested so far, in order. */
  requests: string[];
  /** The paragraphs /data.json serves now. */
  paragraphs: string[];
  /** When set, the next /data.json waits until `release()` (a render stuck mid-page). */
  holdNext: boolean;
  /** Resolves when a held /data.json request has arrived. */
  held(): Promise<void>;
  /** Lets a held request answer (or be dropped if its client went away). */
  release(): void;
  close(): Promise<void>;
}

/** The HTML shell: a title, an empty article, and a script that fills it from /data.json. Extra markup goes in `extra`. */
export function shellPage(title: string, extra = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>
<header><nav><a href="/">Home</a></nav></header>
<main><h1>${title}</h1><article id="story"></article></main>
${extra}
<script src="/app.js"></script>
</body></html>`;
}

const APP_JS = `fetch('/data.json').then(function (r) { return r.json(); }).then(function (d) {
  var a = document.getElementById('story');
  d.paragraphs.forEach(function (t) { var p = document.createElement('p'); p.textContent = t; a.appendChild(p); });
});`;

/** Starts the origin on 127.0.0.1 with pages `/story`, `/private/story` (robots-disallowed) and `/leaky` (extra requests). */
export async function startJsOrigin(opts: { leakyExtra?: (port: number) => string } = {}): Promise<JsOrigin> {
  let releaseHeld: (() => void) | null = null;
  let heldArrived: (() => void) | null = null;
  let heldPromise: Promise<void> = new Promise((r) => { heldArrived = r; });
  const origin: JsOrigin = {
    base: '', port: 0, requests: [], holdNext: false,
    paragraphs: [
      'The city council voted on Tuesday to close the old harbour bridge to cars from next spring, after years of debate.',
      'Cyclists and pedestrians will keep using the bridge while engineers decide whether it can be repaired at all.',
    ],
    held: () => heldPromise,
    release: () => {
      releaseHeld?.();
      releaseHeld = null;
    },
    close: () => new Promise((r) => {
      origin.release();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    origin.requests.push(path);
    if (path === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
    if (path === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(APP_JS);
    if (path === '/data.json') {
      const answer = (): void => {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ paragraphs: origin.paragraphs }));
      };
      if (origin.holdNext) {
        origin.holdNext = false;
        releaseHeld = answer;
        heldArrived?.();
        heldPromise = new Promise((r) => { heldArrived = r; });
        return;
      }
      return answer();
    }
    if (path === '/story' || path === '/private/story') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shellPage('Harbour bridge to close'));
    if (path === '/leaky') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shellPage('Harbour bridge to close', opts.leakyExtra?.(origin.port) ?? ''));
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin.port = (server.address() as AddressInfo).port;
  origin.base = `http://127.0.0.1:${origin.port}`;
  return origin;
}

/** What seedRendered made: the article and its two versions, oldest first. */
export interface RenderedSeed {
  articleId: number;
  versions: Version[];
}

/** The configuration of the rendering tests: loopback allowed, no delays, real Chromium at `executablePath`. */
export function renderTestConfig(executablePath: string, render: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    flags: {
      allowPrivate: true, logLevel: 'silent', fetch: { perHostDelayMs: 0, keepAlive: false }, scheduler: { extractThreads: 0 },
      render: { executablePath, settleMs: 1500, ...render },
    },
  });
}

/**
 * Tracks `origin`'s /story in a source rendered with screenshots, and checks it three times with the real pipeline
 * (Chromium): a first version, an unchanged capture, and a second version after the text changed.
 */
export async function seedRendered(store: Store, origin: JsOrigin, config: Config): Promise<RenderedSeed> {
  const source = await createSource(store, { name: 'Harbour News', slug: 'harbour', kind: 'feed', urls: [`${origin.base}/feed.xml`], render: 'browser', screenshot: true });
  const { article } = await store.insertArticle(`${origin.base}/story`, new Date().toISOString(), source.id);
  const pipeline = createPipeline(store, config);
  const outcomes: string[] = [];
  try {
    outcomes.push((await checkArticle(pipeline.deps, article.id)).outcome);
    outcomes.push((await checkArticle(pipeline.deps, article.id)).outcome);
    origin.paragraphs = [...origin.paragraphs, 'The harbour master said the ferries would run as usual throughout the works.'];
    outcomes.push((await checkArticle(pipeline.deps, article.id)).outcome);
  } finally {
    await pipeline.close();
  }
  if (outcomes.join() !== 'new_version,unchanged,new_version') throw new Error(`seedRendered: unexpected check outcomes ${outcomes.join(', ')}`);
  return { articleId: article.id, versions: await store.listVersions(article.id) };
}
