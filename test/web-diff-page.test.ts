/**
 * The diff page over the real app and a real store (SQLite, or PostgreSQL in the postgres project): unchanged
 * paragraphs folded around numbered changes, the summary bar (headline, byline, numbers, intermediate versions),
 * the from/to pickers, the inline headline struck through whole, and the keys script served as a static file.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, addVersions, testConfig } from './helpers/web-seed.js';

/** Twelve distinct paragraphs (no two alike, so the differ pairs each with itself only). */
const BASE = Array.from({ length: 12 }, (_, k) => `Paragraph ${k} tells part ${k} of the story of the harbour ${['bridge', 'ferry', 'tunnel', 'market'][k % 4]} number ${k * 7 + 3}.`);
const withEdits = (edits: Record<number, string>): string => BASE.map((p, k) => edits[k] ?? p).join('\n\n');

const V2_P5 = BASE[5]!.replace('story', 'history');
const V3_P10 = BASE[10]!.replace('harbour', 'river');
const V4_P0 = BASE[0]!.replace('tells', 'recounts');

let app: express.Express;
let cleanup: () => Promise<void>;
let id: number;
/** An article of 101 versions (a live page), each adding a line. */
let live: number;

beforeAll(async () => {
  const t = await tmpStore();
  cleanup = t.cleanup;
  id = (await t.store.insertArticle('https://news.example/2024/05/harbour', NOW.toISOString())).article.id;
  await addVersions(t.store, id, [
    { minutes: 0, title: 'Harbour bridge to close', byline: 'By Ada Reporter', text: withEdits({}) },
    { minutes: 40, title: 'Harbour bridge closes for a year', byline: 'By Ada Reporter and Bo Writer', text: withEdits({ 5: V2_P5 }) },
    { minutes: 90, title: 'Harbour bridge closes for a year', byline: 'By Ada Reporter and Bo Writer', text: withEdits({ 5: V2_P5, 10: V3_P10 }) },
    { minutes: 200, title: 'Harbour bridge closes for a year', byline: 'By Ada Reporter and Bo Writer', text: withEdits({ 0: V4_P0, 5: V2_P5, 10: V3_P10 }) },
  ]);
  live = (await t.store.insertArticle('https://news.example/2024/05/live', NOW.toISOString())).article.id;
  await addVersions(t.store, live, Array.from({ length: 101 }, (_, k) => ({
    minutes: k * 5, title: 'Live: the harbour', text: Array.from({ length: k + 1 }, (_, j) => `Update ${j}: the harbour at minute ${j * 5}.`).join('\n\n'),
  })));
  app = createApp({ store: t.store, config: testConfig(), now: () => NOW });
});

afterAll(() => cleanup());

const count = (html: string, re: RegExp): number => (html.match(new RegExp(re.source, 'g')) ?? []).length;
const summaries = (html: string): string[] => [...html.matchAll(/<summary>([^<]*)<\/summary>/g)].map((m) => m[1] as string);

