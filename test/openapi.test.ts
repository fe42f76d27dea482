/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked by a real validator), and true: every documented operation is
 * called against the real app on seeded data, and its status, media type and JSON body must be the documented ones.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp } from '../src/web/app.js';
import { openApiDocument, type Json, type JsonObject } from '../src/web/openapi.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, seed, testConfig, type Seeded } from './helpers/web-seed.js';
import { seedSources, type SourceSeeded } from './helpers/source-seed.js';
import { checkSchema, resolveRef } from './helpers/schema-check.js';
import { createSubscription } from '../src/notify/subscriptions.js';

const TOKEN = 'openapi-admin-token';

let cleanup: () => Promise<void>;
let ids: Seeded;
let src: SourceSeeded;
let app: express.Express;
let doc: JsonObject;
/** Subscriptions: one the reads are called on, one the DELETE removes. */
let subs: { kept: number; doomed: number };

beforeAll(async () => {
  const t = await tmpStore();
  cleanup = t.cleanup;
  ids = await seed(t.store);
  src = await seedSources(t.store);
  const hook = { channel: 'webhook', url: 'https://hooks.example/openapi' };
  const config = testConfig({ adminToken: TOKEN });
  subs = {
    kept: (await createSubscription(t.store, config, hook, NOW)).id,
    doomed: (await createSubscription(t.store, config, hook, NOW)).id,
  };
  app = createApp({ store: t.store, config: testConfig({ adminToken: TOKEN }), now: () => NOW });
  doc = (await request(app).get('/api/openapi.json').expect(200).expect('Content-Type', /json/)).body as JsonObject;
});

afterAll(() => cleanup());

