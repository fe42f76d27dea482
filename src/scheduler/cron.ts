/**
 * The background scheduler: a node-cron tick that polls the due sources, spreads a backlog of overdue articles
 * over the following ticks, and checks the due articles, never overlapping itself. All its state (next_check,
 * next_poll) lives in the database, so a restart resumes where the last run stopped.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { SchedulerMetrics } from '../metrics/index.js';
import { pollDueSources, type PollDeps, type PollResult } from '../sources/index.js';
import type { CheckDeps, CheckResult } from '../tracker/check.js';
import { spreadOverdue } from './backlog.js';
import { checkMany, dueArticleIds, type CheckSummary } from './run.js';

/** What one tick did. */
export interface TickSummary extends CheckSummary {
  /** Sources polled, and the new articles they brought. */
  sourcesPolled: number;
  newArticles: number;
  /** Overdue articles moved to later ticks. */
  spread: number;
  durationMs: number;
}

/** A running scheduler. */
export interface Scheduler {
  /** Runs one tick now (also what the cron runs); resolves when it is done, with null when a tick was already running. */
  tick(): Promise<TickSummary | null>;
  /** Stops the cron; waits for a running tick to finish. */
  stop(): Promise<void>;
}

/** Options of startScheduler. */
export interface SchedulerOptions {
  /** Ticks, backlog spreading and source poll errors are counted here (checks count through deps.metrics). */
  metrics?: SchedulerMetrics;
  /**
   * Polling of due sources before the checks: extra PollDeps (e.g. the polite fetcher's robots cache), or false to
   * poll none. By default sources are polled with the checks' fetch.
   */
  sources?: Partial<PollDeps> | false;
  /** Milliseconds between ticks, for spreading a backlog (default: from the cron expression). */
  tickMs?: number;
}

/** Fallback tick period when the cron expression gives no next runs. */
const DEFAULT_TICK_MS = 60_000;

/** Outcomes logged as failures (warn) rather than at debug. */
const FAILED = new Set(['error', 'blocked', 'rejected']);

/** The gap between the next two runs of a cron task. */
function tickPeriodMs(task: ScheduledTask): number {
  const [a, b] = task.getNextRuns(2);
  return a && b && b.getTime() > a.getTime() ? b.getTime() - a.getTime() : DEFAULT_TICK_MS;
}

/** Starts the cron tick. A tick that finds the previous one still running is skipped. */
export function startScheduler(deps: CheckDeps, log: Logger, opts: SchedulerOptions = {}): Scheduler {
  const s = deps.config.scheduler;
  if (!cron.validate(s.cron)) throw new Error(`scheduler: invalid cron expression "${s.cron}" (config scheduler.cron)`);
  const now = deps.now ?? (() => new Date());
  const metrics = opts.metrics;
  let running: Promise<TickSummary | null> | null = null;

  const logResult = (r: CheckResult): void => {
    const fields = { articleId: r.articleId, url: r.url, outcome: r.outcome, httpStatus: r.httpStatus, durationMs: r.durationMs };
    if (FAILED.has(r.outcome)) log.warn({ ...fields, error: r.error }, 'scheduler: check failed');
    else log.debug({ ...fields, versionNumber: r.versionNumber }, 'scheduler: checked');
  };

  const pollSources = async (): Promise<PollResult[]> => {
    if (opts.sources === false) return [];
    const pollDeps: PollDeps = { db: deps.db, config: deps.config, fetch: deps.fetch, now, ...opts.sources };
    return pollDueSources(pollDeps, {
      onResult: (r) => {
        metrics?.pollFailed(r.slug, r.errors.length);
        const fields = { source: r.slug, fetched: r.fetched, notModified: r.notModified, discovered: r.discovered, new: r.new };
        if (r.errors.length > 0) log.warn({ ...fields, errors: r.errors }, 'scheduler: source poll had errors');
        else log.debug(fields, 'scheduler: source polled');
      },
    });
  };

  const run = async (): Promise<TickSummary> => {
    const t0 = performance.now();
    let polled: PollResult[] = [];
    try {
      polled = await pollSources();
    } catch (err) {
      // Checking the articles already tracked must not depend on discovery working.
      log.error({ err }, 'scheduler: polling sources failed');
    }
    const spread = s.spreadBacklog ? spreadOverdue(deps.db, now(), s.maxPerTick, opts.tickMs ?? tickMs) : 0;
    if (spread > 0) {
      metrics?.spread(spread);
      log.info({ spread, perTick: s.maxPerTick }, 'scheduler: backlog spread over the next ticks');
    }
    const ids = dueArticleIds(deps, s.maxPerTick);
    const summary = ids.length > 0 ? await checkMany(deps, ids, { concurrency: s.concurrency, onResult: logResult })
      : { checked: 0, newVersions: 0, unchanged: 0, errors: 0, results: [] };
    const tick: TickSummary = {
      ...summary, sourcesPolled: polled.length, newArticles: polled.reduce((n, r) => n + r.new, 0), spread,
      durationMs: Math.round(performance.now() - t0),
    };
    // Counted before the summary is logged, so whoever reads the log line finds the tick counted.
    metrics?.ticked(tick.checked > 0 ? 'done' : 'idle');
    const fields = {
      checked: tick.checked, newVersions: tick.newVersions, unchanged: tick.unchanged, errors: tick.errors,
      sourcesPolled: tick.sourcesPolled, newArticles: tick.newArticles, spread, durationMs: tick.durationMs,
    };
    if (tick.checked > 0 || tick.sourcesPolled > 0 || spread > 0) log.info(fields, 'scheduler: tick done');
    else log.debug(fields, 'scheduler: tick done, nothing due');
    return tick;
  };

  const tick = (): Promise<TickSummary | null> => {
    if (running) {
      metrics?.ticked('skipped');
      log.debug('scheduler: tick skipped, the previous one is still running');
      return Promise.resolve(null);
    }
    running = (async () => {
      try {
        return await run();
      } catch (err) {
        metrics?.ticked('failed');
        log.error({ err }, 'scheduler: tick failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const task: ScheduledTask = cron.schedule(s.cron, () => tick(), { noOverlap: true, name: 'palimpsest-checks' });
  const tickMs = tickPeriodMs(task);
  return {
    tick,
    async stop() {
      await task.stop();
      await task.destroy();
      if (running) await running;
    },
  };
}
