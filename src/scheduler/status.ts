/**
 * Whether the scheduler of `serve` is ticking, for /healthz. A scheduler whose cron still fires but whose tick
 * never ends (a check waiting on something for an hour) checks nothing meanwhile, just like a dead one: every tick
 * that fires while another runs is skipped. So "ticked" means a tick started or finished, and the scheduler counts
 * as stalled when neither happened for STALE_TICKS tick periods. Pure (no timers, no I/O).
 */

/** Tick periods without a tick starting or finishing after which the scheduler counts as stalled. */
export const STALE_TICKS = 3;

/** What the scheduler's ticks look like from outside. Times are ISO 8601. */
export interface SchedulerStatus {
  /** When the scheduler started. */
  startedAt: string;
  /** The tick period (from the cron expression), ms. */
  tickMs: number;
  /** When the last tick started (null before the first). */
  lastTickStartedAt: string | null;
  /** When the last tick finished (null before the first). */
  lastTickFinishedAt: string | null;
  /** Whether a tick is running now. */
  running: boolean;
}

/** The verdict on a scheduler's status at `now`. */
export interface SchedulerHealth {
  /** ok, or stalled when nothing ticked for STALE_TICKS periods. */
  state: 'ok' | 'stalled';
  /** The last time a tick started or finished (null before the first). */
  lastTickAt: string | null;
  /** Seconds since then (since the scheduler started, before the first tick). */
  secondsSinceTick: number;
  /** How long without a tick counts as stalled, s. */
  staleAfterS: number;
}

/** A fresh status: started at `now`, no tick yet. */
export function initialStatus(now: Date, tickMs: number): SchedulerStatus {
  return { startedAt: now.toISOString(), tickMs, lastTickStartedAt: null, lastTickFinishedAt: null, running: false };
}

/** Judges `s` at `now` (see the module comment). */
export function schedulerHealth(s: SchedulerStatus, now: Date): SchedulerHealth {
  const times = [s.lastTickStartedAt, s.lastTickFinishedAt].filter((t): t is string => t !== null).map((t) => Date.parse(t));
  const last = times.length > 0 ? Math.max(...times) : null;
  const since = Math.max(0, now.getTime() - (last ?? Date.parse(s.startedAt)));
  const staleAfterMs = STALE_TICKS * s.tickMs;
  return {
    state: since > staleAfterMs ? 'stalled' : 'ok',
    lastTickAt: last === null ? null : new Date(last).toISOString(),
    secondsSinceTick: Math.round(since / 100) / 10,
    staleAfterS: Math.round(staleAfterMs / 100) / 10,
  };
}
