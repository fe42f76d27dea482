/**
 * Bounds on heavy requests. Feeds (up to a hundred diffs each), search and export downloads cost far more than a
 * page, and they all run on the web server's one thread: served all at once, a burst of them would keep it busy
 * for seconds and every other request (a page, /healthz) would wait. So each kind goes through a gate that lets a
 * few run at once per process; the rest wait in a queue, first come first served, and when the queue is full (or a
 * request has waited too long) the answer is 503 with Retry-After, which well-behaved clients and feed readers obey.
 */
import type { Response } from 'express';
import { yieldToEventLoop } from '../common/yield.js';
import { HttpError } from './errors.js';

/** The longest a request waits in a gate's queue before it is answered 503. */
export const HEAVY_QUEUE_WAIT_MS = 30_000;

/** What a gate is doing now (reported by /healthz). */
export interface GateState {
  /** Requests holding a slot. */
  running: number;
  /** Requests waiting for one. */
  queued: number;
  /** Slots. */
  limit: number;
  /** Longest queue. */
  queueLimit: number;
  /** Requests answered 503 so far because the queue was full or the wait too long. */
  refused: number;
}

/** Options of a gate. */
export interface GateOptions {
  /** What it guards, in messages ("feed and search", "export"). */
  name: string;
  /** Requests served at once. */
  limit: number;
  /** Requests that may wait; beyond it, 503. */
  queueLimit: number;
  /** Retry-After (seconds) of a 503. */
  retryAfterS: number;
  /** The longest wait in the queue (default HEAVY_QUEUE_WAIT_MS). */
  maxWaitMs?: number;
}

interface Waiter {
  grant: () => void;
  refuse: (err: Error) => void;
}

/** A counting semaphore with a bounded queue, released when the response is done (see the module comment). */
export class RequestGate {
  private running = 0;
  private refused = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly o: GateOptions) {}

  /** The gate's current state. */
  state(): GateState {
    return { running: this.running, queued: this.queue.length, limit: this.o.limit, queueLimit: this.o.queueLimit, refused: this.refused };
  }

  /**
   * Waits for a slot for the request answered by `res` and holds it until the response is finished or its client
   * went away. Throws an HttpError 503 (with Retry-After) when the queue is full or the wait ran out; when the client
   * goes away while waiting, it never resolves (the request is abandoned, not served).
   */
  async enter(res: Response): Promise<void> {
    if (this.running < this.o.limit) {
      this.take(res);
      // The heavy work starts in a turn of its own, not in the I/O callback that also parses the next requests.
      await yieldToEventLoop();
      return;
    }
    if (this.queue.length >= this.o.queueLimit) throw this.busy();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => { cleanup(); resolve(); },
        refuse: (err) => { cleanup(); reject(err); },
      };
      const leave = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
      };
      const timer = setTimeout(() => { leave(); waiter.refuse(this.busy()); }, this.o.maxWaitMs ?? HEAVY_QUEUE_WAIT_MS);
      // A client that gave up is not served later: its place goes to the next in line, and this wait is dropped
      // without settling (there is nobody to answer; nothing refers to it any more, so it is collected).
      const gone = (): void => { leave(); cleanup(); };
      const cleanup = (): void => {
        clearTimeout(timer);
        res.off('close', gone);
      };
      res.on('close', gone);
      this.queue.push(waiter);
    });
    // The slot was handed over by the releasing request (running was not decremented), so only bind its release.
    this.bindRelease(res);
    await yieldToEventLoop();
  }

  private take(res: Response): void {
    this.running++;
    this.bindRelease(res);
  }

  /** Frees the slot once, when the response is done, handing it straight to the next waiter if there is one. */
  private bindRelease(res: Response): void {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next.grant();
      else this.running--;
    };
    // 'close' follows 'finish' and also fires when the client goes away mid-response.
    res.once('close', release);
    if (res.destroyed || res.writableFinished) release();
  }

  private busy(): HttpError {
    this.refused++;
    return new HttpError(503, `too many heavy requests at once (${this.o.name}); try again in ${this.o.retryAfterS} s`,
      { 'Retry-After': String(this.o.retryAfterS) });
  }
}

/** The gates of one web app: feeds and search share one; export downloads, which last as long as their reader, another. */
export interface HeavyGates {
  /** Feeds and search. */
  compute: RequestGate;
  /** Export downloads. */
  exports: RequestGate;
}

/** The gates for the configured limits (config.web). */
export function createHeavyGates(web: { heavyConcurrency: number; exportConcurrency: number; heavyQueue: number }): HeavyGates {
  return {
    compute: new RequestGate({ name: 'feed and search', limit: web.heavyConcurrency, queueLimit: web.heavyQueue, retryAfterS: 5 }),
    exports: new RequestGate({ name: 'export', limit: web.exportConcurrency, queueLimit: web.heavyQueue, retryAfterS: 30 }),
  };
}
