/**
 * /healthz reads real data (issue 13, point 9): on a damaged database, where the pages answer 500, it answers 503
 * instead of "ok"; and it says whether a scheduler runs beside the web app. The damaged database is SQLite only (a
 * table page overwritten in a copy of the file: PostgreSQL has no file to damage this way); the rest runs on both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { openStore, type Store } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { openApiDocument } from '../src/web/openapi.js';
import { corruptTableRoot } from './helpers/corrupt.js';
import { checkSchema } from './helpers/schema-check.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';
import { NOW, seed, testConfig } from './helpers/web-seed.js';

let t: TmpStore;

beforeAll(async () => {
  t = await tmpStore();
  await seed(t.store);
});
afterAll(async () => t?.cleanup());

describe('/healthz', () => {
  it('answers ok with the article count, no scheduler, and the heavy-request gates', async () => {
    const app = createApp({ store: t.store, config: testConfig(), now: () => NOW });
    const res = await request(app).get('/healthz').expect(200).expect('Cache-Control', 'no-store');
    expect(res.body).toEqual({
      status: 'ok', db: 'ok', articles: 5, scheduler: { state: 'off' },
      heavyRequests: {
        feedsAndSearch: { running: 0, queued: 0, limit: 4, queueLimit: 32, refused: 0 },
        exports: { running: 0, queued: 0, limit: 2, queueLimit: 32, refused: 0 },
      },
    });
  });

  it('says when the scheduler beside the web app has stopped ticking, and answers 503 then', async () => {
    const real = Date.now();
    let status = { startedAt: new Date(real - 600_000).toISOString(), tickMs: 60_000, lastTickStartedAt: new Date(real - 30_000).toISOString(),
      lastTickFinishedAt: new Date(real - 29_000).toISOString(), running: false };
    const app = createApp({ store: t.store, config: testConfig(), now: () => NOW, schedulerStatus: () => status });
    const ok = await request(app).get('/healthz').expect(200);
    expect(ok.body.scheduler).toMatchObject({ state: 'ok', running: false, lastTickAt: status.lastTickFinishedAt, tickSeconds: 60, staleAfterS: 180 });
    expect(ok.body.scheduler.secondsSinceTick).toBeGreaterThanOrEqual(29);
    // A tick that started four minutes ago and never ended: every tick since was skipped, nothing was checked.
    status = { ...status, lastTickStartedAt: new Date(real - 240_000).toISOString(), lastTickFinishedAt: new Date(real - 300_000).toISOString(), running: true };
    const stalled = await request(app).get('/healthz').expect(503).expect('Cache-Control', 'no-store');
    expect(stalled.body).toMatchObject({ status: 'error', db: 'ok', articles: 5, scheduler: { state: 'stalled', running: true } });
    expect(stalled.body.problem).toMatch(/^scheduler: no tick started or finished for 24\d(\.\d)? s \(stalled after 180 s, 3 tick periods\)/);
    // Both answers are what the OpenAPI document promises for them.
    const doc = openApiDocument('http://127.0.0.1');
    expect(checkSchema(doc, { $ref: '#/components/schemas/Health' }, ok.body)).toEqual([]);
    expect(checkSchema(doc, { oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/Health' }] }, stalled.body)).toEqual([]);
  });

  (testBackend() === 'sqlite' ? it : it.skip)('answers 503 on a damaged database whose pages answer 500 (SQLite: a table page overwritten in a copy)', async () => {
    // A closed copy of the seeded database, its articles table damaged; its indexes intact, so a bare count(*)
    // (answered from an index) still succeeds: the health check must read rows as the pages do.
    const closed = path.join(t.dir, 'closed.db');
    const copy = await openStore(closed);
    await seed(copy);
    await copy.close();
    const damaged = path.join(t.dir, 'damaged.db');
    const page = corruptTableRoot(closed, damaged, 'articles');
    expect(page).toBeGreaterThan(1);
    let store: Store | null = null;
    try {
      store = await openStore(damaged);
      const errors: unknown[] = [];
      const app = createApp({ store, config: testConfig(), now: () => NOW, logger: { error: (o) => errors.push(o) } });
      await request(app).get('/').expect(500);
      const res = await request(app).get('/healthz').expect(503).expect('Content-Type', /json/);
      expect(res.body).toEqual({ error: { status: 503, message: 'The database does not answer' } });
      // The reason is in the log, not on the public answer.
      expect(JSON.stringify(errors.map((e) => String((e as { err?: Error }).err?.message)))).toContain('malformed');
    } finally {
      await store?.close();
      fs.rmSync(damaged, { force: true });
    }
  });
});

if (testBackend() !== 'sqlite') console.log('web-health: the damaged-database test runs on SQLite only (it overwrites a page of the database file)');
