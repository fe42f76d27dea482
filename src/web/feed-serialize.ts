/**
 * Serialising feeds off the web thread. Writing a hundred items as RSS or Atom (the `feed` package, through xml-js)
 * is one synchronous call of 50-200 ms for a feed of diffs; on the web thread every request arriving meanwhile
 * would wait that long, once per feed built. So the serialisation runs in a worker thread of its own (one per
 * process, started on first use, never keeping the process alive), with the same package, hence the same bytes.
 * Where a worker cannot start, or dies, feeds are serialised on the calling thread as before.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Feed, type FeedOptions, type Item } from 'feed';
import type { FeedFormat } from './paths.js';

/** The worker's code (evaluated, so that it runs the same from TypeScript sources and from dist/). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = import(workerData.feedUrl);
parentPort.on('message', async (m) => {
  try {
    const { Feed } = await loaded;
    const feed = new Feed(m.options);
    for (const item of m.items) feed.addItem(item);
    parentPort.postMessage({ id: m.id, out: m.format === 'rss' ? feed.rss2() : m.format === 'atom' ? feed.atom1() : feed.json1() });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});`;

/** Serialises on the calling thread. */
export function serializeInline(options: FeedOptions, items: readonly Item[], format: FeedFormat): string {
  const feed = new Feed(options);
  for (const i of items) feed.addItem(i);
  return format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : feed.json1();
}

interface Pending {
  resolve: (out: string) => void;
  reject: (err: Error) => void;
}

let worker: Worker | null = null;
/** Set once a worker could not start or died: from then on, serialise inline. */
let broken = false;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(err: Error): void {
  broken = true;
  worker = null;
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

function startWorker(): Worker | null {
  if (worker || broken) return worker;
  try {
    const feedUrl = pathToFileURL(createRequire(import.meta.url).resolve('feed')).href;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { feedUrl } });
    // An idle serialiser never keeps a process (a CLI command, a test) alive.
    w.unref();
    w.on('message', (m: { id: number; out?: string; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.error !== undefined) p.reject(new Error(`web: feed serialisation failed: ${m.error}`));
      else p.resolve(m.out ?? '');
    });
    w.on('error', (err) => failAll(new Error(`web: the feed serialiser failed: ${err.message}`)));
    w.on('exit', (code) => failAll(new Error(`web: the feed serialiser exited (${code})`)));
    worker = w;
  } catch {
    broken = true;
  }
  return worker;
}

/** Serialises a feed in `format`, in the serialiser thread when it is available (see the module comment). */
export async function serializeFeed(options: FeedOptions, items: readonly Item[], format: FeedFormat): Promise<string> {
  const w = startWorker();
  if (!w) return serializeInline(options, items, format);
  const id = nextId++;
  try {
    return await new Promise<string>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Referenced while a feed is being written, so that a process waiting for it does not exit meanwhile.
      w.ref();
      w.postMessage({ id, options, items, format });
    }).finally(() => {
      if (pending.size === 0) worker?.unref();
    });
  } catch (err) {
    // A worker that died takes its feeds with it: write them here instead (the caller never sees the difference).
    if (broken) return serializeInline(options, items, format);
    throw err;
  }
}
