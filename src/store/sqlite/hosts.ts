/**
 * Hosts deferred by Retry-After, on SQLite (migrations/0006_host_deferrals.sql). The fetching process's own host
 * limiter enforces the wait; this is the record of it, for `palimpsest doctor` and any other process reading the file.
 */
import { stmt, type Db } from './db.js';
import type { DeferredHost } from '../store.js';

/** Records that `host` asked to be left alone until `until`, never shortening a deferral already recorded. */
export function deferHost(db: Db, host: string, until: string, reason: string): void {
  const t = Date.parse(until);
  if (!Number.isFinite(t)) throw new Error(`store: deferHost needs an ISO time, not ${JSON.stringify(until)}`);
  const now = new Date().toISOString();
  // Expired deferrals are of no use to anyone: each new one sweeps them, so the table stays as small as the set of
  // hosts deferred right now.
  stmt(db, 'DELETE FROM host_deferrals WHERE deferred_until <= ?').run(now);
  stmt(db, `INSERT INTO host_deferrals (host, deferred_until, reason) VALUES (?, ?, ?)
    ON CONFLICT (host) DO UPDATE SET
      reason = CASE WHEN excluded.deferred_until >= deferred_until THEN excluded.reason ELSE reason END,
      deferred_until = max(deferred_until, excluded.deferred_until)`).run(host, new Date(t).toISOString(), reason);
}

/** Hosts deferred beyond `now`, the longest deferral first. */
export function listDeferredHosts(db: Db, now: string): DeferredHost[] {
  return (stmt(db, `SELECT host, deferred_until AS until, reason FROM host_deferrals WHERE deferred_until > ?
    ORDER BY deferred_until DESC, host`).all(now) as DeferredHost[]);
}
