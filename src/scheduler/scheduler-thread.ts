/**
 * The scheduler thread of `serve` (started by thread.ts from the compiled dist/): its own database connection,
 * pipeline (polite fetcher, extraction workers) and cron tick; metrics calls are forwarded to the web thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { lowerThreadPriority } from '../common/thread-priority.js';
import { openStore } from '../store/index.js';
import { startScheduler } from './cron.js';
import { createPipeline } from './pipeline.js';
import { forwardingMetrics, type FromSchedulerThread, type SchedulerThreadData, type ToSchedulerThread } from './thread.js';

const port = parentPort;
if (!port) throw new Error('scheduler: scheduler-thread.js must run in a worker thread');
const { config } = workerData as SchedulerThreadData;
const send = (m: FromSchedulerThread): void => port.postMessage(m);

// Standard error, like the web thread's logger, so that stdout stays free for command output.
const log = pino({ level: config.logLevel, base: { module: 'scheduler' } }, pino.destination(2));
// Checks are background work; the web thread of the same process is served first (the extraction workers this
// thread starts inherit the lower priority and confirm it themselves).
const priority = lowerThreadPriority(config.scheduler.backgroundNice);
if (!priority.applied && config.scheduler.backgroundNice > 0) log.info({ reason: priority.reason }, 'scheduler: running at normal priority');
const store = await openStore(config.db);
const metrics = forwardingMetrics((event) => send({ type: 'metric', event }));
const pipeline = createPipeline(store, config, {
  metrics,
  onFallback: (reason) => log.warn({ reason }, 'scheduler: extracting in the scheduler thread'),
});
const scheduler = startScheduler(pipeline.deps, log, {
  metrics, sources: { robots: pipeline.polite.robots }, onStatus: (status) => send({ type: 'status', status }),
});

port.on('message', (m: ToSchedulerThread) => {
  if (m.type === 'tick') {
    void scheduler.tick().then((summary) => send({ type: 'tick', id: m.id, summary }));
    return;
  }
  void (async () => {
    await scheduler.stop();
    await pipeline.close();
    await store.close();
    log.flush();
    send({ type: 'stopped' });
  })();
});
send({ type: 'ready', extractThreads: pipeline.pool.size });
