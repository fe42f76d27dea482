/**
 * Checking the due articles as claimed work: articles are leased to this process in small batches
 * (store.claimDueArticles), checked, and released by the check's own record. Leases of the checks still running are
 * renewed, so a long check keeps its claim, while a process that dies loses its claims when they run out and
 * another process takes the articles. The same code runs on one machine and in a fleet of workers.
 */
import { checkArticle, type CheckDeps, type CheckResult } from '../tracker/check.js';
import { FAILED_OUTCOMES, type CheckSummary } from './run.js';

/** Options of checkClaimed. */
export interface ClaimOptions {
  /** Who claims (see workerId). */
  owner: string;
  /** How long a claim holds without renewal. */
  leaseS: number;
  /** Checks at once. */
  concurrency: number;
  /** Most checks in this call (a tick's budget); unlimited by default. */
  maxChecks?: number;
  /** Called after each check. */
  onResult?: (r: CheckResult, doneCount: number) => void;
}

/** Renewals per lease period: a lease survives two missed renewals. */
const RENEWALS_PER_LEASE = 3;

/** Claims and checks due articles until none is due or `maxChecks` were checked; never throws for one article. */
export async function checkClaimed(deps: CheckDeps, opts: ClaimOptions): Promise<CheckSummary> {
  const store = deps.store;
  const now = deps.now ?? (() => new Date());
  const summary: CheckSummary = { checked: 0, newVersions: 0, unchanged: 0, errors: 0, results: [] };
  const budget = opts.maxChecks ?? Infinity;
  const queue: number[] = [];
  const running = new Set<number>();
  let claimed = 0;
  let exhausted = false;
  let claiming: Promise<void> | null = null;
  let failure: unknown = null;

  const claim = async (): Promise<void> => {
    const limit = Math.min(Math.max(opts.concurrency, 1), budget - claimed);
    if (limit <= 0) {
      exhausted = true;
      return;
    }
    const got = await store.claimDueArticles({ now: now().toISOString(), limit, owner: opts.owner, leaseS: opts.leaseS });
    claimed += got.length;
    if (got.length < limit) exhausted = true;
    queue.push(...got.map((a) => a.id));
  };
  const take = async (): Promise<number | undefined> => {
    while (queue.length === 0 && !exhausted && failure === null) {
      claiming ??= claim().catch((err: unknown) => { failure = err; }).finally(() => { claiming = null; });
      await claiming;
    }
    return queue.shift();
  };
  // Every claim this call holds is renewed, the ones still waiting in the queue too: a check that waits for its
  // host's turn must not let the claims behind it run out and be taken (and checked again) by another process.
  const renew = setInterval(() => {
    const held = [...running, ...queue];
    if (held.length > 0) void store.renewArticleLeases(opts.owner, held, opts.leaseS).catch(() => undefined);
  }, (opts.leaseS * 1000) / RENEWALS_PER_LEASE);
  renew.unref();

  const worker = async (): Promise<void> => {
    for (let id = await take(); id !== undefined; id = await take()) {
      running.add(id);
      let r: CheckResult;
      try {
        r = await checkArticle(deps, id);
      } catch (err) {
        r = { articleId: id, url: '', outcome: 'error', error: (err as Error).message, durationMs: 0 };
        // The check recorded nothing (the database failed it): give the article back rather than wait for the lease.
        await store.releaseArticleLease(opts.owner, id).catch(() => undefined);
      } finally {
        running.delete(id);
      }
      summary.results.push(r);
      summary.checked++;
      if (r.outcome === 'new_version') summary.newVersions++;
      else if (FAILED_OUTCOMES.has(r.outcome)) summary.errors++;
      else summary.unchanged++;
      opts.onResult?.(r, summary.checked);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(opts.concurrency, 1) }, worker));
  } finally {
    clearInterval(renew);
  }
  // Claims taken but never started (a failure stopped the claiming): hand them back at once.
  for (const id of queue) await store.releaseArticleLease(opts.owner, id).catch(() => undefined);
  if (failure !== null && summary.checked === 0) throw failure;
  summary.results.sort((a, b) => a.articleId - b.articleId);
  return summary;
}
