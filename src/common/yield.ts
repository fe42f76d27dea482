/**
 * Cooperative time slicing for long work on a thread that also serves requests (exports and feeds on the web
 * thread). Awaiting a promise is not enough to let other requests in: with the synchronous SQLite store every
 * await resolves as a microtask, and a socket that accepts a write at once emits 'drain' on the next tick, so a
 * whole export could run without the event loop ever polling for I/O. A slicer gives the thread back whenever its
 * work has held it for longer than its slice.
 *
 * Giving it back with a bare setImmediate is not enough either when several long jobs run at once: every callback
 * queued for the loop's check phase runs in that same phase, so N jobs that yield together come back together,
 * and a request arriving meanwhile waits for N slices (and for N feeds finishing together: N serialisations). So
 * the yields of a thread form one queue and each turn of the event loop resumes one job only: between two slices
 * of heavy work the loop always polls for I/O, whatever the number of jobs. And it polls a few times: while the
 * loop is busy, Node accepts one new connection per turn of the loop (libuv's accept, measured on Node 20), so with
 * one heavy slice per turn a burst of new connections (a monitor's /healthz, page views) would queue for seconds.
 * A few empty turns between two slices cost microseconds each and let new connections in as fast as they come.
 */

/** Default longest stretch of work between two yields, in ms. */
export const DEFAULT_SLICE_MS = 10;

/** Empty turns of the event loop between two slices of heavy work (see the module comment). */
const IDLE_TURNS = 4;

/** Jobs waiting for their turn, first come first served. */
const waiting: Array<() => void> = [];
let pumping = false;

/** Starts the next job after IDLE_TURNS empty turns of the loop. */
function schedule(): void {
  pumping = true;
  setImmediate(hop, IDLE_TURNS);
}

function hop(left: number): void {
  if (left > 0) setImmediate(hop, left - 1);
  else pump();
}

/** Resumes one waiting job. */
function pump(): void {
  const next = waiting.shift();
  // Scheduled before the job resumes (it resumes as a microtask after this callback): the next job's turn then
  // comes in a later iteration of the loop, after the loop has polled for I/O.
  if (waiting.length > 0) schedule();
  else pumping = false;
  next?.();
}

/** Resolves once the event loop has polled for I/O a few times, after the jobs that yielded before this one. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) schedule();
  });
}

/**
 * A function to await between units of work: it yields to the event loop when `sliceMs` have passed since the last
 * yield, and otherwise returns at once (cheap enough to call after every unit).
 */
export function timeSlicer(sliceMs = DEFAULT_SLICE_MS): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < sliceMs) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}
