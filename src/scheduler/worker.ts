/**
 * The loop of `palimpsest worker`: rounds of claimed work (src/scheduler/round.ts) one after another while work is
 * due, a short sleep when none is. A database that stops answering (a lost connection, a restarted server) never
 * ends the loop: the round fails, the worker waits with exponential backoff and tries again, and resumes.
 */
import type { Logger } from 'pino';
import type { SchedulerMetrics } from '../metrics/index.js';
import type { PollDeps } from '../sources/index.js';
import type { CheckDeps } from '../tracker/check.js';
import { LEADER_LOCK, logRound, runRound, stopRoundWork, type RoundContext, type TickSummary } from './round.js';

/** Options of startWorker. */
export interface WorkerOptions {
  deps: CheckDeps;
  log: Logger;
  owner: string;
  metrics?: SchedulerMetrics;
  sources?: Partial<PollDeps> | false;
  /** Sleep when a round found nothing to do (default: config.scheduler.idleMs). */
  idleMs?: number;
  /** Milliseconds between ticks for backlog spreading (default 60 s). */
  tickMs?: number;
}

/** What a running worker reports (for /healthz). */
export interface WorkerStatus {
  owner: string;
  startedAt: string;
  /** The end of the last round that completed, or null. */
  lastRoundAt: string | null;
  /** The last round's failure while the database is failing, else null. */
  lastError: string | null;
  consecutiveFailures: number;
  rounds: number;
  checked: number;
  leader: boolean;
}

/** A running worker loop. */
export interface RunningWorker {
  status(): WorkerStatus;
  /** Lets the current round finish, releases the leader lock and resolves. */
  stop(): Promise<void>;
}

/** Backoff after a failed round: from 1 s, doubling, at most 30 s. */
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/** Starts the loop; it runs until stop(). */
export function startWorker(opts: WorkerOptions): RunningWorker {
  const { deps, log } = opts;
  const idleMs = opts.idleMs ?? deps.config.scheduler.idleMs;
  const ctx: RoundContext = {
    deps, log, owner: opts.owner, tickMs: opts.tickMs ?? 60_000, lock: null,
    ...(opts.metrics ? { metrics: opts.metrics } : {}), ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
  };
  const status: WorkerStatus = {
    owner: opts.owner, startedAt: new Date().toISOString(), lastRoundAt: null, lastError: null, consecutiveFailures: 0,
    rounds: 0, checked: 0, leader: false,
  };
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const t = setTimeout(() => { wake = null; resolve(); }, ms);
    wake = () => { clearTimeout(t); wake = null; resolve(); };
  });

  const loop = (async () => {
    let backoff = BACKOFF_MIN_MS;
    while (!stopping) {
      let tick: TickSummary;
      try {
        tick = await runRound(ctx);
      } catch (err) {
        status.consecutiveFailures++;
        status.lastError = (err as Error).message;
        opts.metrics?.ticked('failed');
        log.warn({ err: (err as Error).message, retryInMs: backoff }, 'worker: round failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      if (status.consecutiveFailures > 0) log.info({ after: status.consecutiveFailures }, 'worker: the database answers again; resumed');
      backoff = BACKOFF_MIN_MS;
      status.consecutiveFailures = 0;
      status.lastError = null;
      status.rounds++;
      status.checked += tick.checked;
      status.lastRoundAt = new Date().toISOString();
      status.leader = ctx.lock !== null;
      opts.metrics?.ticked(tick.checked > 0 ? 'done' : 'idle');
      logRound(log, tick);
      if (tick.checked === 0 && tick.sourcesPolled === 0 && !stopping) await sleep(idleMs);
    }
  })();

  return {
    status: () => ({ ...status }),
    async stop() {
      stopping = true;
      (wake as (() => void) | null)?.();
      await loop;
      await stopRoundWork(ctx);
      if (ctx.lock) await ctx.lock.release().catch(() => undefined);
      ctx.lock = null;
    },
  };
}

export { LEADER_LOCK };
