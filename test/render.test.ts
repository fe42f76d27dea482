/**
 * Rendering in a real browser: real Chromium (one per file, reused), a real loopback origin whose article text is
 * written by JavaScript, the real polite fetcher and store. Covers rendering on and off, the address policy on the
 * page's own requests, robots.txt, a browser killed mid-render, and screenshots of new versions only.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Config } from '../src/config/index.js';
import { fetchPage } from '../src/fetcher/index.js';
import type { ResolvedAddress } from '../src/fetcher/types.js';
import { createRenderer, type Renderer } from '../src/render/index.js';
import { createPipeline, type Pipeline } from '../src/scheduler/pipeline.js';
import { createSource } from '../src/sources/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { renderTestConfig, startJsOrigin, type JsOrigin } from './helpers/js-origin.js';
import { tmpStore } from './helpers/tmp.js';

const CHROMIUM = '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available) process.stdout.write(`skipping rendering tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

/** Pids of the browsers this process launched (Chromium children of the test process). */
function browserPids(): number[] {
  const pids: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && /chrom/i.test(comm)) pids.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** The rendering tests' configuration with `over` for render settings (pool of 2, pages given 20 s). */
function testConfig(over: Record<string, unknown> = {}): Config {
  return renderTestConfig(CHROMIUM, { poolSize: 2, pageTimeoutMs: 20_000, ...over });
}

describeBrowser('rendering article pages in Chromium', () => {
  let origin: JsOrigin;
  let store: Store;
  let cleanup: () => Promise<void>;
  let pipeline: Pipeline;
  const config = testConfig({ screenshots: true, block: ['media', 'font'] });

  beforeAll(async () => {
    origin = await startJsOrigin();
    ({ store, cleanup } = await tmpStore());
    pipeline = createPipeline(store, config);
  });
  afterAll(async () => {
    await pipeline?.close();
    await origin?.close();
    await cleanup?.();
  });

  /** A tracked article of a source with the given settings. */
  async function article(slug: string, path: string, settings: Record<string, unknown>): Promise<number> {
    const source = await createSource(store, { name: slug, slug, kind: 'feed', urls: [`${origin.base}/feed-${slug}.xml`], ...settings });
    const { article: a } = await store.insertArticle(`${origin.base}${path}`, new Date().toISOString(), source.id);
    return a.id;
  }

  it('without rendering, the plain fetch sees no article text', async () => {
    const id = await article('plain', '/story?plain', {});
    const r = await checkArticle(pipeline.deps, id);
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/no article text/);
    expect(await store.listVersions(id)).toHaveLength(0);
  });

  let renderedId = 0;
  it('with rendering on, the version holds the text written by JavaScript, the raw response and the rendered page', async () => {
    renderedId = await article('rendered', '/story', { render: 'browser', screenshot: true });
    const r = await checkArticle(pipeline.deps, renderedId);
    expect(r).toMatchObject({ outcome: 'new_version', versionNumber: 1 });
    const [v] = await store.listVersions(renderedId);
    expect(v!.text).toContain('harbour bridge to cars');
    // The response kept is the document as the server sent it (empty article); the rendered DOM is kept beside it.
    const raw = await store.getResponse(v!.responseId!);
    expect(raw!.body.toString()).toContain('<article id="story"></article>');
    const rendered = await store.getRenderedPage(v!.id);
    expect(rendered!.html).toContain('Cyclists and pedestrians');
    expect(rendered!.renderer).toMatch(/^Chromium \d+/);
    expect(rendered!.requests.fetched).toBeGreaterThanOrEqual(2); // /app.js and /data.json
    expect(rendered!.requests.blocked).toEqual([]);
  });

  it('keeps a screenshot of a new version and none of an unchanged capture', async () => {
    const [v1] = await store.listVersions(renderedId);
    const shot = await store.getScreenshot(v1!.id);
    expect(shot!.mime).toBe('image/jpeg');
    expect(shot!.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(shot!.width).toBe(1280);
    expect(shot!.height).toBeGreaterThan(0);

    const again = await checkArticle(pipeline.deps, renderedId);
    expect(again.outcome).toBe('unchanged');
    expect(await store.listVersions(renderedId)).toHaveLength(1);

    origin.paragraphs = [...origin.paragraphs, 'Late on Tuesday the mayor said the decision could still be reversed by a referendum in the autumn.'];
    const changed = await checkArticle(pipeline.deps, renderedId);
    expect(changed).toMatchObject({ outcome: 'new_version', versionNumber: 2 });
    const versions = await store.listVersions(renderedId);
    expect(await store.getScreenshotInfo(versions[1]!.id)).toMatchObject({ mime: 'image/jpeg', width: 1280 });
  });

  it('respects robots.txt for rendered sources: nothing is fetched or rendered', async () => {
    const id = await article('robots', '/private/story', { render: 'browser' });
    const before = origin.requests.length;
    const r = await checkArticle(pipeline.deps, id);
    expect(r.outcome).toBe('blocked');
    expect(origin.requests.slice(before)).not.toContain('/private/story');
    expect(origin.requests.slice(before)).not.toContain('/app.js');
  });

  it('a browser killed mid-render fails the check with a clear error, loses nothing, and the next check renders again', async () => {
    const versionsBefore = await store.listVersions(renderedId);
    const launchesBefore = pipeline.renderer.launches();
    origin.paragraphs = [...origin.paragraphs, 'A paragraph that the crashed rendering never got to see.'];
    origin.holdNext = true;
    const checking = checkArticle(pipeline.deps, renderedId);
    await origin.held();
    const pids = browserPids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const r = await checking;
    origin.release();
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/^render: the browser crashed or was closed while (loading|reading)/);
    const a = await store.getArticle(renderedId);
    expect(a!.lastError).toMatch(/browser crashed/);
    expect(await store.listVersions(renderedId)).toEqual(versionsBefore);

    const next = await checkArticle(pipeline.deps, renderedId);
    expect(next).toMatchObject({ outcome: 'new_version', versionNumber: versionsBefore.length + 1 });
    expect(pipeline.renderer.launches()).toBe(launchesBefore + 1);
    const latest = await store.getLatestVersion(renderedId);
    expect(latest!.text).toContain('the crashed rendering never got to see');
  });
});

