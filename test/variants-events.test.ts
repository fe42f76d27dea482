/**
 * Variants (A/B-tested headlines kept with their sightings), correction notices and removal/redirect events, end to
 * end: a real origin on 127.0.0.1 serving pages, the real fetcher, extractor, versioner and store (both backends).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, type Config } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { reextractArticle } from '../src/tracker/reextract.js';
import { createApp } from '../src/web/app.js';
import request from 'supertest';
import { renderNewsPage, type OriginVersion } from './helpers/news-origin.js';
import { tmpStore } from './helpers/tmp.js';

/** What the origin answers at one path: a page, a status without a page, or a redirect. */
type Answer = { page: OriginVersion } | { status: number } | { redirect: string };

let server: http.Server;
let base: string;
let store: Store;
let cleanup: () => Promise<void>;
let config: Config;
const answers = new Map<string, Answer>();
let requestNo = 0;

const PARAGRAPHS = [
  'The city council voted on Tuesday evening to approve the new budget for public transport, after a debate that lasted more than four hours.',
  'Supporters said the plan would add bus routes to the northern districts, where residents have waited years for a reliable connection to the centre.',
  'Opponents argued that the money would be better spent repairing existing roads, and warned that ticket prices could rise next year.',
  'The mayor said the first new routes would open in the spring, and that the council would review the figures again in the autumn.',
];

function page(title: string, paragraphs: readonly string[] = PARAGRAPHS): Answer {
  return { page: { title, byline: 'Ada Reporter', paragraphs: [...paragraphs] } };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const a = answers.get(req.url ?? '');
    requestNo++;
    if (!a) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
    } else if ('status' in a) {
      res.writeHead(a.status, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><h1>Not here</h1></body></html>');
    } else if ('redirect' in a) {
      res.writeHead(301, { location: a.redirect }).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderNewsPage(a.page, `${base}${req.url}`, requestNo));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ store, cleanup } = await tmpStore());
  config = loadConfig({ env: {}, flags: { allowPrivate: true, scheduler: { maxConsecutiveErrors: 2 } } });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await cleanup();
});

async function track(path: string, first: Answer): Promise<number> {
  answers.set(path, first);
  return (await store.insertArticle(`${base}${path}`, new Date().toISOString())).article.id;
}

/** Tracks `path` and checks it once per headline in `titles`, the origin showing each in turn; gives the outcomes. */
async function showInTurn(path: string, titles: readonly string[]): Promise<{ id: number; outcomes: string[] }> {
  const id = await track(path, page(titles[0]!));
  const outcomes: string[] = [];
  for (const t of titles) {
    answers.set(path, page(t));
    outcomes.push((await checkArticle({ store, config }, id)).outcome);
  }
  return { id, outcomes };
}

describe('headline variants (A/B test)', () => {
  it('keeps one version per headline and counts every later sighting, without duplicate versions', async () => {
    // A, B, A (a revert, kept as a version), then B, A, B, A, B: the alternation is recognised at the second return.
    const headlines = ['Council approves transport budget', 'Buses for the north: council says yes'];
    const { id, outcomes } = await showInTurn('/ab/budget', Array.from({ length: 8 }, (_, i) => headlines[i % 2]!));
    expect(outcomes).toEqual(['new_version', 'new_version', 'new_version', 'flipflop', 'flipflop', 'flipflop', 'flipflop', 'flipflop']);
    const versions = await store.listVersionSummaries(id);
    expect(versions.map((v) => v.title)).toEqual(['Council approves transport budget', 'Buses for the north: council says yes', 'Council approves transport budget']);
    const sightings = await store.summariseVersionSightings(id);
    // B seen again at checks 4, 6, 8 (as version 2); A at checks 5 and 7 (as version 1, the first with its text).
    expect(sightings.map((s) => [s.versionNumber, s.count])).toEqual([[1, 2], [2, 3]]);
    expect(sightings.every((s) => s.firstSeen <= s.lastSeen)).toBe(true);
    expect(await store.hasVersionSightings(id)).toBe(true);
    const all = await store.listVersionSightings(id);
    expect(all).toHaveLength(5);
    expect(all.map((s) => s.versionNumber)).toEqual([2, 1, 2, 1, 2]);
    const a = (await store.getArticle(id))!;
    expect([a.status, a.versionCount, a.errorCount]).toEqual(['active', 3, 0]);
    // What a reader and the API see of it.
    const app = createApp({ store, config });
    const api = (await request(app).get(`/api/articles/${id}`).expect(200)).body as { variants: Array<{ version: number; title: string; times_seen: number; same_text_as: number | null }> };
    expect(api.variants.map((v) => [v.version, v.title, v.times_seen, v.same_text_as])).toEqual([[1, headlines[0], 4, null], [2, headlines[1], 4, 1]]);
    const html = (await request(app).get(`/articles/${id}`).expect(200)).text;
    expect(html).toContain('alternates between 2 variants with 2 headlines');
  });

  it('keeps a single return to an older text as a revert version and records no sighting', async () => {
    const { id } = await showInTurn('/ab/revert', ['Original headline of the revert story', 'Changed headline of the revert story',
      'Original headline of the revert story', 'Original headline of the revert story']);
    expect((await store.listVersionSummaries(id)).length).toBe(3);
    expect(await store.hasVersionSightings(id)).toBe(false);
  });

  it('still stores a real text change of an alternating article as a new version', async () => {
    const path = '/ab/edit';
    const { id } = await showInTurn(path, ['Headline A of the edited story', 'Headline B of the edited story', 'Headline A of the edited story', 'Headline B of the edited story']);
    expect(await store.hasVersionSightings(id)).toBe(true);
    answers.set(path, page('Headline B of the edited story', [...PARAGRAPHS, 'A new paragraph reports that the vote was unanimous in the end, to general surprise.']));
    const r = await checkArticle({ store, config }, id);
    expect(r.outcome).toBe('new_version');
    expect(r.versionNumber).toBe(4);
  });

  it('counts articles with variants per source', async () => {
    const counts = await store.countVariantArticlesBySource();
    expect(counts).toEqual([{ sourceId: null, articles: 2 }]);
  });
});

