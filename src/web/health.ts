/**
 * GET /healthz: whether this web process can serve its pages, for a load balancer or a monitor. It reads real rows
 * of the tables the pages read (Store.ping), so a damaged database answers 503 here as its pages would answer
 * 500; it says whether the scheduler of `serve` still ticks (503 when it has stalled: nothing gets checked); and it
 * shows how busy the heavy-request gates are. It never waits behind heavy requests itself.
 */
import express, { type Router } from 'express';
import { schedulerHealth, STALE_TICKS, type SchedulerStatus } from '../scheduler/status.js';
import type { Store } from '../store/index.js';
import { HttpError, type ErrorLog } from './errors.js';
import type { HeavyGates } from './heavy.js';

/** What the health check reads. */
export interface HealthDeps {
  store: Store;
  log: ErrorLog;
  heavy: HeavyGates;
  /** The scheduler's status, or null when this process runs none (`serve --no-scheduler`). */
  schedulerStatus?: () => SchedulerStatus | null;
  /** The real clock (scheduler times are real even when the pages are given a fixed one). */
  clock?: () => Date;
}

/** The scheduler part of the health answer. */
export type SchedulerHealthJson =
  | { state: 'off' }
  | {
    state: 'ok' | 'stalled'; running: boolean; lastTickAt: string | null; lastTickStartedAt: string | null;
    lastTickFinishedAt: string | null; secondsSinceTick: number; tickSeconds: number; staleAfterS: number;
  };

/** The scheduler part of the answer for a status (null: no scheduler) at `now`. */
export function schedulerHealthJson(s: SchedulerStatus | null, now: Date): SchedulerHealthJson {
  if (!s) return { state: 'off' };
  const h = schedulerHealth(s, now);
  return {
    state: h.state, running: s.running, lastTickAt: h.lastTickAt, lastTickStartedAt: s.lastTickStartedAt,
    lastTickFinishedAt: s.lastTickFinishedAt, secondsSinceTick: h.secondsSinceTick, tickSeconds: s.tickMs / 1000, staleAfterS: h.staleAfterS,
  };
}

/** The /healthz route. */
export function healthRouter(deps: HealthDeps): Router {
  const clock = deps.clock ?? ((): Date => new Date());
  const router = express.Router();
  router.get('/healthz', async (_req, res) => {
    let articles: number;
    try {
      articles = (await deps.store.ping()).articles;
    } catch (err) {
      deps.log.error({ err }, 'web: health check: the database does not answer');
      throw new HttpError(503, 'the database does not answer');
    }
    const scheduler = schedulerHealthJson(deps.schedulerStatus?.() ?? null, clock());
    const heavyRequests = { feedsAndSearch: deps.heavy.compute.state(), exports: deps.heavy.exports.state() };
    res.setHeader('Cache-Control', 'no-store');
    if (scheduler.state === 'stalled') {
      // Not logged: a monitor asks every few seconds, and the scheduler logs its own failures.
      const problem = `scheduler: no tick started or finished for ${scheduler.secondsSinceTick} s (stalled after ${scheduler.staleAfterS} s, `
        + `${STALE_TICKS} tick periods); nothing is being checked`;
      res.status(503).json({ status: 'error', problem, db: 'ok', articles, scheduler, heavyRequests });
      return;
    }
    res.json({ status: 'ok', db: 'ok', articles, scheduler, heavyRequests });
  });
  return router;
}
