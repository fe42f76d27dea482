/**
 * Sorting more text lines than should sit in memory: lines are buffered, sorted and spilled to run files in a
 * temporary folder when the buffer fills, then merged. Used for CDXJ indexes, which must be sorted but grow with
 * the number of captures. Lines compare as JavaScript strings (UTF-16 code units), which equals byte order for
 * the ASCII of SURTs and timestamps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Writable } from 'node:stream';
import { Sink } from './sink.js';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An external merge sort of lines (without their newlines). */
export class ExternalSorter {
  private buffer: string[] = [];
  private bufferChars = 0;
  private runs: string[] = [];
  private dir: string | null = null;
  /** Lines added so far. */
  count = 0;

  /** `maxChars`: characters buffered before a run is spilled to disk (4 M: ~16,000 CDXJ lines, ~10 MB of heap). */
  constructor(private readonly maxChars = 4 * 1024 * 1024, private readonly tmpRoot = os.tmpdir()) {}

  /** Adds a line (it must not contain a newline). */
  async add(line: string): Promise<void> {
    this.buffer.push(line);
    this.bufferChars += line.length;
    this.count++;
    if (this.bufferChars >= this.maxChars) await this.spill();
  }

  private async spill(): Promise<void> {
    this.dir ??= fs.mkdtempSync(path.join(this.tmpRoot, 'palimpsest-sort-'));
    const file = path.join(this.dir, `run-${this.runs.length}.txt`);
    this.buffer.sort(byString);
    const out = fs.createWriteStream(file);
    const sink = new Sink(out);
    for (const line of this.buffer) await sink.write(`${line}\n`);
    await sink.flush();
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    this.runs.push(file);
    this.buffer = [];
    this.bufferChars = 0;
  }

  /** Writes every line, sorted, each followed by "\n", to `out` (not ended), then removes the temporary files. */
  async finish(out: Writable): Promise<void> {
    const sink = new Sink(out);
    try {
      if (this.runs.length === 0) {
        this.buffer.sort(byString);
        for (const line of this.buffer) await sink.write(`${line}\n`);
      } else {
        if (this.buffer.length > 0) await this.spill();
        await this.merge(sink);
      }
      await sink.flush();
    } finally {
      this.cleanup();
    }
  }

  private async merge(sink: Sink): Promise<void> {
    const readers = this.runs.map((f) => readline.createInterface({ input: fs.createReadStream(f), crlfDelay: Infinity })[Symbol.asyncIterator]());
    const heads: Array<string | null> = [];
    for (const r of readers) {
      const n = await r.next();
      heads.push(n.done ? null : n.value);
    }
    // Few runs (one per 4 MB of index): a linear scan for the smallest head is cheaper than a heap's bookkeeping.
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== null && h !== undefined && (min < 0 || h < heads[min]!)) min = i;
      }
      if (min < 0) return;
      await sink.write(`${heads[min]!}\n`);
      const n = await readers[min]!.next();
      heads[min] = n.done ? null : n.value;
    }
  }

  /** Removes the temporary files (also done by finish). */
  cleanup(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.runs = [];
    this.buffer = [];
  }
}
