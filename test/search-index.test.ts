/**
 * The compact search index (issue 14.2): each version is indexed by what it brought (its headline when changed, the
 * paragraphs its predecessor did not have), so a word is found at the version where it entered; hits say whether
 * the latest version still has it; re-extraction, deletion and import keep the index in step; and an article of
 * many near-identical versions costs little more than one version. On the test's backend.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import { parseSearch, sha256Hex, type SearchHit, type Store } from '../src/store/index.js';
import { addedPassages, countIndexedWords } from '../src/store/search-passages.js';
import { NOW, addVersions, at, testConfig } from './helpers/web-seed.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';

let t: TmpStore;
let store: Store;
let app: express.Express;

beforeAll(async () => {
  t = await tmpStore();
  store = t.store;
  app = createApp({ store, config: testConfig(), now: () => NOW });
});
afterAll(() => t.cleanup());

let serial = 0;
/** A new article with these versions (title, text), captured ten minutes apart; its id. */
async function article(versions: Array<[string, string]>): Promise<number> {
  const { article: a } = await store.insertArticle(`https://index.example/${++serial}`, at(0));
  await addVersions(store, a.id, versions.map(([title, text], i) => ({ minutes: i * 10, title, text })));
  return a.id;
}

/** The hits of what a user typed. */
async function hits(q: string): Promise<SearchHit[]> {
  const terms = parseSearch(q);
  if (terms === null) throw new Error(`no terms in ${q}`);
  return store.searchVersions({ terms, limit: 50 });
}

const hitOf = async (q: string, articleId: number): Promise<SearchHit | undefined> => (await hits(q)).find((h) => h.articleId === articleId);

describe('what each version brings to the index', () => {
  it('is the first version whole, then only new paragraphs and a changed headline', () => {
    const v1 = { title: 'Storm hits coast', text: 'Winds rose overnight.\n\nFerries were cancelled.' };
    expect(addedPassages(null, v1)).toEqual({ title: 'Storm hits coast', text: 'Winds rose overnight.\n\nFerries were cancelled.' });
    const v2 = { title: 'Storm hits coast', text: 'Winds  rose OVERNIGHT.\n\nFerries were cancelled.\n\nTrains stopped too.' };
    expect(addedPassages(v1, v2)).toEqual({ title: '', text: 'Trains stopped too.' });
    const v3 = { title: 'Storm batters coast', text: 'Ferries were cancelled.\n\nTrains stopped too.' };
    expect(addedPassages(v2, v3)).toEqual({ title: 'Storm batters coast', text: '' });
    expect(addedPassages(v3, { title: v3.title, text: 'Trains stopped too.' })).toBeNull();
  });
});

describe('searching the compact index', () => {
  it('finds a word added in version 2 at version 2, still present', async () => {
    const id = await article([
      ['Council meets', 'The council met on Monday.\n\nNo decision was taken.'],
      ['Council meets', 'The council met on Monday.\n\nNo decision was taken.\n\nA quorum of marmosets attended.'],
      ['Council meets', 'The council met on Monday.\n\nA quorum of marmosets attended.'],
    ]);
    const h = await hitOf('marmosets', id);
    expect(h).toMatchObject({ versionNumber: 2, matchingVersions: 1, firstMatchingVersion: 2, lastMatchingVersion: 2, latestVersion: 3, stillPresent: true });
    expect(h!.snippet.highlights.map(([s, e]) => h!.snippet.text.slice(s, e))).toEqual(['marmosets']);
    // Version 1's words are found at version 1, and the version that brought nothing new has no row of its own.
    expect(await hitOf('council', id)).toMatchObject({ versionNumber: 1, matchingVersions: 1 });
  });

  it('finds a word removed later at the version that brought it, marked as no longer present', async () => {
    const id = await article([
      ['Bridge closes', 'The bridge closed after a crack appeared.\n\nEngineers blamed the wombats.'],
      ['Bridge closes', 'The bridge closed after a crack appeared.\n\nEngineers inspected it.'],
      ['Bridge reopens', 'The bridge reopened.\n\nEngineers inspected it.'],
    ]);
    expect(await hitOf('wombats', id)).toMatchObject({ versionNumber: 1, latestVersion: 3, stillPresent: false });
    const page = await request(app).get('/search?q=wombats').expect(200);
    const li = page.text.slice(page.text.indexOf(`href="/articles/${id}"`));
    expect(li.slice(0, li.indexOf('</li>'))).toContain(`removed in <a href="/articles/${id}/diff/1/2">version 2</a>`);
    const api = await request(app).get('/api/search?q=wombats').expect(200);
    expect(api.body.results.find((r: { article_id: number }) => r.article_id === id)).toMatchObject({ version: 1, still_present: false, latest_version: 3 });
  });

  it('matches a phrase within one paragraph, not across the versions that brought its words', async () => {
    const id = await article([
      ['Harbour news', 'The quick tugboat left early.'],
      ['Harbour news', 'The quick tugboat left early.\n\nBrown pelicans followed it.'],
    ]);
    expect(await hitOf('"quick tugboat"', id)).toMatchObject({ versionNumber: 1 });
    expect(await hitOf('"brown pelicans"', id)).toMatchObject({ versionNumber: 2 });
    expect(await hitOf('"tugboat brown"', id)).toBeUndefined();
    expect(await hitOf('"tugboat left"', id)).toMatchObject({ versionNumber: 1 });
    // The words of a phrase in one paragraph, but not in its order.
    expect(await hitOf('"left tugboat"', id)).toBeUndefined();
    const listed = async (q: string): Promise<number[]> => (await request(app).get('/api/articles').query({ q, limit: 100 }).expect(200)).body.articles.map((a: { id: number }) => a.id);
    expect(await listed('"tugboat left"')).toContain(id);
    expect(await listed('"left tugboat"')).not.toContain(id);
  });

  it('ignores case and diacritics, both ways', async () => {
    const id = await article([['Résumé of the Zürich talks', 'Delegates met in Zürich.\n\nThe café closed at noon.']]);
    for (const q of ['resume', 'RÉSUMÉ', 'zurich', 'Zürich', 'cafe', 'café']) expect({ q, found: (await hitOf(q, id))?.versionNumber }).toEqual({ q, found: 1 });
    const h = await hitOf('zurich', id);
    expect(h!.title.highlights.map(([s, e]) => h!.title.text.slice(s, e))).toEqual(['Zürich']);
  });

  it('follows re-extraction (updates), deletions and their successors', async () => {
    const id = await article([
      ['Flood', 'Rain fell.\n\nRivers rose.'],
      ['Flood', 'Rain fell.\n\nRivers rose.\n\nLevees held.'],
    ]);
    expect(await hitOf('levees', id)).toMatchObject({ versionNumber: 2 });
    const v1 = (await store.getVersion(id, 1))!;
    const text = 'Rain fell.\n\nLevees held.';
    await store.updateVersionContent(v1.id, {
      title: 'Flood', byline: null, publishedAt: null, text, contentHash: sha256Hex(text), extractorVersion: 'test-2',
      wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: 'initial', minorReason: null,
    });
    // Version 1 now has the levees, so version 2 brings the rivers instead.
    expect(await hitOf('levees', id)).toMatchObject({ versionNumber: 1 });
    expect(await hitOf('rivers', id)).toMatchObject({ versionNumber: 2 });
    await store.checkSearchIndex();
    await store.deleteVersion(v1.id);
    expect(await hitOf('levees', id)).toMatchObject({ versionNumber: 2 });
    await store.checkSearchIndex();
  });

  it('pages by cursor without showing an article twice', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await article([['Quokka watch', `Sighting ${i}.`], ['Quokka watch', `Sighting ${i}.\n\nAnother quokka.`]]));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(app).get('/api/search').query({ q: 'quokka', limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...(res.body.results as Array<{ article_id: number; version: number }>).map((r) => r.article_id));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });
});

