/** The stored per-version diff results of the feeds (table version_diffs, migration 0008). */
import { row, rows, run, type Db } from './db.js';
import type { StoredVersionDiff } from '../types.js';

interface VersionDiffRecord {
  version_id: string | number;
  format_version: number;
  payload: Buffer;
}

/** The stored results of these versions (any format version; missing ones are left out). */
export async function getVersionDiffs(db: Db, versionIds: readonly number[]): Promise<StoredVersionDiff[]> {
  if (versionIds.length === 0) return [];
  const rs = await rows<VersionDiffRecord>(db, `SELECT version_id, format_version, payload FROM version_diffs
    WHERE version_id = ANY($1::bigint[])`, [versionIds]);
  return rs.map((r) => ({ versionId: Number(r.version_id), formatVersion: r.format_version, payload: r.payload }));
}

/**
 * Writes (or replaces) a version's stored result. With `signal` it takes the next write sequence number; without,
 * a new row gets 0 and a replaced one keeps its number (see Store.putVersionDiff).
 */
export async function putVersionDiff(db: Db, d: StoredVersionDiff, signal: boolean): Promise<void> {
  await run(db, `INSERT INTO version_diffs (version_id, format_version, seq, payload)
    VALUES ($1, $2, CASE WHEN $4::boolean THEN nextval('version_diffs_seq') ELSE 0 END, $3)
    ON CONFLICT (version_id) DO UPDATE SET format_version = excluded.format_version, payload = excluded.payload,
      seq = CASE WHEN $4::boolean THEN excluded.seq ELSE version_diffs.seq END`, [d.versionId, d.formatVersion, d.payload, signal]);
}

/**
 * Marks the stored results of version `id` and of the version after it (whose predecessor it is) as stale: format 0,
 * never current, and a new sequence number so that caches built from them notice. Run before the version's content
 * changes or it is deleted.
 */
export async function invalidateVersionDiffs(db: Db, id: number): Promise<void> {
  await run(db, `UPDATE version_diffs SET format_version = 0, seq = nextval('version_diffs_seq')
    WHERE version_id IN (SELECT n.id FROM versions v JOIN versions n ON n.article_id = v.article_id AND n.number IN (v.number, v.number + 1)
      WHERE v.id = $1)`, [id]);
}

/** The highest write sequence number of the stored results (0 when there are none): it changes whenever one does. */
export async function getVersionDiffsSeq(db: Db): Promise<number> {
  const r = await row<{ s: string | number }>(db, 'SELECT coalesce(max(seq), 0) AS s FROM version_diffs');
  return Number(r?.s ?? 0);
}
