/**
 * How stored response bodies are encoded (gzip): the one place that knows it, importable by worker threads without
 * the database driver.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';

/** Bodies are stored gzip-compressed at this level (about a fifth of their size for news pages). */
const GZIP_LEVEL = 6;
const gzipAsync = promisify(gzip);

/** The stored form of a body, computed in the calling thread. */
export function compressBodySync(body: Uint8Array): Buffer {
  return gzipSync(body, { level: GZIP_LEVEL });
}

/**
 * The stored form of a body, computed in libuv's thread pool so that the calling thread is free meanwhile; pass
 * the result to insertResponse.
 */
export function compressBody(body: Uint8Array): Promise<Buffer> {
  return gzipAsync(body, { level: GZIP_LEVEL });
}
