/**
 * A least-recently-used map bounded by bytes: each entry is counted at the size its caller gives, and the oldest
 * entries are dropped once the total passes the bound. The caches of the web layer (feeds, diffs, pages) and the
 * store's decoded body dictionaries use it, so that their memory stays bounded whatever is asked for.
 */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  /** `maxBytes`: the bound; 0 disables the cache (nothing is kept). */
  constructor(readonly maxBytes: number) {}

  /** The value under `key` (now the most recently used), or undefined. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    // Re-inserting moves the entry to the end of the Map's order: the most recently used.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Keeps `value` under `key` counted as `bytes`; a value larger than the whole bound is not kept. */
  set(key: string, value: V, bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.bytes;
    }
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** Bytes counted for the entries kept. */
  get bytes(): number {
    return this.total;
  }

  /** Number of entries kept. */
  get size(): number {
    return this.entries.size;
  }
}
