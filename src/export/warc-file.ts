/** Writing a WARC export to a file with its sorted CDXJ index beside it (`<file>.cdxj`). */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/index.js';
import { cdxjLine } from './cdxj.js';
import { ExternalSorter } from './external-sort.js';
import { exportWarc, type WarcOptions, type WarcSummary } from './warc.js';

/** Ends a file stream and waits until it is closed (its data written), or rejects if writing failed. */
export function closeFile(out: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.once('close', () => resolve());
    out.end();
  });
}

/** What writeWarcFile wrote. */
export interface WarcFileSummary extends WarcSummary {
  /** Path of the CDXJ index and its number of lines. */
  indexFile: string;
  indexLines: number;
}

/**
 * Writes the WARC export to `file` and its SURT-sorted CDXJ index to `indexFile` (default `<file>.cdxj`); index
 * lines name the WARC by its base name, as a replay tool expects an index beside its WARC. On failure both are
 * removed, so a half-written archive is never left looking complete.
 */
export async function writeWarcFile(store: Store, file: string, opts: WarcOptions & { indexFile?: string } = {}): Promise<WarcFileSummary> {
  const filename = path.basename(file);
  const indexFile = opts.indexFile ?? `${file}.cdxj`;
  const sorter = new ExternalSorter(undefined, path.dirname(path.resolve(file)));
  const out = fs.createWriteStream(file);
  try {
    const summary = await exportWarc(store, out, {
      ...opts, filename,
      onCapture: async (e) => {
        await sorter.add(cdxjLine(e, filename));
        await opts.onCapture?.(e);
      },
    });
    await closeFile(out);
    const idx = fs.createWriteStream(indexFile);
    await sorter.finish(idx);
    await closeFile(idx);
    return { ...summary, indexFile, indexLines: sorter.count };
  } catch (err) {
    out.destroy();
    sorter.cleanup();
    fs.rmSync(file, { force: true });
    fs.rmSync(indexFile, { force: true });
    throw err;
  }
}
