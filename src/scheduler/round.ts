/**
 * One round of background work, the same for the cron tick of `serve` and for the loop of `palimpsest worker`:
 * poll the due sources this process claims, spread a backlog (only the process holding the fleet's leader lock),
 * then check the due articles this process claims, up to a round's budget.
 */
import type { Logger } from 'pino';
import type { SchedulerMetrics } from '../metrics/index.js';
import { pollSource, type PollDeps, type PollResult } from '../sources/index.js';
import type { SingletonLock } from '../store/index.js';
import type { CheckDeps, CheckResult } from '../tracker/check.js';
import { notifyRunnerFor, type NotifyRunner } from '../notify/runner.js';
import { spreadOverdue } from './backlog.js';
import { checkClaimed } from './claimed.js';
import type { CheckSummary } from './run.js';

/** What one round did. */
export interface TickSummary extends CheckSummary {
  /** Sources polled, and the new articles they brought. */
  sourcesPolled: number;
  newArticles: number;
  /** Overdue articles moved to later ticks. */
  spread: number;
  durationMs: number;
}

/** The state a sequence of rounds keeps: who this process is and whether it leads. */
export interface RoundContext {
  deps: CheckDeps;
  log: Logger;
  owner: string;
  metrics?: SchedulerMetrics;
  /** Extra polling dependencies (the polite fetcher's robots cache), or false to poll no sources. */
  sources?: Partial<PollDeps> | false;
  /** Milliseconds between rounds, for spreading a backlog. */
  tickMs: number;
  /** The leader lock while this process holds it. */
  lock: SingletonLock | null;
  /** When this process last spread a backlog (Date.now()); the leader spreads at most once per tickMs. */
  lastSpreadMs?: number;
  /** Notification passes of this process (made at the first round; null when notifications are turned off). */
  notify?: NotifyRunner | null;
}

/** Starts a notification pass beside the round (never waited for by it: checks do not wait on receivers). */
function kickNotifications(ctx: RoundContext): void {
  const { deps } = ctx;
  if (ctx.notify === undefined) {
    ctx.notify = notifyRunnerFor({ store: deps.store, config: deps.config, owner: ctx.owner, log: ctx.log, ...(deps.now ? { now: deps.now } : {}) }) ?? null;
  }
  ctx.notify?.kick();
}

/** Waits for a running notification pass to end (before a process stops). */
export async function stopRoundWork(ctx: RoundContext): Promise<void> {
  await ctx.notify?.idle();
}

/** The fleet-wide lock whose holder spreads backlogs (and does other work one process should do). */
export const LEADER_LOCK = 'palimpsest:leader';

/** Sources polled at once by one process. */
const SOURCE_CONCURRENCY = 2;

/** Outcomes logged as failures (warn) rather than at debug. */
const FAILED = new Set(['error', 'blocked', 'rejected']);

function logResult(log: Logger, r: CheckResult): void {
  const fields = { articleId: r.articleId, url: r.url, outcome: r.outcome, httpStatus: r.httpStatus, durationMs: r.durationMs };
  // One line per article of a deferred host would flood the log for an hour: the host's own 429/503 was warned of.
  if (r.outcome === 'deferred') log.debug({ ...fields, error: r.error }, 'scheduler: check deferred, the host asked to be left alone');
  else if (FAILED.has(r.outcome)) log.warn({ ...fields, error: r.error }, 'scheduler: check failed');
  else log.debug({ ...fields, versionNumber: r.versionNumber }, 'scheduler: checked');
}

