/**
 * The background scheduler of `serve`: a node-cron tick that runs one round of claimed work (src/scheduler/round.ts:
 * due sources polled, a backlog spread by the fleet's leader, due articles checked), never overlapping itself. All
 * its state (next_check, next_poll, leases) lives in the database, so a restart resumes where the last run stopped,
 * and the same tick runs beside `palimpsest worker` processes on a shared database without doubling any work.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { SchedulerMetrics } from '../metrics/index.js';
import type { PollDeps } from '../sources/index.js';
import type { CheckDeps } from '../tracker/check.js';
import { logRound, runRound, stopRoundWork, type RoundContext, type TickSummary } from './round.js';
import { initialStatus, type SchedulerStatus } from './status.js';
import { workerId } from './worker-id.js';

export type { TickSummary } from './round.js';
export type { SchedulerStatus } from './status.js';

/** A running scheduler. */
export interface Scheduler {
  /** Runs one tick now (also what the cron runs); resolves when it is done, with null when a tick was already running. */
  tick(): Promise<TickSummary | null>;
  /** Stops the cron; waits for a running tick to finish. */
  stop(): Promise<void>;
  /** When ticks last started and finished (for /healthz: a scheduler that stopped ticking checks nothing). */
  status(): SchedulerStatus;
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
  /** Who this process is when it claims work (default: a new id). */
  owner?: string;
  /** Told of the status whenever a tick starts or finishes (the scheduler thread forwards it to the web thread). */
  onStatus?: (s: SchedulerStatus) => void;
}

/** Fallback tick period when the cron expression gives no next runs. */
const DEFAULT_TICK_MS = 60_000;

/** The gap between the next two runs of a cron task. */
function tickPeriodMs(task: ScheduledTask): number {
  const [a, b] = task.getNextRuns(2);
  return a && b && b.getTime() > a.getTime() ? b.getTime() - a.getTime() : DEFAULT_TICK_MS;
}

/** The tick period of a cron expression, ms (the gap between its next two runs); the default for an invalid one. */
export function cronPeriodMs(expression: string): number {
  if (!cron.validate(expression)) return DEFAULT_TICK_MS;
  const task = cron.createTask(expression, () => undefined);
  try {
    return tickPeriodMs(task);
  } finally {
    void task.destroy();
  }
}

/** Starts the cron tick. A tick that finds the previous one still running is skipped. */
export function startScheduler(deps: CheckDeps, log: Logger, opts: SchedulerOptions = {}): Scheduler {
  const s = deps.config.scheduler;
  if (!cron.validate(s.cron)) throw new Error(`scheduler: invalid cron expression "${s.cron}" (config scheduler.cron)`);
  const metrics = opts.metrics;
  let running: Promise<TickSummary | null> | null = null;
  const ctx: RoundContext = {
    deps, log, owner: opts.owner ?? workerId('serve'), tickMs: opts.tickMs ?? DEFAULT_TICK_MS, lock: null,
    ...(metrics ? { metrics } : {}), ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
  };

  const status = initialStatus(new Date(), DEFAULT_TICK_MS);
  const tick = (): Promise<TickSummary | null> => {
    if (running) {
      metrics?.ticked('skipped');
      log.debug('scheduler: tick skipped, the previous one is still running');
      return Promise.resolve(null);
    }
    status.lastTickStartedAt = new Date().toISOString();
    status.running = true;
    opts.onStatus?.({ ...status });
    running = (async () => {
      try {
        const summary = await runRound(ctx);
        // Counted before the summary is logged, so whoever reads the log line finds the tick counted.
        metrics?.ticked(summary.checked > 0 ? 'done' : 'idle');
        logRound(log, summary);
        return summary;
      } catch (err) {
        metrics?.ticked('failed');
        log.error({ err }, 'scheduler: tick failed');
        return null;
      } finally {
        running = null;
        status.lastTickFinishedAt = new Date().toISOString();
        status.running = false;
        opts.onStatus?.({ ...status });
      }
    })();
    return running;
  };
  const task: ScheduledTask = cron.schedule(s.cron, () => tick(), { noOverlap: true, name: 'palimpsest-checks' });
  if (opts.tickMs === undefined) ctx.tickMs = tickPeriodMs(task);
  // Health judges the ticks by how often the cron fires, whatever period backlog spreading was told to assume.
  status.tickMs = tickPeriodMs(task);
  opts.onStatus?.({ ...status });
  return {
    tick,
    status: () => ({ ...status }),
    async stop() {
      await task.stop();
      await task.destroy();
      if (running) await running;
      await stopRoundWork(ctx);
      if (ctx.lock) await ctx.lock.release().catch(() => undefined);
      ctx.lock = null;
    },
  };
}