describe('diff page: folding and numbered changes', () => {
  it('folds unchanged paragraphs around a one-word change, one paragraph of context each side', async () => {
    for (const view of ['', '?view=inline']) {
      const t = (await request(app).get(`/articles/${id}/diff/1/2${view}`).expect(200)).text;
      // Paragraph 5 changed: 0-3 folded, 4 shown, the change, 6 shown, 7-11 folded.
      expect({ view, summaries: summaries(t) }).toEqual({ view, summaries: ['Show 4 unchanged paragraphs', 'Show 5 unchanged paragraphs'] });
      expect(count(t, /<details class="fold">/)).toBe(2);
      // Every paragraph is still on the page (folded ones inside <details>), each with its anchor.
      for (let k = 0; k < 12; k++) expect({ view, k, anchor: t.includes(`id="row-${k}"`) }).toEqual({ view, k, anchor: true });
      const firstFold = t.indexOf('<details class="fold">');
      const firstFoldEnd = t.indexOf('</details>', firstFold);
      expect(t.slice(firstFold, firstFoldEnd)).toContain('id="row-3"');
      expect(t.slice(firstFold, firstFoldEnd)).not.toContain('id="row-4"');
      expect(t.indexOf('id="row-4"')).toBeGreaterThan(firstFoldEnd);
      // One change, numbered, with its anchor and without neighbours to link to.
      expect(count(t, /class="change-head" id="change-\d+"/)).toBe(1);
      expect(t).toContain('id="change-1"');
      expect(t).toContain('Change 1 of 1');
      expect(t).not.toContain('href="#change-2"');
      expect(t).toContain('<del>story</del>');
      expect(t).toContain('<ins>history</ins>');
    }
  });

  it('numbers every change and links each to the previous and next one', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/1/4`).expect(200)).text;
    expect(count(t, /class="change-head" id="change-\d+"/)).toBe(3);
    const head = (n: number): string => {
      const at = t.indexOf(`id="change-${n}"`);
      return t.slice(at, t.indexOf('</div>', at));
    };
    expect(head(1)).toContain('Change 1 of 3');
    expect(head(1)).not.toContain('Previous change');
    expect(head(1)).toContain('href="#change-2"');
    expect(head(2)).toContain('href="#change-1"');
    expect(head(2)).toContain('href="#change-3"');
    expect(head(3)).toContain('href="#change-2"');
    expect(head(3)).not.toContain('Next change');
    // Changes at paragraphs 0, 5 and 10: context 1 and 4 / 6 and 9 / 11; folds of 2-3 and 7-8.
    expect(summaries(t)).toEqual(['Show 2 unchanged paragraphs', 'Show 2 unchanged paragraphs']);
    expect(t).toContain('<a class="first-change" href="#change-1">3 changes</a>');
    // The key script is a static file (the CSP allows only the site's own scripts) and is served.
    expect(t).toContain('<script src="/static/diff-keys.js" defer></script>');
    const js = await request(app).get('/static/diff-keys.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.text).toContain('keydown');
    const csp = (await request(app).get(`/articles/${id}/diff/1/4`)).headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('folds everything when nothing changed', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/2/2`).expect(200)).text;
    expect(summaries(t)).toEqual(['Show 12 unchanged paragraphs']);
    expect(t).toContain('no change in the text');
    expect(t).not.toContain('id="change-1"');
  });
});

describe('diff page: summary bar', () => {
  it('shows the headline and byline changes old → new and the numbers', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/1/2`).expect(200)).text;
    const bar = t.slice(t.indexOf('<section class="diff-bar"'), t.indexOf('</section>', t.indexOf('<section class="diff-bar"')));
    expect(bar).toContain('<dt>Headline</dt><dd><del>Harbour bridge to close</del>');
    expect(bar).toContain('<ins>Harbour bridge closes for a year</ins>');
    expect(bar).toContain('<dt>Byline</dt><dd><del>By Ada Reporter</del>');
    expect(bar).toContain('<ins>By Ada Reporter and Bo Writer</ins>');
    expect(bar).toMatch(/title="words added">\+1<\/span> <span class="minus" title="words removed">&minus;1<\/span>/);
    expect(bar).toContain('1 paragraph changed, 0 added, 0 removed');
    expect(bar).not.toContain('intermediate');
  });

  it('leaves headline and byline out when they did not change, and counts intermediate versions', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/2/4`).expect(200)).text;
    const bar = t.slice(t.indexOf('<section class="diff-bar"'), t.indexOf('</section>', t.indexOf('<section class="diff-bar"')));
    expect(bar).not.toContain('<dt>Headline</dt>');
    expect(bar).not.toContain('<dt>Byline</dt>');
    expect(bar).toContain(`<a href="/articles/${id}#versions">1 intermediate version not shown</a>`);
    const far = (await request(app).get(`/articles/${id}/diff/4/1`).expect(200)).text;
    expect(far).toContain(`<a href="/articles/${id}#versions">2 intermediate versions not shown</a>`);
    // The anchor exists on the article page.
    expect((await request(app).get(`/articles/${id}`).expect(200)).text).toContain('id="versions"');
  });
});

