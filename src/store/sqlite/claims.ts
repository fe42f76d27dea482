/**
 * Claiming due work on SQLite. A claim runs in the caller's IMMEDIATE transaction, which already excludes every
 * other writer of the file, so a plain SELECT then UPDATE cannot hand one article to two workers. Lease times use
 * the real clock (not the scheduler's `now`, which tests move): they measure how long a worker may be silent.
 */
import { stmt, type Db } from './db.js';
import { toArticle, toSource, type ArticleRecord, type SourceRecord } from '../rows.js';
import type { Article, Source } from '../types.js';
import type { ClaimRequest, SingletonLock } from '../store.js';

function leaseUntil(leaseS: number): string {
  return new Date(Date.now() + leaseS * 1000).toISOString();
}

/** Leases up to `limit` due, unleased articles to `owner` (call inside a write transaction). */
export function claimDueArticles(db: Db, c: ClaimRequest): Article[] {
  const rows = stmt(db, `SELECT * FROM articles WHERE status IN ('active', 'blocked') AND next_check <= ?
    AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_check, id LIMIT ?`).all(c.now, new Date().toISOString(), c.limit) as ArticleRecord[];
  const until = leaseUntil(c.leaseS);
  const lease = stmt(db, 'UPDATE articles SET lease_owner = ?, lease_until = ? WHERE id = ?');
  for (const r of rows) lease.run(c.owner, until, r.id);
  return rows.map(toArticle);
}

/** Extends `owner`'s leases on these articles. */
export function renewArticleLeases(db: Db, owner: string, ids: readonly number[], leaseS: number): void {
  stmt(db, 'UPDATE articles SET lease_until = ? WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?))')
    .run(leaseUntil(leaseS), owner, JSON.stringify(ids));
}

/** Frees `owner`'s lease on an article. */
export function releaseArticleLease(db: Db, owner: string, id: number): void {
  stmt(db, 'UPDATE articles SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?').run(id, owner);
}

/** Leases up to `limit` due, unleased sources to `owner` (call inside a write transaction). */
export function claimDueSources(db: Db, c: ClaimRequest): Source[] {
  const rows = stmt(db, `SELECT * FROM sources WHERE kind <> 'manual' AND (next_poll IS NULL OR next_poll <= ?)
    AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_poll IS NOT NULL, next_poll, id LIMIT ?`)
    .all(c.now, new Date().toISOString(), c.limit) as SourceRecord[];
  const until = leaseUntil(c.leaseS);
  const lease = stmt(db, 'UPDATE sources SET lease_owner = ?, lease_until = ? WHERE id = ?');
  for (const r of rows) lease.run(c.owner, until, r.id);
  return rows.map(toSource);
}

/** Frees `owner`'s lease on a source. */
export function releaseSourceLease(db: Db, owner: string, id: number): void {
  stmt(db, 'UPDATE sources SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?').run(id, owner);
}

/** How long a lock row holds without being confirmed by `held()`. */
const LOCK_TTL_S = 60;

/**
 * Takes the lock `name` when it is free, expired or already ours. SQLite has no session locks that die with a
 * process, so the lock is a row with an expiry that each `held()` pushes forward.
 */
export function tryLock(db: Db, name: string, owner: string): SingletonLock | null {
  const take = (): boolean => {
    const now = new Date().toISOString();
    const info = stmt(db, `INSERT INTO locks (name, owner, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE locks.owner = excluded.owner OR locks.expires_at < ?`).run(name, owner, leaseUntil(LOCK_TTL_S), now);
    return info.changes > 0;
  };
  if (!take()) return null;
  let released = false;
  return {
    held: () => Promise.resolve(!released && take()),
    release: () => {
      released = true;
      stmt(db, 'DELETE FROM locks WHERE name = ? AND owner = ?').run(name, owner);
      return Promise.resolve();
    },
  };
}