const asObj = (v: Json | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const deref = (v: Json | undefined): JsonObject => {
  const o = asObj(v);
  return typeof o.$ref === 'string' ? asObj(resolveRef(doc, o.$ref)) : o;
};

/** One call to make: method, path with parameters filled, query, body, and the status expected. */
interface Call {
  operationId: string;
  method: 'get' | 'post' | 'delete';
  /** Whether the operation needs the admin token. */
  auth: boolean;
  template: string;
  path: string;
  query: Record<string, string>;
  body?: object;
  expected: number;
}

/** Values for the path parameters, from the seeded data. */
function pathValues(method: Call['method']): Record<string, string> {
  return { id: String(ids.story), n: '2', a: '1', b: '3', slug: src.daily.slug, subscription: String(method === 'delete' ? subs.doomed : subs.kept) };
}

const BODIES: Record<string, object> = {
  trackArticle: { url: 'https://openapi.example/news/1' },
  createSource: { name: 'OpenAPI Gazette', kind: 'feed', urls: ['https://gazette.example/rss'] },
  createSubscription: { channel: 'webhook', url: 'https://hooks.example/new', minWords: 5 },
};
const QUERIES: Record<string, Record<string, string>> = { search: { q: 'minister' } };

/** Every call the document implies: each operation, each value of an enumerated path parameter. */
function calls(): Call[] {
  const out: Call[] = [];
  for (const [template, item] of Object.entries(asObj(doc.paths))) {
    for (const method of ['get', 'post', 'delete'] as const) {
      const op = asObj(asObj(item)[method]);
      if (!op.operationId) continue;
      const params = (Array.isArray(op.parameters) ? op.parameters : []).map((p) => deref(p));
      const enumParam = params.find((p) => p.in === 'path' && Array.isArray(asObj(p.schema).enum));
      const variants = enumParam ? (asObj(enumParam.schema).enum as string[]).map((v) => ({ [String(enumParam.name)]: v })) : [{}];
      for (const variant of variants) {
        const values: Record<string, string> = { ...pathValues(method), ...variant };
        const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
          const v = values[name];
          if (v === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
          return encodeURIComponent(v);
        });
        for (const p of params) if (p.in === 'query' && p.required === true) expect(QUERIES[String(op.operationId)]?.[String(p.name)]).toBeDefined();
        out.push({
          operationId: String(op.operationId), method, template, path, query: QUERIES[String(op.operationId)] ?? {}, auth: Array.isArray(op.security),
          body: BODIES[String(op.operationId)], expected: method === 'post' ? 201 : method === 'delete' ? 204 : 200,
        });
      }
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const res = await validator.validate(doc);
    if (!res.valid) process.stdout.write(`${JSON.stringify(res.errors, null, 2)}\n`);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
    expect(doc).toEqual(openApiDocument(String(asObj((doc.servers as Json[])[0]).url)));
    // the validator and the checker do notice mistakes
    const broken = { ...doc, paths: { '/x': { get: { responses: { 200: { content: {} } } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
    const article = (await request(app).get(`/api/articles/${ids.story}`).expect(200)).body as { article: Record<string, unknown> };
    const articleSchema = { $ref: '#/components/schemas/Article' };
    expect(checkSchema(doc, articleSchema, article.article)).toEqual([]);
    expect(checkSchema(doc, articleSchema, { ...article.article, surprise: 1 })).toEqual(['$: undocumented property surprise']);
    expect(checkSchema(doc, articleSchema, { ...article.article, id: 'one' })).toEqual(['$.id: expected integer, got "one"']);
    const { title: _t, ...noTitle } = article.article;
    expect(checkSchema(doc, articleSchema, noTitle)).toEqual(['$: missing required title']);
  });

  it('documents every route of the API and the machine-readable routes outside it', () => {
    const paths = Object.keys(asObj(doc.paths)).sort();
    expect(paths).toEqual([
      '/api', '/api/articles', '/api/articles/{id}', '/api/articles/{id}/diff/{a}/{b}', '/api/articles/{id}/versions/{n}',
      '/api/openapi.json', '/api/search', '/api/sources', '/api/sources/{slug}', '/api/subscriptions', '/api/subscriptions/{subscription}',
      '/api/subscriptions/{subscription}/deliveries', '/articles/{id}/export.{format}',
      '/articles/{id}/feed.{format}', '/feed.{format}', '/healthz', '/sources/{slug}/export.{format}', '/sources/{slug}/feed.{format}',
    ]);
    // the API index names only documented routes
    const index = asObj(asObj(asObj(doc.paths)['/api']).get);
    expect(index.operationId).toBe('apiIndex');
  });

  it('answers every documented operation with a documented status, media type and body', async () => {
    const all = calls();
    const operations = new Set<string>();
    for (const c of all) {
      operations.add(c.operationId);
      const agent = request(app);
      let req = c.method === 'get' ? agent.get(c.path) : c.method === 'delete' ? agent.delete(c.path) : agent.post(c.path).send(c.body ?? {});
      if (c.auth) req = req.set('Authorization', `Bearer ${TOKEN}`);
      req = req.query(c.query);
      if (c.path.endsWith('.wacz')) req = req.buffer(true).parse((res, cb) => { res.on('data', () => undefined); res.on('end', () => cb(null, null)); });
      const res = await req;
      const what = `${c.method.toUpperCase()} ${c.path}`;
      expect({ what, status: res.status }).toEqual({ what, status: c.expected });
      const op = asObj(asObj(asObj(asObj(doc.paths)[c.template])[c.method]));
      const documented = deref(asObj(op.responses)[String(res.status)]);
      expect({ what, documented: Object.keys(documented).length > 0 }).toEqual({ what, documented: true });
      if (res.status === 204) continue;
      const media = String(res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      const content = asObj(documented.content);
      expect({ what, media, listed: media in content }).toEqual({ what, media, listed: true });
      if (media === 'application/json') {
        const problems = checkSchema(doc, asObj(content[media]).schema, res.body);
        expect({ what, problems }).toEqual({ what, problems: [] });
        expect(Object.keys(res.body as object).length).toBeGreaterThan(0);
      }
      if (c.template.startsWith('/api') && c.method === 'get') expect(res.headers['access-control-allow-origin']).toBe('*');
    }
    const documentedIds = Object.values(asObj(doc.paths)).flatMap((item) => Object.values(asObj(item)).map((op) => String(asObj(op).operationId)));
    expect([...operations].sort()).toEqual(documentedIds.sort());
    expect(all.length).toBeGreaterThanOrEqual(documentedIds.length + 10); // the feed and export format variants
  });

  it('documents the error object, and errors match it', async () => {
    const notFound = [`/api/articles/999999`, `/api/articles/${ids.story}/versions/99`, '/api/sources/no-such-source'];
    for (const p of notFound) {
      const res = await request(app).get(p).expect(404).expect('Content-Type', /json/);
      expect({ p, problems: checkSchema(doc, { $ref: '#/components/schemas/Error' }, res.body) }).toEqual({ p, problems: [] });
    }
    const bad = await request(app).get('/api/articles?limit=0').expect(400);
    expect(checkSchema(doc, { $ref: '#/components/schemas/Error' }, bad.body)).toEqual([]);
    const unauth = await request(app).post('/api/sources').send({}).expect(401);
    expect(checkSchema(doc, { $ref: '#/components/schemas/Error' }, unauth.body)).toEqual([]);
    // responses documented for each status are the Error object
    for (const s of ['400', '401', '403', '404', '415']) expect(asObj(asObj(asObj(doc.components).responses)[`E${s}`]).content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
  });

  it('answers CORS preflights for reads only', async () => {
    const pre = await request(app).options('/api/articles').set('Origin', 'https://elsewhere.example').set('Access-Control-Request-Method', 'GET').expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    const post = await request(app).options('/api/sources').set('Origin', 'https://elsewhere.example').set('Access-Control-Request-Method', 'POST').expect(204);
    expect(post.headers['access-control-allow-methods']).not.toContain('POST');
    const created = await request(app).post('/api/articles').set('Authorization', `Bearer ${TOKEN}`).send({ url: 'https://openapi.example/cors' }).expect(201);
    expect(created.headers['access-control-allow-origin']).toBeUndefined();
  });
});
