/**
 * The feeds read by a real feed reader library: Debian's python3-feedparser parses the RSS and Atom feeds of an
 * article, a source and the whole site without complaint (bozo == 0), finds the entries we mean, and sees the same
 * ids from two app instances. Skipped, with one line said, when feedparser is not installed.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import { openStore, type Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, seed, testConfig, type Seeded } from './helpers/web-seed.js';
import { seedSources, type SourceSeeded } from './helpers/source-seed.js';

/** The first Python with feedparser importable (Debian's package installs into /usr/bin/python3's path). */
const PYTHON = ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0);
if (!PYTHON) process.stdout.write("skipping feedparser tests: python3 -c 'import feedparser' fails (apt-get install -y python3-feedparser)\n");
const describeFeedparser = PYTHON ? describe : describe.skip;

const SCRIPT = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": d.bozo, "exception": str(d.get("bozo_exception", "")), "version": d.version,
  "title": d.feed.get("title"), "link": d.feed.get("link"),
  "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
               "updated": e.get("updated") or e.get("published"),
               "html": (e.get("content") or [{}])[0].get("value") or e.get("summary")} for e in d.entries],
}))
`;

/** What feedparser made of a feed. */
interface Parsed {
  bozo: number | boolean;
  exception: string;
  version: string;
  title: string;
  link: string;
  entries: Array<{ id: string; title: string; link: string; updated: string; html: string }>;
}

function feedparse(xml: string): Parsed {
  const r = spawnSync(PYTHON ?? 'python3', ['-c', SCRIPT], { input: xml, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`feedparser failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Parsed;
}

describeFeedparser('feeds in feedparser', () => {
  let store: Store;
  let target: string;
  let cleanup: () => Promise<void>;
  let ids: Seeded;
  let src: SourceSeeded;
  let app: express.Express;

  beforeAll(async () => {
    const t = await tmpStore();
    store = t.store;
    target = t.target;
    cleanup = t.cleanup;
    ids = await seed(store);
    src = await seedSources(store);
    app = createApp({ store, config: testConfig({ baseUrl: 'https://palimpsest.example' }), now: () => NOW });
  });

  afterAll(() => cleanup());

  const guid = (article: number, n: number): string => `palimpsest:article:${article}:version:${n}`;

  it('parses the RSS and Atom feeds of an article, a source and the site cleanly, with the expected entries', async () => {
    const expectations: Array<{ path: string; ids: string[]; title: string; link: string }> = [
      { path: `/articles/${ids.story}/feed`, ids: [guid(ids.story, 3), guid(ids.story, 2), guid(ids.story, 1)], title: 'Palimpsest: changes to Minister quits after damning inquiry', link: `https://palimpsest.example/articles/${ids.story}` },
      { path: `/sources/${src.daily.slug}/feed`, ids: [guid(src.long, 2), guid(src.headline, 3), guid(src.headline, 2)], title: 'Palimpsest: changes to articles from Daily News', link: 'https://palimpsest.example/sources/daily-news' },
      {
        path: '/feed',
        ids: [guid(src.frontStory, 2), guid(src.long, 2), guid(src.headline, 3), guid(src.headline, 2), guid(ids.xss, 2), guid(ids.story, 3), guid(ids.story, 2)],
        title: 'Palimpsest: latest changes', link: 'https://palimpsest.example/',
      },
    ];
    for (const e of expectations) {
      for (const format of ['rss', 'atom'] as const) {
        const url = `${e.path}.${format}`;
        const parsed = feedparse((await request(app).get(url).expect(200)).text);
        expect({ url, bozo: Number(parsed.bozo), exception: parsed.exception }).toEqual({ url, bozo: 0, exception: '' });
        expect(parsed.version).toBe(format === 'rss' ? 'rss20' : 'atom10');
        expect(parsed.title).toBe(e.title);
        expect(parsed.link).toBe(e.link);
        expect(parsed.entries.map((x) => x.id)).toEqual(e.ids);
        for (const entry of parsed.entries) {
          expect(entry.link).toMatch(/^https:\/\/palimpsest\.example\/articles\/\d+\/(diff\/\d+\/\d+|versions\/1)$/);
          expect(entry.updated).toBeTruthy();
          expect(entry.html).toMatch(/See the full side-by-side diff|The captured text/);
        }
      }
    }
    const story = feedparse((await request(app).get(`/articles/${ids.story}/feed.atom`).expect(200)).text);
    expect(story.entries[0]).toMatchObject({ title: 'Version 3: Headline changed: “Minister resigns after inquiry” → “Minister quits after damning inquiry”', link: `https://palimpsest.example/articles/${ids.story}/diff/2/3` });
    expect(story.entries[0]?.html).toContain('Sentences:');
    // hostile titles and text parse cleanly too
    for (const format of ['rss', 'atom']) {
      const parsed = feedparse((await request(app).get(`/articles/${ids.xss}/feed.${format}`).expect(200)).text);
      expect({ format, bozo: Number(parsed.bozo) }).toEqual({ format, bozo: 0 });
      expect(parsed.entries).toHaveLength(2);
    }
  });

  it('sees the same entry ids from a second app instance on another connection and host', async () => {
    const store2 = await openStore(target);
    try {
      const other = createApp({ store: store2, config: testConfig(), now: () => NOW });
      for (const url of [`/articles/${ids.story}/feed.atom`, `/sources/${src.daily.slug}/feed.rss`, '/feed.rss', '/feed.atom']) {
        const a = feedparse((await request(app).get(url).expect(200)).text);
        const b = feedparse((await request(other).get(url).set('Host', 'mirror.example:8080').expect(200)).text);
        expect(b.entries.map((x) => x.id)).toEqual(a.entries.map((x) => x.id));
        expect(b.entries[0]?.link.startsWith('http://mirror.example:8080/')).toBe(true);
      }
    } finally {
      await store2.close();
    }
  });
});