describeBrowser('the address policy on every request a rendered page makes', () => {
  let origin: JsOrigin;
  let store: Store;
  let cleanup: () => Promise<void>;
  let renderer: Renderer;
  // news.test is the article's host, exempted by name like an intranet mirror; every other loopback or private
  // destination stays refused, as for a plain fetch without allowPrivate.
  const lookup = async (host: string): Promise<ResolvedAddress[]> => {
    if (host === 'news.test' || host === 'private.test') return [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' });
  };
  const config = testConfig({ default: 'browser' });
  const strict: Config = { ...config, allowPrivate: false };

  beforeAll(async () => {
    origin = await startJsOrigin({
      leakyExtra: (port) => `<script src="http://127.0.0.1:${port}/secret.js"></script>
<img src="http://private.test:${port}/pixel.png" alt="">
<script>fetch('/collect', { method: 'POST', body: 'reader=1' });</script>`,
    });
    ({ store, cleanup } = await tmpStore());
    renderer = createRenderer(strict, { lookup, allowPrivateHosts: ['news.test'] });
  });
  afterAll(async () => {
    await renderer?.close();
    await origin?.close();
    await cleanup?.();
  });

  it('refuses loopback and private destinations and requests that would send data, records them, and still renders the page', async () => {
    const { article } = await store.insertArticle(`http://news.test:${origin.port}/leaky`, new Date().toISOString());
    const deps = {
      store, config: strict, render: renderer,
      fetch: (url: string, headers: Record<string, string>) => fetchPage(url, { lookup, allowPrivateHosts: ['news.test'], headers }),
    };
    const r = await checkArticle(deps, article.id);
    expect(r.outcome).toBe('new_version');
    expect(origin.requests).not.toContain('/secret.js');
    expect(origin.requests).not.toContain('/pixel.png');
    expect(origin.requests).not.toContain('/collect');
    expect(origin.requests).toContain('/data.json');
    const [v] = await store.listVersions(article.id);
    expect(v!.text).toContain('harbour bridge');
    const { blocked } = (await store.getRenderedPage(v!.id))!.requests;
    const reasons = Object.fromEntries(blocked.map((b) => [new URL(b.url).pathname || b.url, b.reason]));
    expect(reasons['/secret.js']).toMatch(/non-public address 127\.0\.0\.1 \[private_address\]/);
    expect(reasons['/pixel.png']).toMatch(/private\.test.*\[private_address\]/);
    expect(reasons['/collect']).toMatch(/^POST requests are not sent/);
  });
});
