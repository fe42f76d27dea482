/**
 * A reusable table indexed by token id, cleared in O(1) by bumping a generation stamp. Token ids come from the
 * interner shared by all diffs and can run into the hundreds of thousands, so per-call arrays sized by the
 * largest id would cost more than the diff itself.
 */
export class IdTable {
  private values = new Int32Array(1024);
  private stamps = new Int32Array(1024);
  private generation = 1;

  /** Empties the table and makes room for ids below `size`. */
  reset(size: number): void {
    if (size > this.values.length) {
      const length = Math.max(size, 2 * this.values.length);
      this.values = new Int32Array(length);
      this.stamps = new Int32Array(length);
      this.generation = 1;
      return;
    }
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  /** The value stored for `id`, or 0. */
  get(id: number): number {
    return this.stamps[id] === this.generation ? (this.values[id] as number) : 0;
  }

  /** Stores `value` for `id`. */
  set(id: number, value: number): void {
    this.stamps[id] = this.generation;
    this.values[id] = value;
  }

  /** Adds `delta` to the value of `id` and returns the new value. */
  add(id: number, delta: number): number {
    const v = this.get(id) + delta;
    this.set(id, v);
    return v;
  }
}

/**
 * Flags 0-3 per token id for the hottest loops: each entry holds 4 * generation + flags, so one array read
 * gives both the stamp and the value (an entry below `base` is from an earlier use: flags 0). Read as
 * `Math.max(0, entries[id] - base)`; write as `entries[id] = base + flags`.
 */
export class FlagTable {
  entries = new Int32Array(1024);
  /** 4 * generation. */
  base = 4;

  /** Clears every flag and makes room for ids below `size`. */
  reset(size: number): void {
    if (size > this.entries.length) {
      this.entries = new Int32Array(Math.max(size, 2 * this.entries.length));
      this.base = 4;
      return;
    }
    this.base += 4;
    if (this.base > 0x7ffffff0) {
      this.entries.fill(0);
      this.base = 4;
    }
  }
}
