/**
 * Writing WARC records as one gzip member each, in order, reporting where each landed. Compression is synchronous
 * on purpose: zlib's asynchronous calls cost more per call (a stream each) than they win in parallelism for
 * records of a few kilobytes (measured slower on two cores).
 */
import { gzipSync } from 'node:zlib';
import type { Sink } from './sink.js';

/** Where a record landed in the file: offset of its gzip member and the member's length. */
export interface Placement {
  offset: number;
  length: number;
}

/** Default gzip level of WARC records (zlib's default: what other WARC writers use). */
export const WARC_GZIP_LEVEL = 6;

/** An in-order writer of gzip-compressed records onto a Sink. */
export class GzipRecordWriter {
  constructor(private readonly sink: Sink, private readonly level = WARC_GZIP_LEVEL) {}

  /** Compresses and writes a record; `written` then runs with its placement. */
  async push(raw: Buffer, written?: (at: Placement) => void | Promise<void>): Promise<void> {
    const bytes = gzipSync(raw, { level: this.level });
    const offset = this.sink.bytes;
    await this.sink.write(bytes);
    await written?.({ offset, length: bytes.length });
  }
}
