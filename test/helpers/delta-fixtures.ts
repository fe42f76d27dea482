/**
 * Successive captures of articles for the delta-storage tests: real article revisions from the corpus wrapped in real
 * page templates from the corpus (its own furniture changing from capture to capture), or synthetic ones without the
 * corpus; writing them through the store, and building a database in the form written before delta storage (gzip
 * bodies, plain texts) with the migrations that came before it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../../src/store/index.js';
import { loadMigrations as sqliteMigrations, migrate as sqliteMigrate } from '../../src/store/sqlite/db.js';
import { loadMigrations as pgMigrations, migrate as pgMigrate } from '../../src/store/postgres/db.js';
import { Compressor, Decompressor } from 'zstd-napi';
import { loadRevisions } from './revisions.js';

/** One capture: the page's bytes and the text extracted from it. */
export interface Capture {
  title: string;
  text: string;
  body: Buffer;
}

/** An article and its captures in order. */
export interface CapturedArticle {
  url: string;
  captures: Capture[];
}

/** sha256 hex of a body or a text. */
export function sha(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A page: the template cut in two around the article, with furniture that changes on every capture. */
function page(template: string, title: string, paragraphs: readonly string[], k: number): Buffer {
  const cut = Math.floor(template.length / 2);
  const article = `<article><h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}</article>`
    + `<aside class="most-read"><a href="/story/${k}">Most read story number ${k * 7}</a></aside><p class="updated">Updated ${k % 59} minutes ago · ${k * 13} comments</p>`;
  return Buffer.from(template.slice(0, cut).replace(/nonce="[^"]*"/g, `nonce="n${k}"`) + article + template.slice(cut), 'utf8');
}

const SYNTHETIC_TEMPLATE = `<!DOCTYPE html><html><head><title>Example news</title><link rel="stylesheet" href="/site.css"><script nonce="x">window.a=1</script></head><body>
<nav>${Array.from({ length: 60 }, (_, i) => `<a href="/section/${i}">Section ${i}</a>`).join(' ')}</nav>
<main>CUT-HERE</main><footer>${Array.from({ length: 40 }, (_, i) => `<p>Footer line ${i} with some words about the site</p>`).join('')}</footer></body></html>`;

function syntheticText(article: number, v: number): string[] {
  const paras = Array.from({ length: 6 + v }, (_, i) => `Paragraph ${i} of story ${article}: the council met on ${['Monday', 'Tuesday'][i % 2]} and ${i * 3} people spoke about the ${['budget', 'bridge', 'school'][i % 3]}.`);
  if (v % 3 === 2) paras[1] = `${paras[1]} An update: the vote was postponed (revision ${v}).`;
  return paras;
}

/**
 * Articles with `counts[i]` captures each: the capture's text moves through the article's real revisions (corpus)
 * or synthetic edits, its page furniture changes every time, and every third capture adds an "updated" line.
 */
export function capturedArticles(corpus: string | null, counts: readonly number[]): CapturedArticle[] {
  if (!corpus) {
    return counts.map((n, a) => ({
      url: `https://news.example.com/story-${a}`,
      captures: Array.from({ length: n }, (_, k) => {
        const paras = syntheticText(a, Math.floor(k / 2));
        return { title: `Story ${a}, take ${Math.floor(k / 4)}`, text: paras.join('\n\n'), body: page(SYNTHETIC_TEMPLATE, `Story ${a}`, paras, k) };
      }),
    }));
  }
  const index = JSON.parse(fs.readFileSync(path.join(corpus, 'extraction', 'index.json'), 'utf8')) as Array<{ id: string; page_bytes: number }>;
  const templates = index.filter((p) => p.page_bytes > 40_000).slice(0, 12)
    .map((p) => fs.readFileSync(path.join(corpus, 'extraction', p.id, 'page.html'), 'utf8'));
  const revisions = loadRevisions(corpus);
  return counts.map((n, a) => {
    const art = revisions[a % revisions.length]!;
    const template = templates[a % templates.length]!;
    return {
      url: `${art.url}${a >= revisions.length ? `?copy=${a}` : ''}`,
      captures: Array.from({ length: n }, (_, k) => {
        const v = art.versions[Math.min(art.versions.length - 1, Math.floor((k * art.versions.length) / n))]!;
        const paragraphs = k % 3 === 2 ? [...v.paragraphs, `Updated at ${k}:00.`] : v.paragraphs;
        return { title: v.title, text: paragraphs.join('\n\n'), body: page(template, v.title, paragraphs, k) };
      }),
    };
  });
}

/** What a written capture became: its article, response and version ids. */
export interface Written {
  articleId: number;
  responseId: number;
  versionNumber: number;
  capture: Capture;
}

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** Writes every capture through the store (bodies and texts delta-encoded by it), in capture order. */
export async function writeCaptures(store: Store, articles: readonly CapturedArticle[]): Promise<Written[]> {
  const out: Written[] = [];
  for (const [ai, a] of articles.entries()) {
    const { article } = await store.insertArticle(a.url, new Date(T0).toISOString());
    for (const [k, c] of a.captures.entries()) {
      const at = new Date(T0 + (ai * 1000 + k) * 60_000).toISOString();
      const responseId = await store.insertResponse({
        articleId: article.id, requestedUrl: a.url, url: a.url, fetchedAt: at, status: 200, statusText: 'OK', httpVersion: '1.1',
        headers: [['Content-Type', 'text/html; charset=utf-8']], requestHeaders: [], body: c.body,
      });
      const v = await store.insertVersion({
        articleId: article.id, title: c.title, byline: null, publishedAt: null, text: c.text, contentHash: `h${ai}-${k}`, capturedAt: at,
        responseId, extractorVersion: 'test', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {},
      });
      out.push({ articleId: article.id, responseId, versionNumber: v.number, capture: c });
    }
  }
  return out;
}

/** The migrations before the one named `marker` (by default delta storage: 0014_delta_storage / postgres 0011). */
function before<T extends { name: string }>(all: T[], marker = 'delta_storage'): T[] {
  const i = all.findIndex((m) => m.name.includes(marker));
  if (i < 0) throw new Error(`test: no ${marker} migration found`);
  return all.slice(0, i);
}

/**
 * A zstd chain as the first delta layout wrote it (before shared body dictionaries): every `every`-th row a
 * self-contained frame, each other row a frame with the previous row's content as its dictionary. Written here
 * with zstd-napi directly, not by the code under test.
 */
function chainFrames(contents: readonly Buffer[], every: number): Array<{ data: Buffer; depth: number; delta: boolean }> {
  const out: Array<{ data: Buffer; depth: number; delta: boolean }> = [];
  contents.forEach((c, k) => {
    const depth = k % every;
    const z = new Compressor();
    z.setParameters({ compressionLevel: depth === 0 ? 9 : 3, checksumFlag: true });
    if (depth > 0) z.loadDictionary(contents[k - 1]!);
    out.push({ data: z.compress(c), depth, delta: depth > 0 });
  });
  // The frames really decode (a fixture that wrote garbage would make the test pass for the wrong reason).
  out.forEach((f, k) => {
    const d = new Decompressor();
    if (f.delta) d.loadDictionary(contents[k - 1]!);
    if (!d.decompress(f.data).equals(contents[k]!)) throw new Error('test: chain fixture does not decode');
  });
  return out;
}

/**
 * Builds, at `target`, a database in the first delta layout (migrated up to the last migration before shared body
 * dictionaries): bodies in zstd chains of 16 with self-contained keyframes, texts in chains of 32.
 */
export async function writeChainFormat(target: string, articles: readonly CapturedArticle[]): Promise<Written[]> {
  const out: Written[] = [];
  const plan = articles.map((a, ai) => ({
    a, ai, bodies: chainFrames(a.captures.map((c) => c.body), 16), texts: chainFrames(a.captures.map((c) => Buffer.from(c.text, 'utf8')), 32),
  }));
  if (!target.startsWith('postgres')) {
    const db = new Database(target);
    db.pragma('journal_mode = WAL');
    sqliteMigrate(db, before(sqliteMigrations(), 'compact_storage'));
    db.transaction(() => {
      for (const { a, ai, bodies, texts } of plan) {
        const articleId = Number(db.prepare('INSERT INTO articles (url, first_seen, next_check, version_count) VALUES (?, ?, ?, ?)')
          .run(a.url, new Date(T0).toISOString(), new Date(T0).toISOString(), a.captures.length).lastInsertRowid);
        let prevResponse: number | null = null;
        let prevVersion: number | null = null;
        for (const [k, c] of a.captures.entries()) {
          const at = new Date(T0 + (ai * 1000 + k) * 60_000).toISOString();
          const b = bodies[k]!;
          const t = texts[k]!;
          const responseId: number = Number(db.prepare(`INSERT INTO responses (article_id, requested_url, url, fetched_at, status, headers, request_headers,
            body_gzip, body_length, body_sha256, body_codec, body_base_id, body_depth) VALUES (?, ?, ?, ?, 200, '[]', '[]', ?, ?, ?, 'zstd', ?, ?)`)
            .run(articleId, a.url, a.url, at, b.data, c.body.length, sha(c.body), b.delta ? prevResponse : null, b.depth).lastInsertRowid);
          prevVersion = Number(db.prepare(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, response_id, extractor_version,
            text_codec, text_zstd, text_base_id, text_depth, text_length) VALUES (?, ?, ?, '', ?, ?, ?, 'test', 'zstd', ?, ?, ?, ?)`)
            .run(articleId, k + 1, c.title, `h${ai}-${k}`, at, responseId, t.data, t.delta ? prevVersion : null, t.depth, [...c.text].length).lastInsertRowid);
          prevResponse = responseId;
          out.push({ articleId, responseId, versionNumber: k + 1, capture: c });
        }
      }
    })();
    db.close();
    return out;
  }
  const pool = new pg.Pool({ connectionString: target, max: 1 });
  try {
    await pgMigrate(pool, before(pgMigrations(), 'compact_storage'));
    for (const { a, ai, bodies, texts } of plan) {
      const articleId = (await pool.query<{ id: string }>('INSERT INTO articles (url, first_seen, next_check, version_count) VALUES ($1, $2, $2, $3) RETURNING id',
        [a.url, new Date(T0).toISOString(), a.captures.length])).rows[0]!.id;
      let prevResponse: string | null = null;
      let prevVersion: string | null = null;
      for (const [k, c] of a.captures.entries()) {
        const at = new Date(T0 + (ai * 1000 + k) * 60_000).toISOString();
        const b = bodies[k]!;
        const t = texts[k]!;
        const responseId: string = (await pool.query<{ id: string }>(`INSERT INTO responses (article_id, requested_url, url, fetched_at, status, headers,
          request_headers, body_gzip, body_length, body_sha256, body_codec, body_base_id, body_depth)
          VALUES ($1, $2, $2, $3, 200, '[]', '[]', $4, $5, $6, 'zstd', $7, $8) RETURNING id`,
        [articleId, a.url, at, b.data, c.body.length, sha(c.body), b.delta ? prevResponse : null, b.depth])).rows[0]!.id;
        prevVersion = (await pool.query<{ id: string }>(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, response_id,
          extractor_version, text_codec, text_zstd, text_base_id, text_depth, text_length)
          VALUES ($1, $2, $3, '', $4, $5, $6, 'test', 'zstd', $7, $8, $9, $10) RETURNING id`,
        [articleId, k + 1, c.title, `h${ai}-${k}`, at, responseId, t.data, t.delta ? prevVersion : null, t.depth, [...c.text].length])).rows[0]!.id;
        prevResponse = responseId;
        out.push({ articleId: Number(articleId), responseId: Number(responseId), versionNumber: k + 1, capture: c });
      }
    }
  } finally {
    await pool.end();
  }
  return out;
}

/**
 * Builds, at `target` (a SQLite file or a PostgreSQL URL), a database migrated only up to the last migration before
 * delta storage, and writes the captures in the form of that time: gzip bodies and plain texts, by plain SQL.
 */
export async function writeOldFormat(target: string, articles: readonly CapturedArticle[]): Promise<Written[]> {
  const out: Written[] = [];
  const rowsOf = (): Array<{ a: CapturedArticle; ai: number }> => articles.map((a, ai) => ({ a, ai }));
  if (!target.startsWith('postgres')) {
    const db = new Database(target);
    db.pragma('journal_mode = WAL');
    sqliteMigrate(db, before(sqliteMigrations()));
    db.transaction(() => {
      for (const { a, ai } of rowsOf()) {
        const articleId = Number(db.prepare('INSERT INTO articles (url, first_seen, next_check, version_count) VALUES (?, ?, ?, ?)')
          .run(a.url, new Date(T0).toISOString(), new Date(T0).toISOString(), a.captures.length).lastInsertRowid);
        for (const [k, c] of a.captures.entries()) {
          const at = new Date(T0 + (ai * 1000 + k) * 60_000).toISOString();
          const responseId = Number(db.prepare(`INSERT INTO responses (article_id, requested_url, url, fetched_at, status, headers, request_headers,
            body_gzip, body_length, body_sha256) VALUES (?, ?, ?, ?, 200, '[]', '[]', ?, ?, ?)`)
            .run(articleId, a.url, a.url, at, gzipSync(c.body), c.body.length, sha(c.body)).lastInsertRowid);
          db.prepare(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, response_id, extractor_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'test')`).run(articleId, k + 1, c.title, c.text, `h${ai}-${k}`, at, responseId);
          out.push({ articleId, responseId, versionNumber: k + 1, capture: c });
        }
      }
    })();
    db.close();
    return out;
  }
  const pool = new pg.Pool({ connectionString: target, max: 1 });
  try {
    await pgMigrate(pool, before(pgMigrations()));
    for (const { a, ai } of rowsOf()) {
      const articleId = (await pool.query<{ id: string }>('INSERT INTO articles (url, first_seen, next_check, version_count) VALUES ($1, $2, $2, $3) RETURNING id',
        [a.url, new Date(T0).toISOString(), a.captures.length])).rows[0]!.id;
      for (const [k, c] of a.captures.entries()) {
        const at = new Date(T0 + (ai * 1000 + k) * 60_000).toISOString();
        const responseId = (await pool.query<{ id: string }>(`INSERT INTO responses (article_id, requested_url, url, fetched_at, status, headers,
          request_headers, body_gzip, body_length, body_sha256) VALUES ($1, $2, $2, $3, 200, '[]', '[]', $4, $5, $6) RETURNING id`,
        [articleId, a.url, at, gzipSync(c.body), c.body.length, sha(c.body)])).rows[0]!.id;
        await pool.query(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, response_id, extractor_version)
          VALUES ($1, $2, $3, $4, $5, $6, $7, 'test')`, [articleId, k + 1, c.title, c.text, `h${ai}-${k}`, at, responseId]);
        out.push({ articleId: Number(articleId), responseId: Number(responseId), versionNumber: k + 1, capture: c });
      }
    }
  } finally {
    await pool.end();
  }
  return out;
}

/** Every written body and text read back through the store; the mismatches, as readable lines (empty: all equal). */
export async function mismatches(store: Store, written: readonly Written[]): Promise<string[]> {
  const bad: string[] = [];
  for (const w of written) {
    const r = await store.getResponse(w.responseId);
    if (!r || sha(r.body) !== sha(w.capture.body)) bad.push(`body of response ${w.responseId}`);
    const v = await store.getVersion(w.articleId, w.versionNumber);
    if (!v || sha(v.text) !== sha(w.capture.text)) bad.push(`text of article ${w.articleId} version ${w.versionNumber}`);
  }
  for (const articleId of new Set(written.map((w) => w.articleId))) {
    const mine = written.filter((w) => w.articleId === articleId);
    const listed = await store.listVersions(articleId);
    const page = await store.listVersionsPage(articleId, 0, 1000);
    for (const w of mine) {
      if (listed.find((v) => v.number === w.versionNumber)?.text !== w.capture.text) bad.push(`listVersions text ${articleId}/${w.versionNumber}`);
      if (page.find((v) => v.number === w.versionNumber)?.text !== w.capture.text) bad.push(`listVersionsPage text ${articleId}/${w.versionNumber}`);
      const row = await store.getResponseRow(w.responseId);
      if (!row || !row.body.equals(w.capture.body)) bad.push(`getResponseRow body ${w.responseId}`);
    }
  }
  return bad;
}
