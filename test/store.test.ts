import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  getArticle, getLatestVersion, getResponse, insertArticle, insertResponse, insertVersion, listDueArticles, listVersionSummaries,
  loadMigrations, migrate, openDb, recordError, schemaVersion,
} from '../src/store/index.js';
import { tmpDb, tmpDir } from './helpers/tmp.js';

const cleanups: Array<() => void> = [];
afterEach(() => { while (cleanups.length) cleanups.pop()!(); });

function fresh() {
  const t = tmpDb();
  cleanups.push(t.cleanup);
  return t;
}

describe('migrations', () => {
  it('applies every migration once, records the version, and uses WAL', () => {
    const { db } = fresh();
    const n = loadMigrations().length;
    expect(schemaVersion(db)).toBe(n);
    expect(db.prepare('SELECT count(*) AS c FROM schema_migrations').get()).toEqual({ c: n });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(migrate(db)).toEqual([]);
  });

  it('rolls back a failing migration and leaves the schema version unchanged', () => {
    const dir = tmpDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const db = new Database(path.join(dir, 'x.db'));
    const migrations = [
      { version: 1, name: '0001_ok.sql', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: '0002_bad.sql', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => migrate(db, migrations)).toThrow(/nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database newer than the code', () => {
    const { db } = fresh();
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(/newer than this Palimpsest/);
  });
});

describe('articles and versions', () => {
  it('inserts an article once and numbers versions', () => {
    const { db } = fresh();
    const now = new Date().toISOString();
    const a = insertArticle(db, 'https://example.org/a', now);
    expect(a.created).toBe(true);
    expect(insertArticle(db, 'https://example.org/a', now).created).toBe(false);
    expect(listDueArticles(db, now, 10).map((x) => x.id)).toEqual([a.article.id]);
    const base = { articleId: a.article.id, byline: null, publishedAt: null, capturedAt: now, responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {} };
    insertVersion(db, { ...base, title: 'T1', text: 'one', contentHash: 'h1' });
    const v2 = insertVersion(db, { ...base, title: 'T2', text: 'two', contentHash: 'h2' });
    expect(v2.number).toBe(2);
    expect(getLatestVersion(db, a.article.id)?.text).toBe('two');
    expect(listVersionSummaries(db, a.article.id).map((v) => v.number)).toEqual([1, 2]);
  });

  it('stores a response body compressed and returns it byte for byte', () => {
    const { db } = fresh();
    const a = insertArticle(db, 'https://example.org/b', new Date().toISOString()).article;
    const body = Buffer.from('<html>é'.repeat(1000));
    const id = insertResponse(db, { articleId: a.id, requestedUrl: a.url, url: a.url, fetchedAt: 'now', status: 200, statusText: 'OK', httpVersion: '1.1', headers: [['Content-Type', 'text/html']], requestHeaders: [['User-Agent', 'x']], body });
    const r = getResponse(db, id)!;
    expect(r.body.equals(body)).toBe(true);
    expect(r.headers).toEqual([['Content-Type', 'text/html']]);
    expect(r.bodyLength).toBe(body.length);
  });

  it('records errors on the article row', () => {
    const { db } = fresh();
    const a = insertArticle(db, 'https://example.org/c', '2026-01-01T00:00:00.000Z').article;
    recordError(db, a.id, '2026-01-01T00:01:00.000Z', 'fetcher: timeout', '2026-01-01T00:10:00.000Z', 'active');
    recordError(db, a.id, '2026-01-01T00:10:00.000Z', 'HTTP 500', '2026-01-01T00:30:00.000Z', 'paused');
    const b = getArticle(db, a.id)!;
    expect([b.errorCount, b.totalErrors, b.lastError, b.status]).toEqual([2, 2, 'HTTP 500', 'paused']);
  });

  it('keeps committed data when a process dies mid-transaction', () => {
    const { db, file } = fresh();
    const a = insertArticle(db, 'https://example.org/d', 'now').article;
    const other = new Database(file);
    other.exec('BEGIN');
    other.prepare("UPDATE articles SET title = 'half-written' WHERE id = ?").run(a.id);
    other.close(); // closing without COMMIT discards the transaction, as a crash would
    expect(getArticle(db, a.id)?.title).toBeNull();
    db.close();
    const reopened = openDb(file);
    expect(getArticle(reopened, a.id)?.url).toBe('https://example.org/d');
    reopened.close();
  });
});
