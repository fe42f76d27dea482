/**
 * Reads a response body while undoing its Content-Encoding, stopping as soon as either the bytes on the wire or
 * the decoded bytes pass the limit. Everything is streamed with backpressure, so a gzip bomb is never inflated
 * further than the limit and a huge body is never buffered whole.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './types.js';

/** Thrown inside the pipeline when a limit is passed; turned into a FetchError by the caller. */
class LimitExceeded extends Error {}

/** Counts bytes flowing through and fails the pipeline once more than `limit` have passed. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) cb(new LimitExceeded(`${this.what} exceeds ${this.limit} bytes`));
    else cb(null, chunk);
  }
}

/** Thrown inside the pipeline by a truncating Collector once it holds `limit` bytes: the rest is not read. */
class Full extends Error {}

/** Collects the decoded body, failing once it grows past `limit` (or, when truncating, keeping its first `limit` bytes). */
class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  private seen = 0;
  truncated = false;
  constructor(
    private readonly limit: number,
    private readonly truncate: boolean,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.seen + chunk.length > this.limit) {
      if (!this.truncate) return cb(new LimitExceeded(`decoded body exceeds ${this.limit} bytes`));
      this.chunks.push(chunk.subarray(0, this.limit - this.seen));
      this.seen = this.limit;
      this.truncated = true;
      return cb(new Full());
    }
    this.seen += chunk.length;
    this.chunks.push(chunk);
    cb();
  }
}

/** A read body: its bytes, and whether it was cut at the limit (only when asked to truncate). */
export interface ReadBody {
  body: Buffer;
  truncated: boolean;
}

/** Splits a Content-Encoding header into codings in the order they were applied ("identity" dropped). */
export function parseContentEncoding(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** A decompressor for one coding; `firstByte` tells zlib-wrapped deflate from the raw deflate some servers send. */
function decoderFor(coding: string, firstByte: number | undefined, url: string): Transform {
  // Lenient flush modes: a truncated-but-readable stream still yields its text, as in browsers.
  const zlibOpts = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(zlibOpts);
    case 'deflate':
      // A zlib header is 0x78 (deflate, 32K window) in practice; anything else is raw deflate.
      return firstByte === 0x78 ? zlib.createInflate(zlibOpts) : zlib.createInflateRaw(zlibOpts);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      throw new FetchError('decoding', `unsupported content-encoding "${coding}"`, url);
  }
}

/** Resolves with the first chunk of `stream` (put back so it is read again), or null when the body is empty. */
function peekFirstByte(stream: IncomingMessage): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onEnd);
    };
    const onReadable = (): void => {
      const chunk = stream.read() as Buffer | null;
      if (chunk === null) return; // woken by end-of-stream; 'end' follows
      cleanup();
      stream.unshift(chunk);
      resolve(chunk[0] ?? null);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
  });
}

/**
 * How many wire bytes a truncated read may take per decoded byte kept: compressed data that inflates to less than
 * this is no document, and without a bound a stream of empty deflate blocks would be read until the timeout.
 */
const TRUNCATED_WIRE_FACTOR = 4;

/**
 * Reads and decodes the whole body of `res`. Throws FetchError `too_large` past `maxBytes` (wire or decoded),
 * `decoding` for an unknown coding or corrupt compressed data; transport errors are rethrown unchanged for the
 * caller to classify. With `truncate`, a longer body is cut after its first `maxBytes` decoded bytes instead (the
 * rest is never read, the connection is closed) and `truncated` says so: robots.txt is read that way (RFC 9309).
 */
export async function readBody(res: IncomingMessage, maxBytes: number, url: string, truncate = false): Promise<ReadBody> {
  const codings = parseContentEncoding(res.headers['content-encoding']);
  const declared = Number(res.headers['content-length']);
  if (!truncate && Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new FetchError('too_large', `body of ${declared} bytes (Content-Length) exceeds the limit of ${maxBytes}`, url);
  }
  const collector = new Collector(maxBytes, truncate);
  let decoders: Transform[] = [];
  if (codings.length > 0) {
    const first = await peekFirstByte(res);
    if (first === null) return { body: Buffer.alloc(0), truncated: false }; // nothing to inflate (zlib would call it truncated)
    // Codings are listed in the order applied, so they are undone from last to first.
    decoders = [...codings].reverse().map((c, i) => decoderFor(c, i === 0 ? first : 0x78, url));
  }
  const wireLimit = truncate ? maxBytes * TRUNCATED_WIRE_FACTOR : maxBytes;
  try {
    await pipeline([res, new ByteLimit(wireLimit, 'body on the wire'), ...decoders, collector]);
  } catch (err) {
    if (err instanceof Full) {
      res.destroy(); // the rest of the body is of no interest; the connection cannot be reused in mid-body
      return { body: Buffer.concat(collector.chunks), truncated: true };
    }
    if (err instanceof LimitExceeded) throw new FetchError('too_large', err.message, url);
    if (isZlibError(err)) {
      throw new FetchError('decoding', `cannot decode ${codings.join(', ')} body: ${(err as Error).message}`, url);
    }
    throw err;
  }
  return { body: Buffer.concat(collector.chunks), truncated: false };
}

/** True for zlib's data errors (codes like Z_DATA_ERROR, Z_BUF_ERROR or ERR__ERROR_FORMAT_... from brotli). */
function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(code);
}
