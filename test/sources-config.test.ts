/** Source definitions: the schema, the sources file with its error messages, syncing, creating and removing. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, afterAll } from '@jest/globals';
import { checkScheduleFor, parseSourceDefinition, slugify, SourceConfigError } from '../src/sources/schema.js';
import { parseSourcesFile, syncSourcesFromFile } from '../src/sources/file.js';
import { createSource, removeSource } from '../src/sources/manage.js';
import { configSchema } from '../src/config/index.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanups) await c(); });
async function fresh(): Promise<TmpStore> {
  const t = await tmpStore();
  cleanups.push(t.cleanup);
  return t;
}

/** The message of the SourceConfigError thrown by fn. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SourceConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a SourceConfigError');
}

/** The message of the SourceConfigError that the promise of fn rejects with. */
async function rejectionOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SourceConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a SourceConfigError');
}

describe('source schema', () => {
  it('derives the slug from the name and applies defaults', () => {
    const def = parseSourceDefinition({ name: 'The Guardian, politics', kind: 'feed', urls: ['https://www.theguardian.com/politics/rss'] });
    expect(def).toEqual({
      name: 'The Guardian, politics', slug: 'the-guardian-politics', kind: 'feed', urls: ['https://www.theguardian.com/politics/rss'],
      include: [], exclude: [], intervalS: 600, stripParams: [], maxChildSitemaps: 10, rules: [], ignore: [],
    });
  });
  it('slugifies accents and ampersands', () => {
    expect(slugify('Le Monde — À la une')).toBe('le-monde-a-la-une');
    expect(slugify('News & Views!')).toBe('news-and-views');
    expect(slugify('新闻')).toBe('');
  });
  it('reads a page source links string as a pattern or a selector', () => {
    const base = { name: 'Front', kind: 'page', urls: ['https://x.example/'] };
    expect(parseSourceDefinition({ ...base, links: '/news/**' }).links).toEqual({ pattern: '/news/**' });
    expect(parseSourceDefinition({ ...base, links: 'main article h3 a' }).links).toEqual({ selector: 'main article h3 a' });
    expect(parseSourceDefinition({ ...base, links: { selector: 'main', pattern: 're:\\d+' } }).links).toEqual({ selector: 'main', pattern: 're:\\d+' });
  });
  it('validates site rules and ignore patterns', () => {
    const rules = [{ domain: 'X.example', body: ['.article-body'], drop: ['.ad'] }];
    expect(parseSourceDefinition({ name: 'R', kind: 'feed', urls: ['https://x.example/rss'], rules }).rules)
      .toEqual([{ domain: 'x.example', body: ['.article-body'], drop: ['.ad'] }]);
    expect(errorOf(() => parseSourceDefinition({ name: 'R', kind: 'feed', urls: ['https://x.example/rss'], rules: { body: '.a' } })))
      .toContain('rules: Invalid input: expected array');
    expect(parseSourceDefinition({ name: 'R', kind: 'feed', urls: ['https://x.example/rss'], ignore: ['^Share this$'] }).ignore).toEqual(['^Share this$']);
  });
  it('lists every problem with its field', () => {
    const msg = errorOf(() => parseSourceDefinition({
      name: ' ', kind: 'page', urls: ['ftp://x.example/', 'not a url'], include: ['re:(bad'], intervalS: 5, colour: 'red',
    }, 'source "x"'));
    expect(msg).toMatch(/^sources: source "x" is invalid:/);
    expect(msg).toContain('name: a source needs a name');
    expect(msg).toContain('urls[0]: must be an absolute http(s) URL');
    expect(msg).toContain('urls[1]: must be an absolute http(s) URL');
    expect(msg).toContain('include[0]: invalid regular expression');
    expect(msg).toContain('intervalS: poll at most once a minute (intervalS >= 60)');
    expect(msg).toMatch(/colour/);
  });
  it('requires links for page sources only, and a slug when none can be derived', () => {
    expect(errorOf(() => parseSourceDefinition({ name: 'P', kind: 'page', urls: ['https://x.example/'] }))).toContain('links: a page source needs links');
    expect(errorOf(() => parseSourceDefinition({ name: 'F', kind: 'feed', urls: ['https://x.example/rss'], links: 'a' }))).toContain('links: links only applies to page sources');
    expect(errorOf(() => parseSourceDefinition({ name: 'P', kind: 'page', urls: ['https://x.example/'], links: 'main >>> [' }))).toMatch(/links\.selector: invalid CSS selector/);
    expect(errorOf(() => parseSourceDefinition({ name: '新闻', kind: 'feed', urls: ['https://x.example/rss'] }))).toContain('slug: cannot derive a slug');
    expect(parseSourceDefinition({ name: '新闻', slug: 'xinwen', kind: 'feed', urls: ['https://x.example/rss'] }).slug).toBe('xinwen');
  });
  it('merges check-schedule overrides over the global settings', () => {
    const base = configSchema.parse({}).scheduler;
    const def = parseSourceDefinition({ name: 'S', kind: 'feed', urls: ['https://x.example/rss'], schedule: { afterChangeS: 600, growth: 1.5 } });
    expect(checkScheduleFor(base, def)).toEqual({ ...base, afterChangeS: 600, growth: 1.5 });
    expect(checkScheduleFor(base, null)).toBe(base);
  });
});

