/**
 * A database made before the compact search index (SQLite migration 0013, PostgreSQL 0010) gets it when it is opened:
 * the migration replaces the old index, the store then writes each version's row from the texts, and the search
 * finds words at the versions that brought them. On the test's backend.
 */
import { describe, it, expect } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, parseSearch } from '../src/store/index.js';
import { loadMigrations as sqliteMigrations, migrate as sqliteMigrate } from '../src/store/sqlite/db.js';
import { loadMigrations as pgMigrations, migrate as pgMigrate } from '../src/store/postgres/db.js';
import { testBackend, tmpTarget } from './helpers/tmp.js';

const ARTICLE = "INSERT INTO articles (url, first_seen, next_check, version_count) VALUES ('https://old.example/a', '2024-05-01T08:00:00.000Z', '2024-05-01T08:00:00.000Z', 3)";
const TEXTS = [
  ['Old headline', 'First paragraph about herons.'],
  ['Old headline', 'First paragraph about herons.\n\nA second paragraph about egrets.'],
  ['New headline about cormorants', 'A second paragraph about egrets.'],
] as const;

/** The versions of the old article, as SQL rows (number, title, text, captured_at). */
const versionValues = (): Array<[number, string, string, string]> =>
  TEXTS.map(([title, text], i) => [i + 1, title, text, `2024-05-01T0${8 + i}:00:00.000Z`]);

/** Writes a database at the schema before the compact index, with one article of three versions. */
async function oldDatabase(target: string): Promise<void> {
  if (testBackend() === 'sqlite') {
    const all = sqliteMigrations();
    const db = new Database(target);
    sqliteMigrate(db, all.slice(0, all.findIndex((m) => m.name === '0013_search_passages.sql')));
    const id = Number(db.prepare(ARTICLE).run().lastInsertRowid);
    const insert = db.prepare(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, extractor_version)
      VALUES (?, ?, ?, ?, ?, ?, 'old')`);
    for (const [n, title, text, capturedAt] of versionValues()) insert.run(id, n, title, text, `h${n}`, capturedAt);
    db.close();
    return;
  }
  const pool = new pg.Pool({ connectionString: target });
  try {
    const all = pgMigrations();
    await pgMigrate(pool, all.slice(0, all.findIndex((m) => m.name === '0010_search_passages.sql')));
    const { rows: [a] } = await pool.query<{ id: string }>(`${ARTICLE} RETURNING id`);
    for (const [n, title, text, capturedAt] of versionValues()) {
      await pool.query(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, extractor_version)
        VALUES ($1, $2, $3, $4, $5, $6, 'old')`, [a!.id, n, title, text, `h${n}`, capturedAt]);
    }
  } finally {
    await pool.end();
  }
}

describe('opening a database made before the compact search index', () => {
  it('builds the index from the texts, each word at the version that brought it', async () => {
    const t = await tmpTarget();
    try {
      await oldDatabase(t.target);
      const store = await openStore(t.target);
      try {
        const found = async (q: string): Promise<Array<[number, boolean]>> =>
          (await store.searchVersions({ terms: parseSearch(q)!, limit: 10 })).map((h) => [h.versionNumber, h.stillPresent]);
        expect(await found('herons')).toEqual([[1, false]]);
        expect(await found('egrets')).toEqual([[2, true]]);
        expect(await found('cormorants')).toEqual([[3, true]]);
        expect(await found('headline')).toEqual([[3, true]]);
        expect(await store.searchIndexSize()).toEqual({ rows: 3, words: expect.any(Number) });
        await store.checkSearchIndex();
        expect(await store.checkConsistency()).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await t.cleanup();
    }
  });
});
