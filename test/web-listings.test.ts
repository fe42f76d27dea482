/**
 * The grouped listings: the home page (one row per article with changes) and /articles (every article), their
 * filters (source, dates, headline changed, minimum size, minor), orders and paging, and the store query behind them
 * on the test's backend.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import type { Store } from '../src/store/index.js';
import { LISTING_PAGE } from '../src/web/listing.js';
import { createApp } from '../src/web/app.js';
import { tmpStore } from './helpers/tmp.js';
import { testConfig } from './helpers/web-seed.js';
import { LNOW, listingFixture, type ListingSeeded } from './helpers/listing-seed.js';

let store: Store;
let cleanup: () => Promise<void>;
let ids: ListingSeeded;
let app: express.Express;

beforeAll(async () => ({ store, ids, app, cleanup } = await listingFixture()));
afterAll(() => cleanup());

/** The article ids of a listing page's rows, in order. */
function rowIds(html: string): number[] {
  const list = html.slice(html.indexOf('<ol class="listing">'), html.indexOf('</ol>', html.indexOf('<ol class="listing">')));
  return [...list.matchAll(/<a class="title" href="\/articles\/(\d+)">/g)].map((x) => Number(x[1]));
}

/** The row of one article on a listing page. */
function rowOf(html: string, id: number): string {
  const start = html.indexOf(`<a class="title" href="/articles/${id}">`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</li>', start));
}

describe('the store query', () => {
  it('groups the changes of each article: count, today, biggest, latest, headline change', async () => {
    const rows = await store.listArticleActivity({ changedOnly: true, todayFrom: '2024-06-03T00:00:00.000Z', sort: 'newest', limit: 10, offset: 0 });
    expect(rows.map((r) => r.id)).toEqual([ids.hillStory, ids.budget, ids.bridge]);
    const budget = rows[1]!;
    expect(budget).toMatchObject({ changes: 3, changesToday: 2, headlineChanges: 1, versionCount: 4 });
    expect(budget.latest).toMatchObject({ number: 4, capturedAt: '2024-06-03T10:00:00.000Z', title: 'Council approves budget', previousTitle: 'Council approves budget' });
    expect(budget.biggest?.number).toBe(3);
    expect(budget.lastHeadlineChange).toEqual({ number: 3, from: 'Council debates budget', to: 'Council approves budget' });
    // the minor version of hillStory is left out unless asked for
    expect(rows[0]).toMatchObject({ changes: 1, changesToday: 1 });
    const withMinor = await store.listArticleActivity({ changedOnly: true, includeMinor: true, todayFrom: '2024-06-03T00:00:00.000Z', sort: 'newest', limit: 10, offset: 0 });
    expect(withMinor.find((r) => r.id === ids.hillStory)).toMatchObject({ changes: 2, changesToday: 2 });
  });

  it('lists every article when no change filter is set and changedOnly is false', async () => {
    const rows = await store.listArticleActivity({ changedOnly: false, todayFrom: '2024-06-03T00:00:00.000Z', sort: 'newest', limit: 10, offset: 0 });
    expect(rows.map((r) => r.id)).toEqual([ids.hillStory, ids.budget, ids.bridge, ids.waiting, ids.quiet]);
    expect(rows.find((r) => r.id === ids.quiet)).toMatchObject({ changes: 0, latest: null, biggest: null, lastHeadlineChange: null });
  });
});

describe('the home page', () => {
  it('shows one row per changed article, newest change first, with today, biggest and headline changes', async () => {
    const res = await request(app).get('/').expect(200);
    expect(rowIds(res.text)).toEqual([ids.hillStory, ids.budget, ids.bridge]);
    const budget = rowOf(res.text, ids.budget);
    expect(budget).toContain('3 changes, <strong>2 today</strong>, 1 to the headline');
    expect(budget).toContain(`<a href="/articles/${ids.budget}/diff/3/4">version 3 → 4</a>`);
    expect(budget).toMatch(new RegExp(`biggest: <a href="/articles/${ids.budget}/diff/2/3">\\d+ words in version 3</a>`));
    expect(budget).toContain('<del class="old-headline">Council debates budget</del>');
    expect(budget).toContain('<ins class="new-headline">Council approves budget</ins>');
    expect(budget).toContain('Headline changed');
    expect(rowOf(res.text, ids.bridge)).not.toContain('Headline changed');
    // the articles list below still holds every tracked article
    expect(res.text).toContain(`<a href="/articles/${ids.waiting}">https://elsewhere.example/waiting</a>`);
  });

  it('filters by source, dates, headline change, size and minor changes', async () => {
    const ids1 = async (qs: string): Promise<number[]> => rowIds((await request(app).get(`/?${qs}`).expect(200)).text);
    expect(await ids1(`source=${ids.hill.slug}`)).toEqual([ids.hillStory]);
    expect(await ids1(`source=${ids.river.slug}`)).toEqual([ids.budget, ids.bridge]);
    expect(await ids1('headline=1')).toEqual([ids.hillStory, ids.budget]);
    expect(await ids1('min=10')).toEqual([ids.budget, ids.bridge]);
    expect(await ids1('from=2024-06-02&to=2024-06-02')).toEqual([ids.bridge]);
    expect(await ids1('from=2024-06-03')).toEqual([ids.hillStory, ids.budget]);
    expect(await ids1('to=2024-06-01')).toEqual([ids.budget]);
    expect(await ids1(`source=${ids.river.slug}&headline=1&min=10`)).toEqual([ids.budget]);
    // the figures count only the matching changes
    const headline = await request(app).get('/?headline=1').expect(200);
    expect(rowOf(headline.text, ids.budget)).toContain('1 change, <strong>1 today</strong>');
    expect(rowOf(headline.text, ids.budget)).toContain(`<a href="/articles/${ids.budget}/diff/2/3">version 2 → 3</a>`);
    const minor = await request(app).get('/?minor=1').expect(200);
    expect(rowOf(minor.text, ids.hillStory)).toContain('2 changes, <strong>2 today</strong>');
    // the form shows the filters again
    expect(headline.text).toContain('<input type="checkbox" name="headline" value="1" checked>');
    const dated = await request(app).get('/?from=2024-06-02&min=5').expect(200);
    expect(dated.text).toContain('name="from" value="2024-06-02"');
    expect(dated.text).toContain('name="min" min="0" step="1" value="5"');
  });

  it('sorts by newest change, biggest change and most versions, keeping the filters in the sort links', async () => {
    expect(rowIds((await request(app).get('/?sort=biggest').expect(200)).text)).toEqual([ids.bridge, ids.budget, ids.hillStory]);
    expect(rowIds((await request(app).get('/?sort=versions').expect(200)).text)).toEqual([ids.budget, ids.hillStory, ids.bridge]);
    const res = await request(app).get(`/?source=${ids.river.slug}&headline=1`).expect(200);
    expect(res.text).toContain(`href="/?source=${ids.river.slug}&amp;headline=1&amp;sort=biggest"`);
  });

  it('answers 400 for a filter that is not one', async () => {
    await request(app).get('/?source=nope').expect(400);
    await request(app).get('/?from=2024-02-30').expect(400);
    await request(app).get('/?to=yesterday').expect(400);
    await request(app).get('/?min=-3').expect(400);
    await request(app).get('/?sort=random').expect(400);
    await request(app).get('/?page=0').expect(400);
  });

  it('keeps the ungrouped stream of every change at ?view=stream and ?before=', async () => {
    const res = await request(app).get('/?view=stream').expect(200);
    expect(res.text).toContain(`/articles/${ids.budget}/diff/1/2`);
    expect(res.text).toContain(`/articles/${ids.budget}/diff/3/4`);
    expect(res.text).toContain('Now tracking');
  });
});

describe('/articles', () => {
  it('lists every article, changed or not, with the same filters', async () => {
    const res = await request(app).get('/articles').expect(200);
    expect(rowIds(res.text)).toEqual([ids.hillStory, ids.budget, ids.bridge, ids.waiting, ids.quiet]);
    expect(rowOf(res.text, ids.waiting)).toContain('awaiting first capture');
    expect(rowOf(res.text, ids.quiet)).toContain('1 version, no change');
    expect(rowIds((await request(app).get(`/articles?source=${ids.hill.slug}`).expect(200)).text)).toEqual([ids.hillStory, ids.quiet]);
    expect(rowIds((await request(app).get('/articles?headline=1').expect(200)).text)).toEqual([ids.hillStory, ids.budget]);
    expect(rowIds((await request(app).get('/articles?sort=versions').expect(200)).text)).toEqual([ids.budget, ids.hillStory, ids.bridge, ids.quiet, ids.waiting]);
  });

  it('pages through more articles than fit on a page, with the filters kept', async () => {
    const t = await tmpStore();
    try {
      const many: number[] = [];
      for (let i = 0; i < LISTING_PAGE + 5; i++) {
        const at = new Date(Date.parse('2024-06-01T00:00:00.000Z') + i * 60_000).toISOString();
        many.push((await t.store.insertArticle(`https://many.example/${i}`, at)).article.id);
      }
      const a = createApp({ store: t.store, config: testConfig(), now: () => LNOW });
      const first = await request(a).get('/articles').expect(200);
      const firstIds = rowIds(first.text);
      expect(firstIds).toHaveLength(LISTING_PAGE);
      expect(firstIds[0]).toBe(many[many.length - 1]);
      expect(first.text).toContain('<a rel="next" href="/articles?page=2">Next page</a>');
      const second = await request(a).get('/articles?page=2').expect(200);
      const secondIds = rowIds(second.text);
      expect(secondIds).toEqual(many.slice(0, 5).reverse());
      expect(second.text).toContain('<a rel="prev" href="/articles">Previous page</a>');
      expect(second.text).not.toContain('rel="next"');
      expect(new Set([...firstIds, ...secondIds]).size).toBe(LISTING_PAGE + 5);
      const sorted = await request(a).get('/articles?sort=versions&page=2').expect(200);
      expect(sorted.text).toContain('<a rel="prev" href="/articles?sort=versions">Previous page</a>');
      expect(rowIds((await request(a).get('/articles?page=3').expect(200)).text)).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});

describe('one version', () => {
  it('shows its headline and byline changes old → new and the time since the version before', async () => {
    const v3 = await request(app).get(`/articles/${ids.budget}/versions/3`).expect(200);
    expect(v3.text).toContain('<del class="old-headline">Council debates budget</del>');
    expect(v3.text).toContain('<span class="badge byline">Byline changed</span> <del>By Kim</del> → <ins>By Kim and Lee</ins>');
    expect(v3.text).toContain('2 days later than version 2');
    const v4 = await request(app).get(`/articles/${ids.budget}/versions/4`).expect(200);
    expect(v4.text).not.toContain('Headline changed');
    expect(v4.text).toContain('<dt>Byline</dt><dd>By Kim and Lee</dd>');
    expect(v4.text).toContain('1 hour later than version 3');
  });
});