const GOOD_YAML = `# Sources tracked by our newsroom instance
sources:
  - name: BBC News
    kind: feed
    urls:
      - https://feeds.bbci.co.uk/news/rss.xml
      - https://feeds.bbci.co.uk/news/politics/rss.xml
    exclude: ["/news/live/**", "**/av/**"]
    stripParams: ["at_*"]
  - name: Example News sitemap
    slug: example-sitemap
    kind: sitemap
    urls: [https://www.example-news.com/sitemap-news.xml]
    intervalS: 300
    schedule: { afterChangeS: 900 }
  - name: Example Times front page
    kind: page
    urls: [https://www.example-times.com/]
    links: { selector: "section.top-stories", pattern: "/news/**" }
`;

describe('sources file', () => {
  it('parses YAML with a sources key and JSON as a bare list', () => {
    const defs = parseSourcesFile(GOOD_YAML, 'sources.yaml');
    expect(defs.map((d) => d.slug)).toEqual(['bbc-news', 'example-sitemap', 'example-times-front-page']);
    const json = JSON.stringify([{ name: 'J', kind: 'feed', urls: ['https://j.example/feed.json'] }]);
    expect(parseSourcesFile(json, 'sources.json').map((d) => d.slug)).toEqual(['j']);
    expect(parseSourcesFile('', 'empty.yaml')).toEqual([]);
  });
  it('names the file, the source (index and name) and the field of every problem', () => {
    const bad = `sources:
  - name: BBC News
    kind: feed
    urls: [https://feeds.bbci.co.uk/news/rss.xml]
  - name: Broken one
    kind: newsletter
    urls: []
  - kind: feed
    urls: ["https://x.example/rss"]
  - name: bbc news
    kind: feed
    urls: [https://other.example/rss]
`;
    const msg = errorOf(() => parseSourcesFile(bad, 'conf/sources.yaml'));
    expect(msg).toMatch(/^sources: conf\/sources\.yaml has 4 problems:/);
    expect(msg).toContain('source 2 ("Broken one"): kind: kind must be feed, sitemap or page');
    expect(msg).toContain('source 2 ("Broken one"): urls: give at least one URL');
    expect(msg).toContain('source 3: name: a source needs a name');
    expect(msg).toContain('source 4 ("bbc news"): slug: "bbc-news" is already used by source 1');
  });
  it('reports syntax errors and wrong shapes', () => {
    expect(errorOf(() => parseSourcesFile('sources: [', 'sources.yaml'))).toMatch(/^sources: sources\.yaml is not valid YAML/);
    expect(errorOf(() => parseSourcesFile('{"sources": ', 'sources.json'))).toMatch(/^sources: sources\.json is not valid JSON/);
    expect(errorOf(() => parseSourcesFile('name: x', 'sources.yaml'))).toContain('must hold a list of sources');
  });
  it('syncs: creates, then reports unchanged, updates a changed source and makes it due, keeps sources not in the file', async () => {
    const { store, dir } = await fresh();
    const file = path.join(dir, 'sources.yaml');
    fs.writeFileSync(file, GOOD_YAML);
    const t0 = new Date('2025-03-04T10:00:00Z');
    expect(await syncSourcesFromFile(store, file, t0)).toEqual({ created: ['bbc-news', 'example-sitemap', 'example-times-front-page'], updated: [], unchanged: [], notInFile: [] });
    const bbc = await store.getSourceBySlug('bbc-news');
    expect(bbc?.nextPoll).toBe(t0.toISOString());
    expect((bbc?.config as { stripParams: string[] }).stripParams).toEqual(['at_*']);
    await createSource(store, { name: 'Manual extra', kind: 'feed', urls: ['https://extra.example/rss'] }, t0);

    const t1 = new Date('2025-03-04T11:00:00Z');
    expect(await syncSourcesFromFile(store, file, t1)).toEqual({ created: [], updated: [], unchanged: ['bbc-news', 'example-sitemap', 'example-times-front-page'], notInFile: ['manual-extra'] });
    fs.writeFileSync(file, GOOD_YAML.replace('intervalS: 300', 'intervalS: 900'));
    const r = await syncSourcesFromFile(store, file, t1);
    expect(r.updated).toEqual(['example-sitemap']);
    expect((await store.getSourceBySlug('example-sitemap'))?.nextPoll).toBe(t1.toISOString());
    expect((await store.getSourceBySlug('example-sitemap'))?.id).toBe((await store.getSourceBySlug('example-sitemap'))?.id);
  });
  it('writes nothing when any source is invalid', async () => {
    const { store, dir } = await fresh();
    const file = path.join(dir, 'sources.yaml');
    fs.writeFileSync(file, `${GOOD_YAML}  - name: broken\n    kind: feed\n    urls: [nope]\n`);
    await expect(syncSourcesFromFile(store, file)).rejects.toThrow(/source 4 \("broken"\): urls\[0\]: must be an absolute http\(s\) URL/);
    expect(await store.getSourceBySlug('bbc-news')).toBeNull();
    expect(await rejectionOf(() => syncSourcesFromFile(store, path.join(dir, 'missing.yaml')))).toMatch(/^sources: cannot read .*missing\.yaml/);
  });
});

