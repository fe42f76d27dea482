/**
 * How stored response bodies are encoded: the one place that knows it, importable by worker threads without the
 * database driver. Bodies are stored as zstd deltas against the article's previous body (delta-codec.ts); gzip is
 * what rows written before delta storage hold (and what other stored documents, such as rendered pages, use).
 */
import { gzipSync } from 'node:zlib';
import { BODY_DECODE_BUDGET, BODY_SNAPSHOT_EVERY, encodeDelta, type DeltaBase, type Encoded } from './delta-codec.js';

/** gzip level of compressBodySync (about a fifth of their size for news pages). */
const GZIP_LEVEL = 6;

/** gzip of a body, computed in the calling thread. */
export function compressBodySync(body: Uint8Array): Buffer {
  return gzipSync(body, { level: GZIP_LEVEL });
}

/**
 * A body's stored form computed ahead of insertResponse: an Encoded from encodeBody, or (from callers written before
 * delta storage) a gzip Buffer, which insertResponse ignores and encodes the body itself.
 */
export type PreparedBody = Encoded | Buffer;

/** Whether `p` is an encoding from encodeBody (not a gzip Buffer, nor nothing). */
export function isEncoded(p: PreparedBody | undefined): p is Encoded {
  return p !== undefined && !Buffer.isBuffer(p);
}

/**
 * The stored form of `body`: a zstd delta against `base` (the article's newest body, from the store's bodyBase), or
 * a keyframe every BODY_SNAPSHOT_EVERY-th body (sooner for a large one: BODY_DECODE_BUDGET). Synchronous; the extraction pool runs it off the main
 * thread.
 */
export function encodeBody(body: Uint8Array, base: DeltaBase | null): Encoded {
  return encodeDelta(body, base, BODY_SNAPSHOT_EVERY, BODY_DECODE_BUDGET);
}
