/**
 * Claiming due work on PostgreSQL, where any number of workers on any number of hosts share the tables. A claim is
 * one UPDATE whose sub-select locks the due rows FOR UPDATE SKIP LOCKED: a row another worker is claiming at that
 * moment is skipped rather than waited for, and a row claimed and committed meanwhile is re-checked against the
 * lease condition after its lock is taken, so no article is leased to two workers. Lease times are the database's
 * clock (clock_timestamp()), so workers with skewed clocks agree on when a lease runs out; `now` of the request only decides
 * what is due, as on SQLite.
 */
import { rows, run, type Db } from './db.js';
import { ARTICLE_COLS } from './articles.js';
import { SOURCE_COLS } from './sources.js';
import { toArticle, toSource, type ArticleRecord, type SourceRecord } from '../rows.js';
import type { Article, Source } from '../types.js';
import type { ClaimRequest } from '../store.js';

/** Leases up to `limit` due, unleased articles to `owner`, earliest due first. */
export async function claimDueArticles(db: Db, c: ClaimRequest): Promise<Article[]> {
  const r = await rows<ArticleRecord>(db, `WITH claimed AS (
      UPDATE articles SET lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $2)
       WHERE id IN (SELECT id FROM articles
                     WHERE status IN ('active', 'blocked') AND next_check <= $3 AND (lease_until IS NULL OR lease_until < clock_timestamp())
                     ORDER BY next_check, id LIMIT $4
                       FOR UPDATE SKIP LOCKED)
      RETURNING ${ARTICLE_COLS})
    SELECT * FROM claimed ORDER BY next_check, id`, [c.owner, c.leaseS, c.now, c.limit]);
  return r.map(toArticle);
}

/** Extends `owner`'s leases on these articles. */
export async function renewArticleLeases(db: Db, owner: string, ids: readonly number[], leaseS: number): Promise<void> {
  if (ids.length === 0) return;
  await run(db, `UPDATE articles SET lease_until = clock_timestamp() + make_interval(secs => $1) WHERE lease_owner = $2 AND id = ANY ($3::bigint[])`,
    [leaseS, owner, [...ids]]);
}

/** Frees `owner`'s lease on an article. */
export async function releaseArticleLease(db: Db, owner: string, id: number): Promise<void> {
  await run(db, 'UPDATE articles SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2', [id, owner]);
}

/** Leases up to `limit` due, unleased sources (other than 'manual') to `owner`, never-polled first, then most overdue. */
export async function claimDueSources(db: Db, c: ClaimRequest): Promise<Source[]> {
  const r = await rows<SourceRecord>(db, `WITH claimed AS (
      UPDATE sources SET lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $2)
       WHERE id IN (SELECT id FROM sources
                     WHERE kind <> 'manual' AND (next_poll IS NULL OR next_poll <= $3) AND (lease_until IS NULL OR lease_until < clock_timestamp())
                     ORDER BY next_poll IS NOT NULL, next_poll, id LIMIT $4
                       FOR UPDATE SKIP LOCKED)
      RETURNING ${SOURCE_COLS})
    SELECT * FROM claimed ORDER BY next_poll IS NOT NULL, next_poll, id`, [c.owner, c.leaseS, c.now, c.limit]);
  return r.map(toSource);
}

/** Frees `owner`'s lease on a source. */
export async function releaseSourceLease(db: Db, owner: string, id: number): Promise<void> {
  await run(db, 'UPDATE sources SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2', [id, owner]);
}
