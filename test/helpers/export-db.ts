/**
 * Databases for the export and import tests, filled through the store functions: articles from the corpus
 * revisions (or a small synthetic set when the corpus is not needed), one captured HTML response per version with
 * realistic headers (gzip and chunked on the wire, two Set-Cookie), change statistics, checks, and the awkward
 * cases an archive must survive: a re-extraction from an identical body (a WARC revisit), a response no version
 * uses, a version without a response, text with commas, quotes and newlines, an article without a source.
 *
 * Also: a snapshot of everything a store holds, read through store methods only (so "unchanged" can be checked on
 * either backend), and stores on a named backend for the tests that move an archive between SQLite and PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { contentHash, versionText } from '../../src/versioner/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { tmpDir } from './tmp.js';
import { renderNewsPage, type OriginVersion } from './news-origin.js';
import type { RevisionArticle } from './revisions.js';

/** A small synthetic set of articles (used where the real corpus is not the point). */
export const SYNTHETIC: RevisionArticle[] = [
  {
    id: 'budget', url: 'https://news.example.com/2025/03/council-budget?ref=home',
    versions: [
      { title: 'Council approves budget', byline: 'Ana Ruiz', paragraphs: ['The council approved the budget on Tuesday.', 'Café owners welcomed it, “finally”.'] },
      { title: 'Council approves budget, after all-night debate', byline: 'Ana Ruiz', paragraphs: ['The council approved the budget on Tuesday, after a debate that ran past midnight.', 'Café owners welcomed it, “finally”.', 'The mayor said: "We did it, together."'] },
      { title: 'Council approves 2025 budget', byline: 'Ana Ruiz and Li Wei', paragraphs: ['The council approved the 2025 budget on Tuesday, after a debate that ran past midnight.', 'Café owners, bakers, and grocers welcomed it.', 'The mayor said: "We did it, together."\nApplause followed.'] },
    ],
  },
  {
    id: 'storm', url: 'https://www.example.org/weather/storm-warning',
    versions: [
      { title: 'Storm warning issued', byline: 'Weather desk', paragraphs: ['A storm warning was issued for the coast.'] },
      { title: 'Storm warning extended', byline: 'Weather desk', paragraphs: ['A storm warning was issued for the coast.', 'It was extended to Sunday; ferries are cancelled.'] },
    ],
  },
  {
    id: 'quiet', url: 'https://news.example.com/quiet-story',
    versions: [{ title: 'A story that never changed', byline: 'Staff', paragraphs: ['Nothing happened here, twice.'] }],
  },
];

const HOUR = 3600_000;
const T0 = Date.parse('2024-05-01T08:00:00.000Z');

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Plausible DiffStats between two versions (a word-multiset difference; the real differ is not under test here). */
function stats(prev: OriginVersion, next: OriginVersion): Record<string, unknown> {
  const before = words(prev.paragraphs.join(' '));
  const after = words(next.paragraphs.join(' '));
  const count = (xs: string[]): Map<string, number> => xs.reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());
  const a = count(before);
  const b = count(after);
  let added = 0;
  let removed = 0;
  for (const [w, n] of b) added += Math.max(0, n - (a.get(w) ?? 0));
  for (const [w, n] of a) removed += Math.max(0, n - (b.get(w) ?? 0));
  const prevSet = new Set(prev.paragraphs);
  const nextSet = new Set(next.paragraphs);
  return {
    wordsAdded: added, wordsRemoved: removed,
    paragraphsAdded: next.paragraphs.filter((p) => !prevSet.has(p)).length,
    paragraphsRemoved: prev.paragraphs.filter((p) => !nextSet.has(p)).length,
    paragraphsChanged: 0, paragraphsMoved: 0, sentencesAdded: added > 0 ? 1 : 0, sentencesDeleted: removed > 0 ? 1 : 0,
    sentencesEdited: 0, sentencesMoved: 0, changedShare: before.length ? Math.min(1, (added + removed) / before.length) : 0,
    titleChanged: prev.title !== next.title,
  };
}

