/**
 * The rules for adding URLs through the web site (issue 13, point 10): one admin token rule for the form and the API
 * (a token with inner spaces works in both; one that a header cannot carry is refused at start-up with a clear
 * message), and no URL with a user name or password is ever tracked (it would be shown on public pages).
 */
import request from 'supertest';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import { createApp } from '../src/web/app.js';
import { bearerToken } from '../src/web/track.js';
import { NOW, testConfig } from './helpers/web-seed.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';

const SPACED = 'correct horse battery staple';

let t: TmpStore;
let app: express.Express;

beforeAll(async () => {
  t = await tmpStore();
  app = createApp({ store: t.store, config: testConfig({ adminToken: SPACED }), now: () => NOW });
});
afterAll(async () => t?.cleanup());

describe('admin token', () => {
  it('a token with inner spaces works in the API as it does in the form', async () => {
    const form = await request(app).post('/track').type('form').send({ url: 'https://a.example/form', token: SPACED }).expect(303);
    expect(form.headers.location).toMatch(/^\/articles\/\d+\?added=1$/);
    const api = await request(app).post('/api/articles').set('Authorization', `Bearer ${SPACED}`).send({ url: 'https://a.example/api' }).expect(201);
    expect(api.body).toMatchObject({ created: true, article: { url: 'https://a.example/api' } });
    // Both compare exactly: a part of the token, or extra words, are wrong in either.
    await request(app).post('/api/articles').set('Authorization', 'Bearer correct').send({ url: 'https://a.example/x' }).expect(401);
    await request(app).post('/api/articles').set('Authorization', `Bearer ${SPACED} extra`).send({ url: 'https://a.example/x' }).expect(401);
    await request(app).post('/track').type('form').send({ url: 'https://a.example/x', token: 'correct' }).expect(401);
    await request(app).post('/track').type('form').send({ url: 'https://a.example/x', token: `${SPACED} ` }).expect(401);
  });

  it('reads the bearer token after the scheme and its spaces', () => {
    expect(bearerToken(`Bearer ${SPACED}`)).toBe(SPACED);
    expect(bearerToken(`bearer \t${SPACED}  `)).toBe(SPACED);
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('refuses at start-up a token that an Authorization header cannot carry, saying why', () => {
    expect(() => loadConfig({ env: { PALIMPSEST_ADMIN_TOKEN: ' padded-token ' } }))
      .toThrow(/adminToken: the admin token must not start or end with a space, tab or newline/);
    expect(() => loadConfig({ env: { PALIMPSEST_ADMIN_TOKEN: 'trailing-newline\n' } })).toThrow(/must not start or end with a space, tab or newline/);
    expect(() => loadConfig({ env: { PALIMPSEST_ADMIN_TOKEN: 'pässwörter-token' } })).toThrow(/adminToken: the admin token may hold only printable ASCII/);
    expect(() => loadConfig({ env: { PALIMPSEST_ADMIN_TOKEN: 'inner\ttab-token' } })).toThrow(/only printable ASCII/);
    expect(loadConfig({ env: { PALIMPSEST_ADMIN_TOKEN: SPACED } }).adminToken).toBe(SPACED);
  });
});

describe('URLs with credentials', () => {
  const auth = { Authorization: `Bearer ${SPACED}` };

  it('are refused by the API and the form, without repeating the password', async () => {
    for (const url of ['https://editor:hunter2@news.example/a', 'https://editor@news.example/a', 'https://:hunter2@news.example/a']) {
      const api = await request(app).post('/api/articles').set(auth).send({ url }).expect(400);
      expect(api.body.error.message).toBe('Invalid URL: URLs with a user name or password are not accepted (they would be shown on public pages)');
      const form = await request(app).post('/track').type('form').send({ url, token: SPACED }).expect(400);
      expect(form.text).toContain('URLs with a user name or password are not accepted');
      expect(form.text).not.toContain('hunter2');
    }
    expect(await t.store.getArticleByUrl('https://editor:hunter2@news.example/a')).toBeNull();
    expect(await t.store.getArticleByUrl('https://news.example/a')).toBeNull();
  });

  it('are refused as source URLs too (shown on the source pages)', async () => {
    const res = await request(app).post('/api/sources').set(auth)
      .send({ name: 'Private feed', kind: 'feed', urls: ['https://editor:hunter2@news.example/feed.xml'] }).expect(400);
    expect(res.body.error.message).toContain('urls[0]: must not hold a user name or password');
    expect(res.body.error.message).not.toContain('hunter2');
  });
});
