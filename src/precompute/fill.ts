/**
 * Reading versions' stored diff results, computing and storing the ones missing: versions stored before the
 * version_diffs table existed (an old database works without a migration step, each result computed once on first
 * need), stale ones (their version was re-extracted) and those of an older RESULT_FORMAT.
 */
import type { Store, Version } from '../store/index.js';
import { computeResult, decodeResult, encodeResult, encodeResultAsync, type VersionResult } from './version-result.js';

/** A version whose result is asked for. */
export interface ResultKey {
  id: number;
  articleId: number;
  number: number;
  contentHash: string;
}

/** Versions read at once to compute missing results. */
const BATCH = 10;

/** Options of {@link readResults}. */
export interface ReadResultsOptions {
  /** Called between computations, so that a long fill gives the thread back (the web server's). */
  breathe?: () => Promise<void>;
}

/** The version `key` names and the one before it, or null when the version is gone (or not that one any more). */
async function pairOf(store: Store, key: ResultKey): Promise<[Version | null, Version] | null> {
  const [cur, prev] = await Promise.all([
    store.getVersion(key.articleId, key.number),
    key.number === 1 ? null : store.getVersion(key.articleId, key.number - 1),
  ]);
  if (!cur || cur.id !== key.id || (key.number > 1 && !prev)) return null;
  return [prev, cur];
}

/**
 * The results of `keys` by version id: stored ones as they are, the others computed from the versions' texts and
 * stored for next time. Versions that are gone are left out. A failed write (a read-only database, a lost race
 * with a re-extraction) only costs computing the result again next time.
 */
export async function readResults(store: Store, keys: readonly ResultKey[], opts: ReadResultsOptions = {}): Promise<Map<number, VersionResult>> {
  const out = new Map<number, VersionResult>();
  const stored = await store.getVersionDiffs(keys.map((k) => k.id));
  const byId = new Map(stored.map((d) => [d.versionId, d]));
  const missing: ResultKey[] = [];
  for (const k of keys) {
    const d = byId.get(k.id);
    const r = d ? decodeResult(d, k.contentHash) : null;
    // A result of the other kind belongs to the version's place before a renumbering: not this one's.
    if (r && (r.kind === 'first') === (k.number === 1)) out.set(k.id, r);
    else missing.push(k);
  }
  for (let at = 0; at < missing.length; at += BATCH) {
    const batch = missing.slice(at, at + BATCH);
    const pairs = await Promise.all(batch.map((k) => pairOf(store, k)));
    for (const pair of pairs) {
      await opts.breathe?.();
      if (!pair) continue;
      const [prev, cur] = pair;
      const r = computeResult(prev, cur);
      out.set(cur.id, r);
      await store.putVersionDiff(await encodeResultAsync(cur.id, r, cur.stats)).catch(() => undefined);
    }
  }
  return out;
}

/** Computes and stores the results of every version of an article (after an import; in the caller's transaction). */
export async function storeArticleResults(store: Store, articleId: number): Promise<number> {
  const versions = await store.listVersions(articleId);
  let prev: Version | null = null;
  for (const v of versions) {
    await store.putVersionDiff(encodeResult(v.id, computeResult(prev, v), v.stats));
    prev = v;
  }
  return versions.length;
}