function responseHeaders(body: Buffer, n: number): Array<[string, string]> {
  return [
    ['Date', new Date(T0 + n * HOUR).toUTCString()], ['Content-Type', 'text/html; charset=utf-8'], ['Content-Encoding', 'gzip'],
    ['Transfer-Encoding', 'chunked'], ['Vary', 'Accept-Encoding'], ['ETag', `"v${n}"`], ['Set-Cookie', `session=${n}; Path=/`],
    ['Set-Cookie', 'consent=no; Path=/'], ['Cache-Control', 'max-age=60'], ['X-Body-Bytes', String(body.length)],
  ];
}

const REQUEST_HEADERS: Array<[string, string]> = [
  ['User-Agent', 'Palimpsest/0.1.0 (+https://github.com/palimpsest-news/palimpsest)'], ['Accept', 'text/html,application/xhtml+xml'],
  ['Accept-Encoding', 'gzip, deflate, br'],
];

/** What buildExportDb inserted. */
export interface BuiltDb {
  articles: number;
  versions: number;
  responses: number;
}

/**
 * Fills `store` (in one transaction) with `articles`; every other article goes to source "nyt", the last one to no
 * source.
 */
export async function buildExportDb(store: Store, articles: RevisionArticle[]): Promise<BuiltDb> {
  let n = 0;
  let versions = 0;
  let responses = 0;
  await store.transaction(async (tx) => {
    const nyt = await tx.insertSourceRow({
      slug: 'nyt', name: 'The New York Times', kind: 'feed', config: JSON.stringify({ url: 'https://rss.example.com/nyt.xml', interval: 600 }),
      created_at: new Date(T0 - HOUR).toISOString(), last_polled: new Date(T0).toISOString(), next_poll: null, poll_count: 3, error_count: 0, last_error: null,
    });
    const manual = await tx.insertSourceRow({
      slug: 'manual', name: 'Added by hand', kind: 'manual', config: '{}', created_at: new Date(T0 - HOUR).toISOString(),
      last_polled: null, next_poll: null, poll_count: 0, error_count: 0, last_error: null,
    });
    for (const [ai, art] of articles.entries()) {
      const sourceId = ai === articles.length - 1 ? null : ai % 2 === 0 ? nyt : manual;
      const { article } = await tx.insertArticle(art.url, new Date(T0 + ai * HOUR).toISOString(), sourceId);
      let prev: OriginVersion | null = null;
      let lastBody: Buffer | null = null;
      for (const [vi, v] of art.versions.entries()) {
        n++;
        const at = new Date(T0 + ai * HOUR + vi * 3 * HOUR + 60_000).toISOString();
        const body = Buffer.from(renderNewsPage(v, art.url, n), 'utf8');
        const responseId = await tx.insertResponse({
          articleId: article.id, requestedUrl: art.url, url: art.url, fetchedAt: at, status: 200, statusText: 'OK', httpVersion: '1.1',
          headers: responseHeaders(body, n), requestHeaders: REQUEST_HEADERS, body,
        });
        responses++;
        const s = prev ? stats(prev, v) : null;
        const text = versionText(v.paragraphs);
        await tx.insertVersion({
          articleId: article.id, title: v.title, byline: v.byline || null, publishedAt: new Date(T0 + ai * HOUR).toISOString(), text,
          contentHash: contentHash(v), capturedAt: at, responseId, extractorVersion: 'palimpsest-extractor/1',
          wordsAdded: (s?.wordsAdded as number | undefined) ?? 0, wordsRemoved: (s?.wordsRemoved as number | undefined) ?? 0, stats: s,
          metadata: { lang: 'en', siteName: 'The Loopback Times', canonicalUrl: art.url, finalUrl: art.url },
        });
        versions++;
        await tx.insertCheck(article.id, at, 'new_version', 200, null, 120 + vi);
        await tx.insertCheck(article.id, new Date(Date.parse(at) + HOUR).toISOString(), 'unchanged', 200, null, 80);
        await tx.recordChanged(article.id, at, v.title, new Date(Date.parse(at) + 2 * HOUR).toISOString(), 7200,
          { etag: `"v${n}"`, lastModified: null, bodySha256: null });
        prev = v;
        lastBody = body;
      }
      if (ai === 0 && lastBody && prev) {
        // Re-extraction of the last capture by a newer extractor: a new version from an identical body (WARC revisit).
        const at = new Date(T0 + 100 * HOUR).toISOString();
        const responseId = await tx.insertResponse({
          articleId: article.id, requestedUrl: art.url, url: art.url, fetchedAt: at, status: 200, statusText: 'OK', httpVersion: '1.1',
          headers: responseHeaders(lastBody, 999), requestHeaders: REQUEST_HEADERS, body: lastBody,
        });
        await tx.insertVersion({
          articleId: article.id, title: prev.title, byline: null, publishedAt: null, text: `${versionText(prev.paragraphs)}\n\nCorrection: an earlier version misspelled a name.`,
          contentHash: `${contentHash(prev)}-x2`, capturedAt: at, responseId, extractorVersion: 'palimpsest-extractor/2', wordsAdded: 8, wordsRemoved: 0,
          stats: { ...stats(prev, prev), wordsAdded: 8, changedShare: 0.05 }, metadata: {},
        });
        // A response kept without a version (e.g. a capture whose extraction failed) and a version without a response.
        await tx.insertResponse({
          articleId: article.id, requestedUrl: `${art.url}&amp=1`, url: art.url, fetchedAt: new Date(T0 + 101 * HOUR).toISOString(), status: 200,
          statusText: 'OK', httpVersion: '2', headers: [['content-type', 'text/html']], requestHeaders: [], body: Buffer.from('<html><body>AMP</body></html>'),
        });
        await tx.insertVersion({
          articleId: article.id, title: prev.title, byline: null, publishedAt: null, text: 'Imported from an older archive, without its page.',
          contentHash: 'manual-1', capturedAt: new Date(T0 + 102 * HOUR).toISOString(), responseId: null, extractorVersion: 'manual',
          wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: { note: 'no response, "quoted", with, commas' },
        });
        versions += 2;
        responses += 2;
        await tx.insertCheck(article.id, new Date(T0 + 103 * HOUR).toISOString(), 'error', null, 'fetch: connection reset', null);
      }
    }
  });
  return { articles: articles.length, versions, responses };
}

