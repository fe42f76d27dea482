/**
 * A buffered writer over any Writable (file, stdout, gzip stream, HTTP response) that respects backpressure and
 * counts bytes. Small writes are gathered into one chunk, and a full buffer waits for 'drain', so an export's
 * memory does not grow with the size of the database or the slowness of the reader. Every export writes through
 * one, so it is also where an export gives the thread back: a fast reader never makes the stream wait, and the web
 * server's other requests (a health check, a page) would otherwise wait for the whole export (src/common/yield.ts).
 */
import type { Writable } from 'node:stream';
import { timeSlicer } from '../common/yield.js';

/** Resolves on 'drain'; rejects if the stream errors or closes first (e.g. an HTTP client that went away). */
export function waitDrain(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
    };
    const onDrain = (): void => { cleanup(); resolve(); };
    const onError = (err: Error): void => { cleanup(); reject(err); };
    const onClose = (): void => { cleanup(); reject(new Error('export: the output was closed before the export finished')); };
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/** Buffered, backpressure-aware writing; `bytes` counts everything written through it. */
export class Sink {
  /** Bytes written through this sink so far. */
  bytes = 0;
  private chunks: Buffer[] = [];
  private pending = 0;
  /** Yields to the event loop once the export has held the thread for a slice (10 ms). */
  private readonly breathe = timeSlicer();

  constructor(private readonly out: Writable, private readonly bufferSize = 256 * 1024) {}

  /** Queues `data`; when the buffer is full, hands it to the stream and waits if the stream asks to. */
  async write(data: string | Buffer): Promise<void> {
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.chunks.push(b);
    this.pending += b.length;
    this.bytes += b.length;
    if (this.pending >= this.bufferSize) await this.flush();
    else await this.breathe();
  }

  /** Hands everything buffered to the stream (does not end it: the caller owns the stream). */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    if (this.out.destroyed) throw new Error('export: the output was closed before the export finished');
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.pending);
    this.chunks = [];
    this.pending = 0;
    if (!this.out.write(data)) await waitDrain(this.out);
    await this.breathe();
  }
}
