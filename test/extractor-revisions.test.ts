/**
 * Real article revisions (NYT, 2012-2015) wrapped in a news template whose furniture changes on every serve,
 * inside the article too: the extractor must return the story's text unchanged across serves, keep every real
 * edit, and report identical text for whitespace-only changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { it, expect, beforeAll } from '@jest/globals';
import { describeCorpus } from './helpers/corpus.js';
import { extract } from '../src/extractor/index.js';
import { normalizeText } from '../src/extractor/text.js';

interface VersionMeta {
  file: string;
  title: string;
  authors: string[];
  change_from_previous: string | null;
}

interface Revision {
  id: string;
  url: string;
  versions: { meta: VersionMeta; paragraphs: string[] }[];
}

const NOISE = /^(?:\s*(?:photo|video|advertisement|continue reading the main story))+$/i;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Furniture that differs on every serve: a related box, an "updated" line, an ad slot, share counts, teasers. */
function furniture(serve: number): { inline: string; side: string } {
  const inline = [
    `<div class="related-coverage"><h4>Related</h4><ul><li><a href="/r/${serve}">Story number ${serve} that readers also viewed today</a></li></ul></div>`,
    `<p class="timestamp">Updated ${serve * 7} minutes ago</p>`,
    `<div class="ad"><p>Advertisement</p></div>`,
    `<div class="share-tools"><a href="#">Share</a> <a href="#">Tweet</a> <span>${serve * 113} shares</span></div>`,
  ][serve % 4] as string;
  const side = Array.from({ length: 3 }, (_, i) => `<li><a href="/m/${serve}/${i}">Most emailed story ${serve * 3 + i}: a headline long enough to be one</a></li>`).join('');
  return { inline, side: `<ol>${side}</ol>` };
}

function render(r: Revision, v: Revision['versions'][number], serve: number): string {
  const f = furniture(serve);
  const body = v.paragraphs.map((p, i) => (i === 2 ? `${f.inline}<p>${esc(p)}</p>` : `<p>${esc(p)}</p>`)).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(v.meta.title)} - The New York Times</title>
<meta property="og:title" content="${esc(v.meta.title)}"><link rel="canonical" href="${r.url}"></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/us">U.S.</a></nav><p>Serve ${serve}, ${new Date(Date.UTC(2012, 5, 17, serve)).toUTCString()}</p></header>
<main><article><h1>${esc(v.meta.title)}</h1><p class="byline">By ${esc(v.meta.authors.join(' and '))}</p>
<div class="story-body">${body}</div></article>
<aside class="most-popular"><h3>Most emailed</h3>${f.side}</aside></main>
<footer><p>© ${2012 + (serve % 3)} The New York Times Company</p></footer></body></html>`;
}

describeCorpus('extractor on real article revisions', (dir) => {
  const revisions: Revision[] = [];

  beforeAll(() => {
    const root = path.join(dir, 'revisions');
    const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as { id: string }[];
    for (const { id } of index) {
      const meta = JSON.parse(fs.readFileSync(path.join(root, id, 'meta.json'), 'utf8')) as { url: string; versions: VersionMeta[] };
      revisions.push({
        id,
        url: meta.url,
        versions: meta.versions.map((m) => ({
          meta: m,
          paragraphs: fs.readFileSync(path.join(root, id, m.file), 'utf8').split(/\n\s*\n/).map(normalizeText).filter((p) => p !== ''),
        })),
      });
    }
  });

  it('returns the same text whatever the furniture, and the story paragraphs themselves', () => {
    let checked = 0;
    for (const r of revisions) {
      for (const v of r.versions) {
        const first = extract(render(r, v, 1), r.url);
        for (let serve = 2; serve <= 5; serve++) expect(extract(render(r, v, serve), r.url).text).toBe(first.text);
        expect(first.title).toBe(v.meta.title);
        // Every extracted paragraph is a story paragraph; the only story lines left out are the noise the texts
        // still carry from their captures ("Photo", "Advertisement"), which must not count as text.
        const story = new Set(v.paragraphs);
        expect(first.paragraphs.filter((p) => !story.has(p))).toEqual([]);
        const dropped = v.paragraphs.filter((p) => !first.paragraphs.includes(p));
        expect(dropped.filter((p) => !NOISE.test(p))).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('keeps every real edit and none of the whitespace-only ones', () => {
    let edits = 0;
    for (const r of revisions) {
      for (let i = 1; i < r.versions.length; i++) {
        const prev = r.versions[i - 1] as Revision['versions'][number];
        const cur = r.versions[i] as Revision['versions'][number];
        const a = extract(render(r, prev, i), r.url);
        const b = extract(render(r, cur, i + 1), r.url);
        const squash = (ps: readonly string[]): string => ps.join('').replace(/\s+/g, '');
        const story = (ps: readonly string[]): string => squash(ps.filter((p) => !NOISE.test(p)));
        const storyChanged = story(prev.paragraphs) !== story(cur.paragraphs);
        const titleChanged = prev.meta.title !== cur.meta.title;
        if (storyChanged) edits++;
        if (storyChanged) expect(b.text).not.toBe(a.text);
        if (!storyChanged) expect(b.text.replace(/\s+/g, '')).toBe(a.text.replace(/\s+/g, ''));
        expect(a.title !== b.title).toBe(titleChanged);
      }
    }
    expect(edits).toBeGreaterThan(0);
  });
});
