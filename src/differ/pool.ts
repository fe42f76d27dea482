/**
 * A bump allocator of Int32Array views. Allocating a typed array costs as much as scanning a few hundred
 * characters, and a diff needs thousands of small ones (token ids, token offsets, word sets); views into one
 * large chunk cost a fraction of that. The chunk is reused from diff to diff: {@link resetPool} at the start of
 * a diff hands the whole chunk out again, so views taken from it must not outlive the diff (results never
 * hold them: they only hold strings).
 */
let chunk = new Int32Array(1 << 15);
let used = 0;

/** Chunks grow (by doubling) up to this many entries, and larger ones are not kept for the next diff: bounds the memory held. */
const CHUNK_LIMIT = 1 << 20;

/** A view of `n` entries with unspecified contents, valid until the next {@link resetPool}. */
export function takeInt32(n: number): Int32Array {
  if (used + n > chunk.length) {
    chunk = new Int32Array(Math.max(n, Math.min(2 * chunk.length, CHUNK_LIMIT)));
    used = 0;
  }
  const out = chunk.subarray(used, used + n);
  used += n;
  return out;
}

/** Makes the whole chunk available again; call once at the start of a diff, never in the middle of one. */
export function resetPool(): void {
  if (chunk.length > CHUNK_LIMIT) chunk = new Int32Array(1 << 15);
  used = 0;
}