describe('correction notices', () => {
  it('flags a version that adds a notice, and not the next one that keeps it', async () => {
    const path = '/corr/en';
    const id = await track(path, page('Budget story with a correction'));
    await checkArticle({ store, config }, id);
    const notice = 'Correction: An earlier version of this article misstated the length of the debate; it lasted four hours, not six.';
    answers.set(path, page('Budget story with a correction', [...PARAGRAPHS, notice]));
    expect((await checkArticle({ store, config }, id)).versionNumber).toBe(2);
    answers.set(path, page('Budget story with a correction', [...PARAGRAPHS.slice(0, 3), 'The mayor said the first routes would open in March.', notice]));
    expect((await checkArticle({ store, config }, id)).versionNumber).toBe(3);
    expect(await store.listVersionCorrections(id)).toEqual([{ versionId: expect.any(Number), versionNumber: 2, notice }]);
    // Re-extracting the history from the stored responses finds the same notice again.
    await reextractArticle(store, id, { config });
    expect((await store.listVersionCorrections(id)).map((c) => [c.versionNumber, c.notice])).toEqual([[2, notice]]);
  });

  it('does not flag a first version that already carries a notice, nor an edit without one', async () => {
    const path = '/corr/first';
    const id = await track(path, page('Story born with a note', [...PARAGRAPHS, 'Update: the council meets again on Friday.']));
    await checkArticle({ store, config }, id);
    answers.set(path, page('Story born with a note', [...PARAGRAPHS.slice(1), 'Update: the council meets again on Friday.']));
    await checkArticle({ store, config }, id);
    expect((await store.listVersionSummaries(id)).length).toBe(2);
    expect(await store.listVersionCorrections(id)).toEqual([]);
  });

  const languages: Array<[string, string]> = [
    ['de', 'Korrektur: In einer früheren Version dieses Artikels hieß es, die Debatte habe sechs Stunden gedauert.'],
    ['fr', 'Cet article a été mis à jour mardi soir avec la réaction du maire.'],
    ['es', 'Fe de erratas: una versión anterior de este artículo indicaba que la votación fue el lunes.'],
    ['it', 'Questo articolo è stato aggiornato con le dichiarazioni del sindaco.'],
    ['pt', 'Correção: uma versão anterior deste texto informava que a votação ocorreu na segunda-feira.'],
    ['nl', 'Een eerdere versie van dit artikel vermeldde ten onrechte dat de stemming maandag was.'],
    ['en-update', 'Update, 3:15 p.m. ET: The mayor has responded to the vote.'],
    ['en-clarification', 'Clarification: The plan covers bus routes only, not trams.'],
  ];
  it.each(languages)('flags a notice in %s', async (lang, notice) => {
    const path = `/corr/${lang}`;
    const id = await track(path, page(`Multilingual story ${lang}`));
    await checkArticle({ store, config }, id);
    answers.set(path, page(`Multilingual story ${lang}`, [...PARAGRAPHS, notice]));
    await checkArticle({ store, config }, id);
    expect((await store.listVersionCorrections(id)).map((c) => [c.versionNumber, c.notice])).toEqual([[2, notice]]);
  });

  it('takes extra patterns from the configuration, and can be switched off', async () => {
    const extra = loadConfig({ env: {}, flags: { allowPrivate: true, corrections: { patterns: ['^nota bene:'] } } });
    const off = loadConfig({ env: {}, flags: { allowPrivate: true, corrections: { enabled: false } } });
    const added = [...PARAGRAPHS, 'Nota bene: the figures were revised by the finance office.'];
    const id = await track('/corr/extra', page('Extra pattern story'));
    await checkArticle({ store, config: extra }, id);
    answers.set('/corr/extra', page('Extra pattern story', added));
    await checkArticle({ store, config: extra }, id);
    expect((await store.listVersionCorrections(id)).map((c) => c.versionNumber)).toEqual([2]);
    const id2 = await track('/corr/off', page('Disabled story'));
    await checkArticle({ store, config: off }, id2);
    answers.set('/corr/off', page('Disabled story', [...PARAGRAPHS, 'Correction: the vote was on Tuesday.']));
    await checkArticle({ store, config: off }, id2);
    expect(await store.listVersionCorrections(id2)).toEqual([]);
  });
});

