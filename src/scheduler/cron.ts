/** The background scheduler: a node-cron tick that checks the due articles, never overlapping itself. */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { CheckDeps } from '../tracker/check.js';
import { checkMany, dueArticleIds, type CheckSummary } from './run.js';

/** A running scheduler. */
export interface Scheduler {
  /** Runs one tick now (also what the cron runs); resolves when its checks are done. */
  tick(): Promise<CheckSummary | null>;
  /** Stops the cron; waits for a running tick to finish. */
  stop(): Promise<void>;
}

/** Starts the cron tick. A tick that finds the previous one still running is skipped. */
export function startScheduler(deps: CheckDeps, log: Logger): Scheduler {
  const s = deps.config.scheduler;
  if (!cron.validate(s.cron)) throw new Error(`scheduler: invalid cron expression "${s.cron}" (config scheduler.cron)`);
  let running: Promise<CheckSummary | null> | null = null;
  const tick = (): Promise<CheckSummary | null> => {
    if (running) return Promise.resolve(null);
    running = (async () => {
      try {
        const ids = dueArticleIds(deps, s.maxPerTick);
        if (ids.length === 0) return null;
        const summary = await checkMany(deps, ids, { concurrency: s.concurrency });
        log.info({ checked: summary.checked, newVersions: summary.newVersions, unchanged: summary.unchanged, errors: summary.errors }, 'scheduler: tick done');
        return summary;
      } catch (err) {
        log.error({ err }, 'scheduler: tick failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const task: ScheduledTask = cron.schedule(s.cron, () => tick(), { noOverlap: true, name: 'palimpsest-checks' });
  return {
    tick,
    async stop() {
      await task.stop();
      await task.destroy();
      if (running) await running;
    },
  };
}