/** Runs SQL on the test's database behind the store's back. */
async function behindTheBack(sqlite: string, postgres: string, params: unknown[]): Promise<void> {
  if (testBackend() === 'sqlite') {
    const db = new Database(t.target);
    try {
      db.prepare(sqlite).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: t.target });
  await c.connect();
  try {
    await c.query(postgres, params);
  } finally {
    await c.end();
  }
}

describe('checking and rebuilding the index', () => {
  it('finds a missing or a stale row, and a rebuild mends it', async () => {
    const id = await article([['Audit', 'The auditors found gaps.'], ['Audit', 'The auditors found gaps.\n\nThe board replied.']]);
    const v2 = (await store.getVersion(id, 2))!;
    await store.checkSearchIndex();
    await behindTheBack('DELETE FROM search_index WHERE rowid = ?', 'DELETE FROM search_index WHERE version_id = $1', [v2.id]);
    await expect(store.checkSearchIndex()).rejects.toThrow(new RegExp(`search index .*${v2.id}`));
    expect(await hitOf('board', id)).toBeUndefined();
    await store.rebuildSearchIndex();
    await store.checkSearchIndex();
    expect(await hitOf('board', id)).toMatchObject({ versionNumber: 2 });
    await behindTheBack('DELETE FROM search_index WHERE rowid = ?', 'DELETE FROM search_index WHERE version_id = $1', [v2.id]);
    await behindTheBack('INSERT INTO search_index (rowid, title, text) VALUES (?, ?, ?)',
      "INSERT INTO search_index (version_id, vector) VALUES ($1, to_tsvector('simple', $2 || ' ' || $3))", [v2.id, '', 'The board replied at length.']);
    await expect(store.checkSearchIndex()).rejects.toThrow(new RegExp(`search index .*${v2.id}`));
    await store.rebuildSearchIndex();
    await store.checkSearchIndex();
  });
});

describe('the size of the index', () => {
  it('indexes twenty near-identical versions for little more than one', async () => {
    const paragraphs = Array.from({ length: 20 }, (_, i) => `Paragraph ${i} of the long report says that the committee weighed option ${i} carefully before the vote.`);
    const before = await store.searchIndexSize();
    const versions: Array<[string, string]> = [];
    for (let v = 0; v < 20; v++) {
      // Each version edits one more paragraph (the earlier edits stay).
      const text = paragraphs.map((p, i) => (i < v ? `${p} Updated at revision ${i + 1}.` : p)).join('\n\n');
      versions.push(['Committee report', text]);
    }
    await article(versions);
    const after = await store.searchIndexSize();
    const oneVersion = countIndexedWords(addedPassages(null, { title: versions[0]![0], text: versions[0]![1] }));
    const rows = after.rows - before.rows;
    const words = after.words - before.words;
    expect(rows).toBe(20);
    // Version 1 whole, then one edited paragraph per version: under 3x one version, where whole texts took 20x.
    expect(words).toBeGreaterThan(oneVersion);
    expect(words).toBeLessThan(3 * oneVersion);
  });
});
