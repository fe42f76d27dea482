/**
 * Notifications in the scheduler's rounds: each round kicks a pass (dispatch new events into the queue, then send
 * what is due) that runs beside the checks instead of before them, one pass at a time per process; a round that
 * finds the previous pass still running leaves it be. Every process of a fleet runs passes: the queue's
 * uniqueness and leases keep them from queuing or sending anything twice.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { LookupFunction } from '../fetcher/types.js';
import type { Store } from '../store/index.js';
import { dispatchOnce, type DispatchSummary } from './dispatch.js';
import { sendDue, type SendSummary } from './sender.js';
import { startMarks } from './subscriptions.js';

/** What a runner needs. */
export interface NotifyRunnerDeps {
  store: Store;
  config: Config;
  owner: string;
  log: Logger;
  now?: () => Date;
  lookup?: LookupFunction;
}

/** What one pass did. */
export interface NotifyPass {
  dispatch: DispatchSummary;
  send: SendSummary;
}

/** Runs notification passes for one process (see the module comment). */
export class NotifyRunner {
  private running: Promise<NotifyPass | null> | null = null;
  private archiveChecked = false;

  constructor(private readonly deps: NotifyRunnerDeps) {}

  /** Starts a pass in the background unless one is running; returns at once. Errors are logged, never thrown. */
  kick(): void {
    if (this.running) return;
    this.running = this.runOnce().catch((err: unknown) => {
      this.deps.log.warn({ err: (err as Error).message }, 'notify: pass failed; trying again next round');
      return null;
    }).finally(() => { this.running = null; });
  }

  /** Resolves when no pass is running (shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass: dispatch, then send everything due; resolves with what it did. */
  async runOnce(): Promise<NotifyPass> {
    const { store, config, log } = this.deps;
    const now = this.deps.now ?? (() => new Date());
    if (!this.archiveChecked) {
      await ensureArchiveSubscription(store, config, now());
      this.archiveChecked = true;
    }
    const dispatch = await dispatchOnce(store, now(), config.notify.batch);
    const send = await sendDue({ store, config, owner: this.deps.owner, now, ...(this.deps.lookup ? { lookup: this.deps.lookup } : {}) });
    if (dispatch.queued > 0 || send.attempted > 0) log.info({ ...dispatch, ...send }, 'notify: pass done');
    return { dispatch, send };
  }
}

/**
 * With Save Page Now turned on, makes sure some subscription archives new versions: creates one for every article
 * when there is no archive subscription at all (an operator may replace it with narrower ones).
 */
export async function ensureArchiveSubscription(store: Store, config: Config, now: Date): Promise<void> {
  if (!config.notify.savePageNow.enabled) return;
  const subs = await store.listSubscriptions();
  if (subs.some((s) => s.channel === 'archive')) return;
  await store.insertSubscription({
    scope: 'all', sourceId: null, articleId: null, channel: 'archive', target: '', secret: null,
    filters: { events: ['version'], kinds: ['initial', 'substantive', 'minor'], headlineOnly: false, minWords: 0 },
    startMarks: await startMarks(store), createdAt: now.toISOString(),
  });
}

/** A runner for a scheduler round's process, or undefined when notifications are turned off. */
export function notifyRunnerFor(deps: NotifyRunnerDeps): NotifyRunner | undefined {
  return deps.config.notify.enabled ? new NotifyRunner(deps) : undefined;
}
