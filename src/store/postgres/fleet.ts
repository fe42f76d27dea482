/**
 * Fleet-wide coordination on PostgreSQL: singleton locks (session advisory locks, each on a connection of its own)
 * and request slots per host (migrations/postgres/0003_fleet.sql). Every time here is the database's clock, read
 * with clock_timestamp(): now() is the transaction's start, which may lie well before a wait for the host's row lock.
 */
import pg from 'pg';
import { lockKey, row, rows, run, type Db } from './db.js';
import type { DeferredHost, HostSlot, HostSlotRequest, SingletonLock } from '../store.js';

/** How long a lock connection's query may take before the lock counts as lost (a server or network gone silent). */
const LOCK_QUERY_TIMEOUT_MS = 10_000;

/** Opens a connection of its own for a lock (the caller's connection settings and error messages). */
export type ConnectLockClient = (config: Partial<pg.ClientConfig>) => Promise<pg.Client>;

/**
 * Tries to take the advisory lock `name` on a dedicated connection (not the pool's: a session lock lives as long
 * as its connection, and a pooled connection would carry it to whatever query borrows it next). The server frees
 * the lock when that connection ends, so a process that dies loses it. Null when another session holds it.
 * `track` learns of the connection until the lock is released, so that closing the store ends it too.
 */