/** Claims the due sources and polls them, a few at a time; never throws for one source. */
async function pollClaimedSources(ctx: RoundContext): Promise<PollResult[]> {
  if (ctx.sources === false) return [];
  const { deps } = ctx;
  const s = deps.config.scheduler;
  const now = deps.now ?? (() => new Date());
  const pollDeps: PollDeps = { store: deps.store, config: deps.config, fetch: deps.fetch, now, ...ctx.sources };
  const results: PollResult[] = [];
  for (;;) {
    const due = await deps.store.claimDueSources({ now: now().toISOString(), limit: SOURCE_CONCURRENCY, owner: ctx.owner, leaseS: s.leaseS });
    if (due.length === 0) return results;
    await Promise.all(due.map(async (src) => {
      let r: PollResult;
      try {
        r = await pollSource(pollDeps, src.id);
      } catch (err) {
        await deps.store.releaseSourceLease(ctx.owner, src.id).catch(() => undefined);
        r = { sourceId: src.id, slug: src.slug, discovered: 0, new: 0, duplicates: 0, excluded: 0, notModified: 0, fetched: 0, errors: [{ url: '', message: (err as Error).message }], newArticleIds: [] };
      }
      ctx.metrics?.pollFailed(r.slug, r.errors.length);
      const fields = { source: r.slug, fetched: r.fetched, notModified: r.notModified, discovered: r.discovered, new: r.new };
      if (r.errors.length > 0) ctx.log.warn({ ...fields, errors: r.errors }, 'scheduler: source poll had errors');
      else ctx.log.debug(fields, 'scheduler: source polled');
      results.push(r);
    }));
    if (due.length < SOURCE_CONCURRENCY) return results;
  }
}

/** Takes or confirms the leader lock; true while this process leads. */
async function lead(ctx: RoundContext): Promise<boolean> {
  if (ctx.lock && !(await ctx.lock.held())) {
    ctx.log.warn('scheduler: lost the leader lock');
    ctx.lock = null;
  }
  if (!ctx.lock) {
    ctx.lock = await ctx.deps.store.tryLock(LEADER_LOCK, ctx.owner);
    if (ctx.lock) ctx.log.info({ owner: ctx.owner }, 'scheduler: this process now leads (backlog spreading)');
  }
  return ctx.lock !== null;
}

/** Runs one round (see the module comment). Errors of the database propagate; single checks and polls never throw. */
export async function runRound(ctx: RoundContext): Promise<TickSummary> {
  const t0 = performance.now();
  const { deps, log } = ctx;
  const s = deps.config.scheduler;
  const now = deps.now ?? (() => new Date());
  kickNotifications(ctx);
  let polled: PollResult[] = [];
  try {
    polled = await pollClaimedSources(ctx);
  } catch (err) {
    // Checking the articles already tracked must not depend on discovery working.
    log.error({ err }, 'scheduler: polling sources failed');
  }
  let spread = 0;
  const spreadDue = ctx.lastSpreadMs === undefined || Date.now() - ctx.lastSpreadMs >= ctx.tickMs;
  if (s.spreadBacklog && spreadDue && (await lead(ctx))) {
    ctx.lastSpreadMs = Date.now();
    spread = await spreadOverdue(deps.store, now(), s.maxPerTick, ctx.tickMs);
    if (spread > 0) {
      ctx.metrics?.spread(spread);
      log.info({ spread, perTick: s.maxPerTick }, 'scheduler: backlog spread over the next ticks');
    }
  }
  const summary = await checkClaimed(deps, {
    owner: ctx.owner, leaseS: s.leaseS, concurrency: s.concurrency, maxChecks: s.maxPerTick, onResult: (r) => logResult(log, r),
  });
  return {
    ...summary, sourcesPolled: polled.length, newArticles: polled.reduce((n, r) => n + r.new, 0), spread,
    durationMs: Math.round(performance.now() - t0),
  };
}

/** Logs a round's summary: info when it did something, debug when idle. */
export function logRound(log: Logger, tick: TickSummary): void {
  const fields = {
    checked: tick.checked, newVersions: tick.newVersions, unchanged: tick.unchanged, errors: tick.errors,
    sourcesPolled: tick.sourcesPolled, newArticles: tick.newArticles, spread: tick.spread, durationMs: tick.durationMs,
  };
  if (tick.checked > 0 || tick.sourcesPolled > 0 || tick.spread > 0) log.info(fields, 'scheduler: tick done');
  else log.debug(fields, 'scheduler: tick done, nothing due');
}
