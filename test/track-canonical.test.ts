/**
 * URLs added by hand are canonicalised like discovered ones (issue 11, point 8): the `track` command (the built CLI
 * as a real process), the web form and the API drop `utm_*`, fbclid, gclid and the other tracking parameters, so a
 * link shared twice with different tracking parameters is one article. Parameters that select content are kept.
 */
import path from 'node:path';
import request from 'supertest';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseArticleUrl } from '../src/common/urls.js';
import { TRACKING_PARAMS } from '../src/discovery/canonical.js';
import { openStore } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { testBackend, tmpStore, tmpTarget, type TmpStore, type TmpTarget } from './helpers/tmp.js';
import { NOW, testConfig } from './helpers/web-seed.js';
import { requireBuiltCli, runCli, type CliResult } from './helpers/processes.js';

const TOKEN = 'canonical-token-1';

/** The article's own address, and the same with tracking parameters as links are shared. */
const CLEAN = 'https://news.example/2024/05/story?id=42&page=2';
const SHARED = [
  'https://news.example/2024/05/story?utm_source=newsletter&id=42&utm_medium=email&page=2',
  'https://NEWS.example/2024/05/story?id=42&fbclid=IwAR0abc&page=2#comments',
  'https://news.example/2024/05/story?gclid=Cj0K&id=42&page=2&UTM_Campaign=Spring&mc_cid=1&mc_eid=2',
];

describe('canonical form of hand-added URLs', () => {
  it('drops the tracking parameters discovery drops, keeps the others in order', () => {
    for (const u of SHARED) expect(parseArticleUrl(u)).toEqual({ url: CLEAN });
    for (const p of TRACKING_PARAMS) expect(parseArticleUrl(`https://a.example/x?${p}=1&q=2`)).toEqual({ url: 'https://a.example/x?q=2' });
    expect(parseArticleUrl('https://a.example/x?utm_source=a')).toEqual({ url: 'https://a.example/x' });
    // Not a tracking parameter: kept exactly as given.
    expect(parseArticleUrl('https://a.example/x?utmost=1&s=a%20b')).toEqual({ url: 'https://a.example/x?utmost=1&s=a%20b' });
    expect(parseArticleUrl('ftp://a.example/x?utm_source=a')).toEqual({ error: 'only http and https URLs can be tracked: ftp://a.example/x?utm_source=a' });
  });
});

describe('web form and API', () => {
  let t: TmpStore;
  let app: express.Express;
  beforeAll(async () => {
    t = await tmpStore();
    app = createApp({ store: t.store, config: testConfig({ adminToken: TOKEN }), now: () => NOW });
  });
  afterAll(async () => t?.cleanup());

  it('the form and the API make one article of a link shared with different tracking parameters', async () => {
    const first = await request(app).post('/track').type('form').send({ url: SHARED[0], token: TOKEN }).expect(303);
    const id = Number(/^\/articles\/(\d+)\?added=1$/.exec(first.headers.location ?? '')?.[1]);
    expect(id).toBeGreaterThan(0);
    expect((await t.store.getArticle(id))?.url).toBe(CLEAN);

    const again = await request(app).post('/track').type('form').send({ url: SHARED[1], token: TOKEN }).expect(303);
    expect(again.headers.location).toBe(`/articles/${id}?added=0`);

    const api = await request(app).post('/api/articles').set('Authorization', `Bearer ${TOKEN}`).send({ url: SHARED[2] }).expect(200);
    expect(api.body).toMatchObject({ created: false, article: { id, url: CLEAN } });
    const apiClean = await request(app).post('/api/articles').set('Authorization', `Bearer ${TOKEN}`).send({ url: CLEAN }).expect(200);
    expect(apiClean.body.article.id).toBe(id);

    const created = await request(app).post('/api/articles').set('Authorization', `Bearer ${TOKEN}`)
      .send({ url: 'https://other.example/a?utm_source=x' }).expect(201);
    expect(created.body.article.url).toBe('https://other.example/a');
    expect((await t.store.listAllArticles()).map((a) => a.url).sort()).toEqual([CLEAN, 'https://other.example/a']);
  });
});

describe('the track command', () => {
  let target: TmpTarget;
  let db: string;

  async function cli(args: string[]): Promise<CliResult> {
    return runCli(args, { PALIMPSEST_CONFIG: '', PALIMPSEST_DB: db });
  }

  beforeAll(async () => {
    requireBuiltCli();
    target = await tmpTarget();
    db = testBackend() === 'sqlite' ? path.join(target.dir, 'db.sqlite') : target.target;
  });
  afterAll(async () => target?.cleanup());

  it('prints and stores the canonical URL, and tracks a shared link once', async () => {
    expect((await cli(['migrate'])).code).toBe(0);
    const first = await cli(['track', SHARED[0] as string]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^\\d+\\t${CLEAN.replace(/[.?]/g, '\\$&')}\\n$`));
    const again = await cli(['track', SHARED[1] as string, SHARED[2] as string, CLEAN]);
    expect(again.code).toBe(0);
    const lines = again.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toBe(`${first.stdout.split('\t')[0]}\t${CLEAN}\t(already tracked)`);

    const store = await openStore(db);
    try {
      expect((await store.listAllArticles()).map((a) => a.url)).toEqual([CLEAN]);
    } finally {
      await store.close();
    }
  });
});
