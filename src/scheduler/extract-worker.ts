/**
 * The extraction worker thread: runs `extract` on the pages the pool sends, one at a time, so that parsing large
 * pages never blocks the main thread (web requests, fetching, the database). Started by extract-pool.ts from the
 * compiled dist/ only.
 */
import { parentPort } from 'node:worker_threads';
import { extract } from '../extractor/index.js';
import type { ExtractRequest, ExtractResponse } from './extract-pool.js';

const port = parentPort;
if (!port) throw new Error('scheduler: extract-worker.js must run in a worker thread');

port.on('message', (m: ExtractRequest) => {
  let reply: ExtractResponse;
  try {
    reply = { id: m.id, ok: true, value: extract(m.html, m.url, { rules: m.rules }) };
  } catch (err) {
    reply = { id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
