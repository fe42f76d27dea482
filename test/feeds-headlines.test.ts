/**
 * Headline changes in the feeds: the item of a version whose headline changed is titled
 * `Version N: Headline changed: “Old” → “New”` and carries the category "headline-changed", in RSS, Atom and JSON
 * Feed; other items keep their "Version N: Headline" titles. The feeds stay well-formed and, where Debian's
 * python3-feedparser is installed, parse cleanly with the titles and tags read back.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import type express from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { changeTitle } from '../src/web/feeds.js';
import { listingFixture, type ListingSeeded } from './helpers/listing-seed.js';

let cleanup: () => Promise<void>;
let ids: ListingSeeded;
let app: express.Express;

beforeAll(async () => ({ ids, app, cleanup } = await listingFixture({ baseUrl: 'https://palimpsest.example' })));
afterAll(() => cleanup());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['item', 'entry', 'category'].includes(n) });
const HEADLINE = 'Version 3: Headline changed: “Council debates budget” → “Council approves budget”';

describe('headline changes in feeds', () => {
  it('titles the item old → new and tags it in RSS', async () => {
    const xml = (await request(app).get(`/articles/${ids.budget}/feed.rss`).expect(200)).text;
    expect(XMLValidator.validate(xml)).toBe(true);
    const items = (parser.parse(xml) as { rss: { channel: { item: Array<{ title: string; category?: string[] }> } } }).rss.channel.item;
    expect(items.map((i) => i.title)).toEqual([
      'Version 4: Council approves budget', HEADLINE, 'Version 2: Council debates budget', 'Now tracking: Council debates budget',
    ]);
    expect(items[1]!.category).toEqual(['headline-changed']);
    expect(items[0]!.category).toBeUndefined();
  });

  it('does the same in Atom and JSON Feed, and in the site-wide and source feeds', async () => {
    const atom = (await request(app).get(`/articles/${ids.budget}/feed.atom`).expect(200)).text;
    expect(XMLValidator.validate(atom)).toBe(true);
    const entries = (parser.parse(atom) as { feed: { entry: Array<{ title: { '#text': string }; category?: Array<{ '@term'?: string; '@label'?: string }> }> } }).feed.entry;
    expect(entries[1]!.title['#text']).toBe(HEADLINE);
    expect(JSON.stringify(entries[1]!.category)).toContain('headline-changed');
    expect(entries[0]!.category).toBeUndefined();
    const json = (await request(app).get(`/articles/${ids.budget}/feed.json`).expect(200)).body as { items: Array<{ title: string; tags?: string[] }> };
    expect(json.items[1]!.title).toBe(HEADLINE);
    expect(json.items[1]!.tags).toEqual(['headline-changed']);
    const site = (await request(app).get('/feed.rss').expect(200)).text;
    expect(site).toContain('Version 3: Headline changed: “Hill fair opens” → “Hill fair opens to crowds”');
    const source = (await request(app).get(`/sources/${ids.river.slug}/feed.rss`).expect(200)).text;
    expect(source).toContain(HEADLINE);
    expect(source).not.toContain('Hill fair');
  });

  it('keeps both headlines as typed in the plain-text title (each format escapes it as before)', () => {
    expect(changeTitle(2, 'a', 'a')).toBe('Version 2: a');
    expect(changeTitle(2, '<b>', 'x & y')).toBe('Version 2: Headline changed: “<b>” → “x & y”');
  });

  const PYTHON = ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0);
  (PYTHON ? it : it.skip)('parses cleanly in python3-feedparser with the title and tag read back', async () => {
    for (const format of ['rss', 'atom']) {
      const xml = (await request(app).get(`/articles/${ids.budget}/feed.${format}`).expect(200)).text;
      const out = spawnSync(PYTHON!, ['-c', `import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({"bozo": d.bozo, "entries": [{"title": e.get("title"), "tags": [t.get("term") for t in e.get("tags", [])]} for e in d.entries]}))`], { input: xml, encoding: 'utf8' });
      const parsed = JSON.parse(out.stdout) as { bozo: number | boolean; entries: Array<{ title: string; tags: string[] }> };
      expect(parsed.bozo).toBeFalsy();
      expect(parsed.entries[1]).toEqual({ title: HEADLINE, tags: ['headline-changed'] });
      expect(parsed.entries[0]!.tags).toEqual([]);
    }
  });
});
