/**
 * Politeness across the fleet: before a request to a host, a slot for that host is taken in the shared database
 * (store.acquireHostSlot), so that per-host concurrency, the delay between requests, robots.txt Crawl-delay and
 * Retry-After hold for all processes together, not per process. On the embedded SQLite store slots are always
 * granted (one process; its own host limiter does the work).
 */
import type { Store } from '../store/index.js';
import { HostDeferredError } from '../fetcher/types.js';

/** How the fleet's slots are asked for. */
export interface FleetSlotOptions {
  store: Store;
  owner: string;
  perHostConcurrency: number;
  perHostDelayMs: number;
  /** A slot held longer than this (a dead process) is free again. */
  holdS: number;
  /** Longest wait for a slot before the request is given up (the article is checked again later). */
  maxWaitMs: number;
}

/** Longest single sleep between two asks, so a freed slot is noticed soon. */
const MAX_POLL_MS = 500;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding a fleet-wide slot for the URL's host. Throws HostDeferredError (FetchError 'deferred') at once
 * when the host is deferred fleet-wide (Retry-After) for longer than `deferWaitMs`, so that a deferred host never
 * keeps a check waiting, and when no slot comes within maxWaitMs (a queue that long).
 */
export async function withFleetSlot<T>(o: FleetSlotOptions, url: string, fn: () => Promise<T>, deferWaitMs = 0): Promise<T> {
  const host = hostOf(url);
  const started = Date.now();
  for (;;) {
    const slot = await o.store.acquireHostSlot({
      host, owner: o.owner, limit: o.perHostConcurrency, delayMs: o.perHostDelayMs, holdS: o.holdS,
    });
    if (slot.granted) {
      try {
        return await fn();
      } finally {
        await o.store.releaseHostSlot(slot.id).catch(() => undefined);
      }
    }
    if (slot.deferredUntil !== null && slot.waitMs > deferWaitMs) {
      // The database's clock says how long; laid on ours, it gives the time the article is due again.
      const until = new Date(Date.now() + slot.waitMs);
      throw new HostDeferredError(url, until, `${host} asked to be left alone until ${until.toISOString()}; not fetching now`);
    }
    const waited = Date.now() - started;
    if (waited + slot.waitMs > o.maxWaitMs) {
      throw new HostDeferredError(url, new Date(Date.now() + slot.waitMs), `no request slot for ${host} within ${o.maxWaitMs} ms; not fetching now`);
    }
    await sleep(Math.max(10, Math.min(slot.waitMs, MAX_POLL_MS)));
  }
}

/**
 * Records a Retry-After for the host fleet-wide, with why (e.g. "HTTP 503, Retry-After: 3600"); errors are ignored:
 * the local limiter defers it anyway. `waitMs` is clamped by the caller (parseRetryAfter).
 */
export function deferFleetHost(o: FleetSlotOptions, url: string, waitMs: number, reason = 'Retry-After'): Promise<void> {
  return o.store.deferHost(hostOf(url), new Date(Date.now() + waitMs).toISOString(), reason).catch(() => undefined);
}

/** Records a robots.txt Crawl-delay for the host fleet-wide. */
export function setFleetCrawlDelay(o: FleetSlotOptions, url: string, delayMs: number): Promise<void> {
  return o.store.setHostCrawlDelay(hostOf(url), delayMs).catch(() => undefined);
}