/**
 * Everything the store holds that an export or import touches (sources, articles with their tracking state,
 * versions, responses with their stored bodies, checks), in id order, as one string: "unchanged" means this string
 * is equal. Read through store methods only, so it works on either backend.
 */
export async function snapshot(store: Store): Promise<string> {
  const parts: unknown[] = [await store.listSourcesForExport({})];
  for (let after = 0; ;) {
    const page = await store.listArticlesPage({}, after, 100);
    for (const a of page) {
      const responses = [];
      for (const id of await store.listResponseIds(a.id)) {
        const r = await store.getResponseRow(id);
        responses.push(r && { ...r, body_gzip: Buffer.from(r.body_gzip).toString('base64') });
      }
      parts.push(a, await store.listVersionsPage(a.id, 0, 1_000_000), responses, await store.listChecksPage(a.id, 0, 1_000_000));
    }
    if (page.length < 100) break;
    after = page[page.length - 1]!.id;
  }
  return parts.map((p) => JSON.stringify(p)).join('\n');
}

/** A fresh store on a named backend (whatever the test project's backend), and its removal. */
export interface BackendStore {
  store: Store;
  cleanup: () => Promise<void>;
}

/** A fresh SQLite store in a temporary folder. */
export async function freshSqliteStore(): Promise<BackendStore> {
  const dir = tmpDir();
  const store = await openStore(path.join(dir, 'test.db'));
  return {
    store,
    cleanup: async () => {
      await store.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let pgSerial = 0;

/**
 * A fresh PostgreSQL store: a new database `t_<unique>` on the cluster at `base` (PALIMPSEST_TEST_PG), dropped with
 * FORCE by `cleanup`.
 */
export async function freshPostgresStore(base: string): Promise<BackendStore> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_x${++pgSerial}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  let store: Store;
  try {
    store = await openStore(url.toString());
  } catch (err) {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw err;
  }
  return {
    store,
    cleanup: async () => {
      await store.close().catch(() => undefined);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