export async function tryLock(connect: ConnectLockClient, name: string, owner: string, track: Set<pg.Client>): Promise<SingletonLock | null> {
  const key = lockKey(`lock:${name}`);
  const unsigned = BigInt.asUintN(64, key);
  // pg_locks shows a bigint advisory key as its high and low 32 bits.
  const classid = (unsigned >> 32n).toString();
  const objid = (unsigned & 0xffffffffn).toString();
  let dead = false;
  const client = await connect({
    // Shown in pg_stat_activity: who holds which lock (application_name is cut at 63 bytes).
    application_name: `palimpsest lock ${name} ${owner}`.slice(0, 63),
    query_timeout: LOCK_QUERY_TIMEOUT_MS,
  });
  client.on('error', () => { dead = true; });
  client.on('end', () => { dead = true; });
  const end = async (): Promise<void> => {
    dead = true;
    track.delete(client);
    await client.end().catch(() => undefined);
  };
  let taken = false;
  try {
    taken = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key.toString()])).rows[0]?.ok === true;
  } finally {
    if (!taken) await end();
  }
  if (!taken) return null;
  track.add(client);
  let released = false;
  return {
    held: async () => {
      if (released || dead) return false;
      try {
        const r = await client.query<{ held: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
          AND pid = pg_backend_pid() AND granted AND classid = $1::oid AND objid = $2::oid AND objsubid = 1) AS held`, [classid, objid]);
        if (r.rows[0]?.held === true) return true;
      } catch {
        // A connection that fails its query no longer vouches for the lock.
      }
      await end();
      return false;
    },
    release: async () => {
      if (released) return;
      released = true;
      if (!dead) await client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]).catch(() => undefined);
      await end();
    },
  };
}

/** How long to wait when a host has no free slot: a short, jittered poll, so that waiting workers do not stampede. */
function busyWaitMs(): number {
  return 100 + Math.floor(Math.random() * 150);
}

/**
 * Takes a request slot for a host, or says how long to wait. Run it in a transaction: the host's row is locked
 * FOR UPDATE while the slots are counted and the next start is moved, so two workers never both take the last
 * slot or both start at the same moment.
 */
export async function acquireHostSlot(tx: Db, r: HostSlotRequest): Promise<HostSlot> {
  await run(tx, 'INSERT INTO host_state (host) VALUES ($1) ON CONFLICT (host) DO NOTHING', [r.host]);
  // Waits are capped to the int range: a deferral recorded far ahead (a Retry-After in year 9999 by an older
  // version) must give a long wait, not an "integer out of range" error on every request to the host.
  const state = await row<{ deferred_until: Date | null; deferred_ms: number | null; start_ms: number | null }>(tx, `SELECT deferred_until,
      CASE WHEN deferred_until > clock_timestamp() THEN least(ceil(extract(epoch FROM deferred_until - clock_timestamp()) * 1000), 2147483647)::int END AS deferred_ms,
      CASE WHEN next_start > clock_timestamp() THEN least(ceil(extract(epoch FROM next_start - clock_timestamp()) * 1000), 2147483647)::int END AS start_ms
    FROM host_state WHERE host = $1 FOR UPDATE`, [r.host]);
  if (!state) throw new Error(`store: host_state row of ${r.host} vanished`);
  if (state.deferred_ms !== null && state.deferred_until !== null) {
    return { granted: false, waitMs: Math.max(1, state.deferred_ms), deferredUntil: state.deferred_until.toISOString() };
  }
  // Expired slots (their workers died) are deleted here; the count excludes them, as the DELETE is not yet visible.
  const open = await row<{ n: number }>(tx, `WITH expired AS (DELETE FROM host_slots WHERE host = $1 AND expires_at <= clock_timestamp())
    SELECT count(*)::int AS n FROM host_slots WHERE host = $1 AND expires_at > clock_timestamp()`, [r.host]);
  if ((open?.n ?? 0) >= r.limit) return { granted: false, waitMs: busyWaitMs(), deferredUntil: null };
  if (state.start_ms !== null) return { granted: false, waitMs: Math.max(1, state.start_ms), deferredUntil: null };
  const slot = await row<{ id: number }>(tx, `WITH slot AS (
      INSERT INTO host_slots (host, owner, expires_at) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3)) RETURNING id),
    moved AS (
      UPDATE host_state SET next_start = clock_timestamp() + make_interval(secs => greatest($4::double precision, crawl_delay_ms) / 1000.0)
       WHERE host = $1)
    SELECT id FROM slot`, [r.host, r.owner, r.holdS, r.delayMs]);
  if (!slot) throw new Error(`store: host slot for ${r.host} vanished after insert`);
  return { granted: true, id: String(slot.id) };
}

/** Frees a host slot (ids that are not ours, like SQLite's '', are ignored). */
export async function releaseHostSlot(db: Db, id: string): Promise<void> {
  if (!/^\d{1,18}$/.test(id)) return;
  await run(db, 'DELETE FROM host_slots WHERE id = $1::bigint', [id]);
}

/**
 * Leaves a host alone until `until`, never shortening a deferral already recorded. The caller's ISO time is taken
 * as a duration from the caller's clock and laid on the database's clock, so a host with a skewed clock defers
 * for as long as it meant.
 */
export async function deferHost(db: Db, host: string, until: string, reason: string): Promise<void> {
  const ms = Date.parse(until) - Date.now();
  if (!Number.isFinite(ms)) throw new Error(`store: deferHost needs an ISO time, not ${JSON.stringify(until)}`);
  await run(db, `INSERT INTO host_state AS h (host, deferred_until, defer_reason)
      VALUES ($1, clock_timestamp() + make_interval(secs => $2::double precision / 1000), $3)
    ON CONFLICT (host) DO UPDATE SET
      deferred_until = greatest(h.deferred_until, excluded.deferred_until),
      defer_reason = CASE WHEN h.deferred_until IS NULL OR excluded.deferred_until >= h.deferred_until
        THEN excluded.defer_reason ELSE h.defer_reason END`, [host, ms, reason]);
}

/** Hosts deferred beyond the database's now, the longest deferral first. */
export async function listDeferredHosts(db: Db): Promise<DeferredHost[]> {
  const r = await rows<{ host: string; until: Date; reason: string | null }>(db, `SELECT host, deferred_until AS until, defer_reason AS reason
    FROM host_state WHERE deferred_until > clock_timestamp() ORDER BY deferred_until DESC, host`);
  return r.map((h) => ({ host: h.host, until: h.until.toISOString(), reason: h.reason ?? '' }));
}

/** Records a host's robots.txt Crawl-delay (milliseconds). */
export async function setHostCrawlDelay(db: Db, host: string, delayMs: number): Promise<void> {
  const ms = Math.min(2_147_483_647, Math.max(0, Math.round(delayMs)));
  await run(db, `INSERT INTO host_state (host, crawl_delay_ms) VALUES ($1, $2)
    ON CONFLICT (host) DO UPDATE SET crawl_delay_ms = excluded.crawl_delay_ms`, [host, ms]);
}
