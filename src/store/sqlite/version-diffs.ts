/** The stored per-version diff results of the feeds (table version_diffs, migration 0011). */
import { stmt, type Db } from './db.js';
import type { StoredVersionDiff } from '../types.js';

interface VersionDiffRecord {
  version_id: number;
  format_version: number;
  payload: Buffer;
}

/** The stored results of these versions (any format version; missing ones are left out). */
export function getVersionDiffs(db: Db, versionIds: readonly number[]): StoredVersionDiff[] {
  if (versionIds.length === 0) return [];
  // One statement for any number of ids: the ids go in as a JSON array.
  const rows = stmt(db, `SELECT version_id, format_version, payload FROM version_diffs
    WHERE version_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(versionIds)) as VersionDiffRecord[];
  return rows.map((r) => ({ versionId: r.version_id, formatVersion: r.format_version, payload: r.payload }));
}

/**
 * Writes (or replaces) a version's stored result. With `signal` it takes the next write sequence number; without,
 * a new row gets 0 and a replaced one keeps its number (see Store.putVersionDiff).
 */
export function putVersionDiff(db: Db, d: StoredVersionDiff, signal: boolean): void {
  stmt(db, `INSERT INTO version_diffs (version_id, format_version, seq, payload)
    VALUES (@versionId, @formatVersion, CASE WHEN @signal = 1 THEN (SELECT coalesce(max(seq), 0) + 1 FROM version_diffs) ELSE 0 END, @payload)
    ON CONFLICT (version_id) DO UPDATE SET format_version = excluded.format_version, payload = excluded.payload,
      seq = CASE WHEN @signal = 1 THEN excluded.seq ELSE version_diffs.seq END`)
    .run({ ...d, signal: signal ? 1 : 0 });
}

/**
 * Marks the stored results of version `id` and of the version after it (whose predecessor it is) as stale: format 0,
 * never current, and a new sequence number so that caches built from them notice. Run before the version's content
 * changes or it is deleted.
 */
export function invalidateVersionDiffs(db: Db, id: number): void {
  stmt(db, `UPDATE version_diffs SET format_version = 0, seq = (SELECT coalesce(max(seq), 0) + 1 FROM version_diffs)
    WHERE version_id IN (SELECT n.id FROM versions v JOIN versions n ON n.article_id = v.article_id AND n.number IN (v.number, v.number + 1)
      WHERE v.id = ?)`).run(id);
}

/** The highest write sequence number of the stored results (0 when there are none): it changes whenever one does. */
export function getVersionDiffsSeq(db: Db): number {
  return (stmt(db, 'SELECT coalesce(max(seq), 0) AS s FROM version_diffs').get() as { s: number }).s;
}
