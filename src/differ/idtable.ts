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

  /** Sets bits `bits` in the value of `id`. */
  or(id: number, bits: number): void {
    if (this.stamps[id] === this.generation) this.values[id] = (this.values[id] as number) | bits;
    else {
      this.stamps[id] = this.generation;
      this.values[id] = bits;
    }
  }

  /** Adds `delta` to the value of `id` and returns the new value. */
  add(id: number, delta: number): number {
    const v = this.get(id) + delta;
    this.set(id, v);
    return v;
  }
}