describe('removals and redirects', () => {
  it('records absent then returned for 200, 404, 404, 200, and keeps the article on its schedule', async () => {
    const path = '/gone/story';
    const id = await track(path, page('A story that disappears for a while'));
    expect((await checkArticle({ store, config }, id)).outcome).toBe('new_version');
    answers.set(path, { status: 404 });
    for (let i = 0; i < 3; i++) {
      const r = await checkArticle({ store, config }, id);
      expect([r.outcome, r.httpStatus]).toEqual(['error', 404]);
    }
    const during = (await store.getArticle(id))!;
    // Three 404s with maxConsecutiveErrors 2: not paused, no error count, due again on the unchanged schedule.
    expect([during.status, during.errorCount]).toEqual(['active', 0]);
    expect(Date.parse(during.nextCheck)).toBeGreaterThan(Date.now());
    answers.set(path, page('A story that disappears for a while'));
    const back = await checkArticle({ store, config }, id);
    expect(back.outcome).not.toBe('error');
    const events = await store.listArticleEvents(id);
    expect(events.map((e) => [e.kind, e.detail])).toEqual([['absent', { status: 404 }], ['returned', { status: 200 }]]);
    expect(events[0]!.at < events[1]!.at).toBe(true);
    expect((await store.getArticle(id))!.versionCount).toBe(1);
  });

  it('records a 410 as absent too, and nothing for a 500', async () => {
    const id = await track('/gone/410', page('A story that is withdrawn'));
    await checkArticle({ store, config }, id);
    answers.set('/gone/410', { status: 500 });
    await checkArticle({ store, config }, id);
    expect(await store.listArticleEvents(id)).toEqual([]);
    answers.set('/gone/410', { status: 410 });
    await checkArticle({ store, config }, id);
    expect((await store.listArticleEvents(id)).map((e) => [e.kind, e.detail])).toEqual([['absent', { status: 410 }]]);
  });

  it('records a redirect to another article once, and its return', async () => {
    const id = await track('/moved/story', page('A story that moves away'));
    answers.set('/moved/other', page('A completely different article', PARAGRAPHS.slice(1)));
    await checkArticle({ store, config }, id);
    answers.set('/moved/story', { redirect: `${base}/moved/other` });
    await checkArticle({ store, config }, id);
    await checkArticle({ store, config }, id);
    answers.set('/moved/story', page('A story that moves away'));
    await checkArticle({ store, config }, id);
    const events = await store.listArticleEvents(id);
    expect(events.map((e) => [e.kind, e.detail])).toEqual([['redirected', { location: `${base}/moved/other` }], ['returned', { status: 200 }]]);
  });

  it('records nothing for a redirect that only normalises the URL (trailing slash)', async () => {
    const id = await track('/norm/story', page('A story behind a trailing slash'));
    await checkArticle({ store, config }, id);
    answers.set('/norm/story/', page('A story behind a trailing slash'));
    answers.set('/norm/story', { redirect: `${base}/norm/story/` });
    await checkArticle({ store, config }, id);
    expect(await store.listArticleEvents(id)).toEqual([]);
  });

  it('lists events of every article after an id, in id order', async () => {
    const all = await store.listArticleEventsAfter(0, 100);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    const later = await store.listArticleEventsAfter(all[1]!.id, 2);
    expect(later.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
  });

  it('leaves a consistent database behind', async () => {
    expect(await store.checkConsistency()).toEqual([]);
  });
});