describe('diff page: unchanged paragraphs written once', () => {
  it('side by side, an unchanged paragraph is one cell across both columns; a changed one has a cell per side', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/1/2`).expect(200)).text;
    for (const k of [0, 4, 6, 11]) {
      expect({ k, times: t.split(BASE[k]!).length - 1 }).toEqual({ k, times: 1 });
      expect(t).toContain(`<div class="row kind-unchanged" id="row-${k}"><div class="cell both" data-label="Both versions">${BASE[k]!}</div></div>`);
    }
    expect(count(t, /class="cell (left|right)"/)).toBe(4);
    expect(t).toMatch(/<div class="row kind-changed" id="row-5">\s*<div class="cell left" data-label="Version 1">[^<]*<del>story<\/del>/);
    expect(t).toMatch(/<div class="cell right" data-label="Version 2">[^<]*<ins>history<\/ins>/);
  });
});

describe('diff page: version pickers', () => {
  it('offers from/to selects of every version with its time, a GET form that works without JavaScript', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/1/2?view=inline`).expect(200)).text;
    const start = t.indexOf('<form class="diff-pick"');
    const form = t.slice(start, t.indexOf('</form>', start));
    expect(form).toContain(`method="get" action="/articles/${id}/compare"`);
    const select = (name: string): string => form.slice(form.indexOf(`<select name="${name}">`), form.indexOf('</select>', form.indexOf(`<select name="${name}">`)));
    expect(count(select('a'), /<option value="\d"/)).toBe(4);
    expect(count(select('b'), /<option value="\d"/)).toBe(4);
    expect(select('a')).toContain('<option value="1" selected>Version 1 · ');
    expect(select('b')).toContain('<option value="2" selected>Version 2 · ');
    expect(select('b')).toMatch(/<option value="4">Version 4 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(form).toContain('<input type="hidden" name="view" value="inline">');
    // "Compare with the current version": from the left version to the latest.
    expect(form).toContain(`<a class="current" href="/articles/${id}/diff/1/4?view=inline">Compare with the current version (4)</a>`);
    // Submitting the form: the compare route sends the browser to the diff.
    const go = await request(app).get(`/articles/${id}/compare?a=2&b=3&view=inline`).expect(303);
    expect(go.headers.location).toBe(`/articles/${id}/diff/2/3?view=inline`);
    const latest = (await request(app).get(`/articles/${id}/diff/1/4`).expect(200)).text;
    expect(latest).not.toContain('class="current"');
  });
});

describe('diff page: version pickers of a long history', () => {
  it('are number fields of 1 to the latest, with a link to every version with its time, over 100 versions', async () => {
    const t = (await request(app).get(`/articles/${live}/diff/100/101`).expect(200)).text;
    const start = t.indexOf('<form class="diff-pick"');
    const form = t.slice(start, t.indexOf('</form>', start));
    expect(form).not.toContain('<select');
    expect(form).toContain('<input type="number" name="a" min="1" max="101" value="100" required>');
    expect(form).toContain('<input type="number" name="b" min="1" max="101" value="101" required>');
    expect(form).toContain(`<a href="/articles/${live}#versions">every version with its time</a>`);
    // The form still goes to the diff of the numbers typed.
    const go = await request(app).get(`/articles/${live}/compare?a=3&b=90`).expect(303);
    expect(go.headers.location).toBe(`/articles/${live}/diff/3/90`);
  });
});

describe('diff page: inline headline', () => {
  it('shows a changed headline as the old one struck through, then the new one, never interleaved', async () => {
    const t = (await request(app).get(`/articles/${id}/diff/1/2?view=inline`).expect(200)).text;
    expect(t).toContain('<h3 class="headline"><del>Harbour bridge to close</del> <ins>Harbour bridge closes for a year</ins></h3>');
    const same = (await request(app).get(`/articles/${id}/diff/2/3?view=inline`).expect(200)).text;
    expect(same).toContain('<h3 class="headline">Harbour bridge closes for a year</h3>');
    // The side-by-side view keeps its word-level headline diff, one version per side.
    const side = (await request(app).get(`/articles/${id}/diff/1/2`).expect(200)).text;
    expect(side).toMatch(/title-row kind-changed[\s\S]*<del>to close<\/del>[\s\S]*<ins>closes for a year<\/ins>/);
  });
});
