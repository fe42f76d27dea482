/**
 * A small pool of worker threads running the extractor, so that a large check does not stall the web server that
 * shares the process (`serve`): extracting a big page takes tens of milliseconds of CPU during which the event loop
 * would answer nobody. The same workers encode the bodies to store (zstd deltas), the other CPU-heavy step of a
 * check, so all of it runs at the workers' lower priority. The workers run the compiled code (dist/); where it is not
 * available (jest running the TypeScript sources) or a worker cannot start, both run in the calling thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extract, type Extracted, type SiteRule } from '../extractor/index.js';
import { encodeBody } from '../store/body-codec.js';
import type { DeltaBase, Encoded } from '../store/delta-codec.js';

/** Work sent to a worker: a page to extract, or a body to encode as the store keeps it. */
export type ExtractRequest =
  | { id: number; kind: 'extract'; html: string; url: string; rules?: readonly SiteRule[]; explain?: boolean }
  | { id: number; kind: 'encode'; body: Uint8Array; base: DeltaBase | null };

/** A worker's answer: the result, or the message of what the extractor threw. */
export type ExtractResponse =
  | { id: number; ok: true; value: Extracted }
  | { id: number; ok: true; encoded: Encoded }
  | { id: number; ok: false; message: string };

/** Runs one request in the current thread (in a worker, or inline when the workers are unavailable). */
export function runRequest(m: ExtractRequest): ExtractResponse {
  try {
    if (m.kind === 'encode') return { id: m.id, ok: true, encoded: encodeBody(m.body, m.base) };
    return { id: m.id, ok: true, value: extract(m.html, m.url, { rules: m.rules, ...(m.explain ? { explain: true } : {}) }) };
  } catch (err) {
    return { id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Extraction off the main thread. */
export interface ExtractPool {
  /** 'worker' while extraction runs in worker threads; 'inline' when it runs in the calling thread. */
  readonly mode: 'worker' | 'inline';
  /** Most worker threads (0 inline). */
  readonly size: number;
  /** Extracts a page like `extract` from src/extractor (errors are thrown as they would be there). */
  extract(html: string, url: string, options?: { rules?: readonly SiteRule[]; explain?: boolean }): Promise<Extracted>;
  /** Encodes a response body as encodeBody of src/store does (a delta against `base`, the article's newest body). */
  encode(body: Buffer, base: DeltaBase | null): Promise<Encoded>;
  /** Stops the workers; pages still queued are rejected. */
  close(): Promise<void>;
}

/** Options of createExtractPool. */
export interface ExtractPoolOptions {
  /** Worker threads (default: CPU cores - 1, at least 1); 0 extracts in the calling thread. */
  size?: number;
  /** The worker script (default: extract-worker.js beside this module, when it exists). */
  script?: string | null;
  /** Told when workers fail and the pool falls back to extracting in the calling thread. */
  onFallback?: (reason: string) => void;
  /** Nice value the workers give themselves (Linux; default 0: the priority they inherit). */
  nice?: number;
}

/** What an extraction worker starts with. */
export interface ExtractWorkerData {
  nice: number;
}

/** Threads that leave one core to the main thread (web, fetching, database). */
export function defaultExtractThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/** The compiled worker script beside this module, or null when running from TypeScript sources. */
export function extractWorkerScript(): string | null {
  const file = fileURLToPath(new URL('./extract-worker.js', import.meta.url));
  return fs.existsSync(file) ? file : null;
}

interface Task {
  request: ExtractRequest;
  settle: (r: ExtractResponse) => void;
  reject: (err: Error) => void;
}

/** The promise of a request's result, and the task that settles it. */
function task<T>(request: ExtractRequest, pick: (r: ExtractResponse) => T): { task: Task; promise: Promise<T> } {
  let t!: Task;
  const promise = new Promise<T>((resolve, reject) => {
    t = {
      request,
      reject,
      settle: (r) => {
        if (!r.ok) reject(new Error(r.message)); // the extractor's message, unchanged
        else resolve(pick(r));
      },
    };
  });
  return { task: t, promise };
}

const pickExtracted = (r: ExtractResponse): Extracted => (r as { value: Extracted }).value;
const pickEncoded = (r: ExtractResponse): Encoded => {
  // Structured cloning turns the Buffer into a plain Uint8Array.
  const e = (r as { encoded: Encoded }).encoded;
  return { ...e, data: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength) };
};

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
}

/** Creates the pool; workers start on the first pages, not before. */
export function createExtractPool(opts: ExtractPoolOptions = {}): ExtractPool {
  const size = opts.size ?? defaultExtractThreads();
  const script = opts.script === undefined ? extractWorkerScript() : opts.script;
  if (size < 1 || !script) return inlinePool();
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let broken: string | null = null;
  let closed = false;

  const inline = (t: Task): void => t.settle(runRequest(t.request));

  const fallBack = (reason: string): void => {
    if (broken) return;
    broken = reason;
    opts.onFallback?.(reason);
    for (const s of slots.splice(0)) {
      if (s.task) inline(s.task);
      void s.worker.terminate();
    }
    for (const t of queue.splice(0)) inline(t);
  };

  const dispatch = (): void => {
    while (queue.length > 0) {
      const slot = slots.find((s) => s.ready && !s.task) ?? (slots.length < size ? spawn() : null);
      if (!slot || !slot.ready) break;
      const task = queue.shift() as Task;
      slot.task = task;
      slot.worker.postMessage(task.request);
    }
    holdWhileBusy();
  };

  // Idle workers must not keep the process alive, but while any request waits or runs every worker (starting ones
  // included) holds the event loop: a worker left unref'd then could let the process run out of work before its
  // answer arrives, leaving the caller's promise unsettled.
  const holdWhileBusy = (): void => {
    const busy = queue.length > 0 || slots.some((s) => s.task !== null);
    for (const s of slots) {
      if (busy) s.worker.ref();
      else s.worker.unref();
    }
  };

  const spawn = (): Slot => {
    const data: ExtractWorkerData = { nice: opts.nice ?? 0 };
    const slot: Slot = { worker: new Worker(script, { workerData: data }), ready: false, task: null };
    slots.push(slot);
    slot.worker.on('message', (m: ExtractResponse | { ready: true }) => {
      if ('ready' in m) slot.ready = true;
      else {
        const t = slot.task;
        slot.task = null;
        t?.settle(m);
      }
      dispatch();
    });
    slot.worker.on('error', (err) => {
      // The extractor's own exceptions come back as messages; an 'error' means the worker itself broke.
      if (!slot.ready) return fallBack(`scheduler: extraction worker failed to start: ${err.message}`);
      const t = slot.task;
      slot.task = null;
      t?.reject(new Error(`scheduler: extraction worker crashed: ${err.message}`));
    });
    slot.worker.on('exit', () => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (closed || broken) return;
      if (!slot.ready) return fallBack('scheduler: extraction worker exited before it was ready');
      slot.task?.reject(new Error('scheduler: extraction worker exited'));
      dispatch();
    });
    return slot;
  };

  const submit = <T>({ task: t, promise }: { task: Task; promise: Promise<T> }): Promise<T> => {
    if (closed) t.reject(new Error('scheduler: the extraction pool is closed'));
    else if (broken) inline(t);
    else {
      queue.push(t);
      dispatch();
    }
    return promise;
  };

  return {
    get mode() {
      return broken ? 'inline' : 'worker';
    },
    size,
    extract(html, url, options) {
      return submit(task({ id: nextId++, kind: 'extract', html, url, ...(options?.rules ? { rules: options.rules } : {}), ...(options?.explain ? { explain: true } : {}) }, pickExtracted));
    },
    encode(body, base) {
      return submit(task({ id: nextId++, kind: 'encode', body, base }, pickEncoded));
    },
    async close() {
      closed = true;
      for (const t of queue.splice(0)) t.reject(new Error('scheduler: the extraction pool is closed'));
      await Promise.all(slots.splice(0).map((s) => {
        s.task?.reject(new Error('scheduler: the extraction pool is closed'));
        // An idle worker is unref'd; without ref() the process may run out of work before its exit event, leaving
        // this promise unsettled.
        s.worker.ref();
        return s.worker.terminate();
      }));
    },
  };
}

/** The fallback: extraction in the calling thread, behind the same interface. */
function inlinePool(): ExtractPool {
  return {
    mode: 'inline',
    size: 0,
    extract: async (html, url, options) => extract(html, url, options),
    encode: async (body, base) => encodeBody(body, base),
    close: async () => undefined,
  };
}
