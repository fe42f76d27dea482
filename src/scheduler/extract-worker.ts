/**
 * The extraction worker thread: runs `extract` on the pages the pool sends, and encodes the bodies to store, one
 * at a time, so that this CPU-heavy work never blocks the main thread (web requests, fetching, the database).
 * Started by extract-pool.ts from the compiled dist/ only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../common/thread-priority.js';
import { runRequest, type ExtractRequest, type ExtractWorkerData } from './extract-pool.js';

const port = parentPort;
if (!port) throw new Error('scheduler: extract-worker.js must run in a worker thread');

// Extraction and encoding are background work: the web server's thread, if it shares the process, gets the CPU first.
lowerThreadPriority((workerData as ExtractWorkerData | undefined)?.nice ?? 0);

port.on('message', (m: ExtractRequest) => port.postMessage(runRequest(m)));
port.postMessage({ ready: true });
