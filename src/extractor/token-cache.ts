/**
 * A bounded memo of per-token answers (is this class name furniture?) that never keeps a page alive.
 *
 * Class and id tokens are cut out of the page's HTML; V8 represents such a cut as a "sliced string" pointing into
 * the whole page, so a module-level cache keyed by them kept every page ever extracted in memory (hundreds of MB
 * over a thousand pages in a long-lived worker). Keys are therefore stored as fresh copies, and the number of
 * entries is bounded (least recently used first out), so the cache's size does not depend on how many pages ran.
 */

/** Copies `s` into a new flat string that shares no storage with the string it was cut from. */
export function freshString(s: string): string {
  // Short strings are never sliced by V8 (they are copied on slicing), so only longer ones need the round trip.
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** A least-recently-used map from token to answer, holding at most `limit` fresh-string keys. */
export class TokenCache<V> {
  // Each entry keeps its own (fresh) key: re-inserting under the caller's token would store a sliced string again.
  private readonly map = new Map<string, { key: string; value: V }>();

  constructor(private readonly limit: number) {}

  /** The answer for `token`, computing and remembering it with `compute` on a miss. */
  get(token: string, compute: (token: string) => V): V {
    const hit = this.map.get(token);
    if (hit !== undefined) {
      // Re-inserting moves the key to the end of the Map's order: the front is the least recently used.
      this.map.delete(hit.key);
      this.map.set(hit.key, hit);
      return hit.value;
    }
    const value = compute(token);
    if (this.map.size >= this.limit) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    const key = freshString(token);
    this.map.set(key, { key, value });
    return value;
  }

  /** Entries held now (for tests and diagnostics). */
  get size(): number {
    return this.map.size;
  }
}
