/**
 * WACZ export (Web Archive Collection Zipped, spec 1.1.1): a zip holding `archive/data.warc.gz`,
 * `indexes/index.cdxj`, `pages/pages.jsonl` (one page per capture, so every version can be opened in a replay
 * tool such as ReplayWeb.page), `datapackage.json` (sha256 and size of each of those files) and
 * `datapackage-digest.json`. The parts are written to a temporary folder first (their digests must be known before
 * datapackage.json), then zipped with yazl onto any Writable. The WARC is stored uncompressed in the zip (it is
 * gzip already, and replay tools read it by range).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { Store } from '../store/index.js';
import { resolveScope } from './scope.js';
import { Sink } from './sink.js';
import { GENERATOR, type ExportOptions } from './types.js';
import type { CaptureEntry, WarcSummary } from './warc.js';
import { closeFile, writeWarcFile } from './warc-file.js';

/** WACZ version written in datapackage.json. */
export const WACZ_VERSION = '1.1.1';

/** WACZ options: the common ones, a title, and where to put the temporary parts (default the OS temp folder). */
export interface WaczOptions extends ExportOptions {
  title?: string;
  tmpDir?: string;
}

/** One resource entry of datapackage.json. */
export interface WaczResource {
  name: string;
  path: string;
  hash: string;
  bytes: number;
}

/** sha256 (`sha256:` + hex, as WACZ writes it) and size of a file, read as a stream. */
export async function fileDigest(file: string): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash: `sha256:${h.digest('hex')}`, bytes };
}

function pageLine(e: CaptureEntry): string {
  const id = createHash('sha256').update(`${e.url}\0${e.date}`).digest('hex').slice(0, 32);
  return JSON.stringify({ id, url: e.url, ts: e.date, title: e.title ?? e.url });
}

/** Writes a WACZ of the scope to `out` (not ended: the caller owns it). Throws ScopeError for an unknown scope. */
export async function exportWacz(store: Store, out: Writable, opts: WaczOptions = {}): Promise<WarcSummary> {
  const started = performance.now();
  const scope = await resolveScope(store, opts.scope ?? {});
  const created = (opts.now ?? (() => new Date()))();
  const dir = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), 'palimpsest-wacz-'));
  try {
    const files = {
      warc: path.join(dir, 'data.warc.gz'), index: path.join(dir, 'index.cdxj'), pages: path.join(dir, 'pages.jsonl'),
    };
    const pagesOut = fs.createWriteStream(files.pages);
    const pages = new Sink(pagesOut);
    await pages.write(`${JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages' })}\n`);
    let first: CaptureEntry | null = null;
    let summary: WarcSummary;
    try {
      summary = await writeWarcFile(store, files.warc, {
        ...opts, indexFile: files.index, now: () => created,
        onCapture: async (e) => {
          // Screenshots are in the index (a replay tool finds them) but are no pages of their own.
          if (e.type === 'resource') return;
          first ??= e;
          await pages.write(`${pageLine(e)}\n`);
        },
      });
      await pages.flush();
      await closeFile(pagesOut);
    } catch (err) {
      pagesOut.destroy();
      throw err;
    }

    const parts: Array<[string, string]> = [[files.warc, 'archive/data.warc.gz'], [files.index, 'indexes/index.cdxj'], [files.pages, 'pages/pages.jsonl']];
    const resources: WaczResource[] = [];
    for (const [file, zipPath] of parts) resources.push({ name: path.basename(zipPath), path: zipPath, ...(await fileDigest(file)) });
    const title = opts.title ?? (scope.described.article ? `Palimpsest: ${scope.described.article}`
      : scope.described.source ? `Palimpsest: source ${scope.described.source}` : 'Palimpsest export');
    const firstPage = first as CaptureEntry | null;
    const datapackage = Buffer.from(`${JSON.stringify({
      profile: 'data-package', wacz_version: WACZ_VERSION, title, software: GENERATOR, created: created.toISOString(),
      ...(firstPage ? { mainPageURL: firstPage.url, mainPageDate: firstPage.date } : {}), resources,
    }, null, 2)}\n`);
    const digest = Buffer.from(`${JSON.stringify({ path: 'datapackage.json', hash: `sha256:${createHash('sha256').update(datapackage).digest('hex')}` }, null, 2)}\n`);

    const zip = new yazl.ZipFile();
    for (const [file, zipPath] of parts) zip.addFile(file, zipPath, { compress: zipPath.startsWith('archive/') ? false : true, mtime: created });
    zip.addBuffer(datapackage, 'datapackage.json', { mtime: created });
    zip.addBuffer(digest, 'datapackage-digest.json', { mtime: created });
    zip.end();
    let bytes = 0;
    const counter = new Transform({ transform(chunk: Buffer, _enc, cb) { bytes += chunk.length; cb(null, chunk); } });
    await pipeline(zip.outputStream, counter, out, { end: false });
    return { ...summary, bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