describe('creating, removing and summarising sources', () => {
  it('refuses a duplicate slug, removes a source keeping its articles, and counts new articles per day', async () => {
    const { store } = await fresh();
    const now = new Date('2025-03-07T12:00:00Z');
    const s = await createSource(store, { name: 'Daily', kind: 'feed', urls: ['https://daily.example/rss'] }, now);
    expect(await rejectionOf(() => createSource(store, { name: 'daily', kind: 'feed', urls: ['https://daily.example/other'] }))).toContain('slug "daily" already exists');
    const first = (await store.insertArticle('https://daily.example/a', '2025-03-07T08:00:00.000Z', s.id)).article.id;
    await store.insertArticle('https://daily.example/b', '2025-03-07T09:00:00.000Z', s.id);
    await store.insertArticle('https://daily.example/c', '2025-03-05T09:00:00.000Z', s.id);
    await store.insertArticle('https://daily.example/old', '2025-02-01T09:00:00.000Z', s.id);
    await store.insertArticle('https://other.example/x', '2025-03-07T09:00:00.000Z', null);

    const [summary] = await store.listSourceSummaries(now);
    expect(summary?.articleCount).toBe(4);
    expect(summary?.newPerDay).toEqual([
      { day: '2025-03-01', count: 0 }, { day: '2025-03-02', count: 0 }, { day: '2025-03-03', count: 0 }, { day: '2025-03-04', count: 0 },
      { day: '2025-03-05', count: 1 }, { day: '2025-03-06', count: 0 }, { day: '2025-03-07', count: 2 },
    ]);
    expect((await store.getSourceSummary('daily', now))?.articleCount).toBe(4);
    expect(await store.getSourceSummary('nope', now)).toBeNull();

    const removed = await removeSource(store, 'daily');
    expect(removed?.articlesKept).toBe(4);
    expect(await store.getSourceBySlug('daily')).toBeNull();
    expect((await store.getArticle(first))?.sourceId).toBeNull();
    expect(await removeSource(store, 'daily')).toBeNull();
  });
});
