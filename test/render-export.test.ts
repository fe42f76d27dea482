/**
 * The exports of versions rendered in a browser (real Chromium, loopback origin, real pipeline): WARC (parsed with
 * warcio: the screenshot is a resource record concurrent to the capture's response, the rendered DOM a conversion
 * record referring to it, the CDXJ index as warcio builds it), WACZ (screenshots indexed, not pages), and the JSON
 * Lines round trip (rendered pages and screenshots back byte for byte, the next export identical).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CDXIndexer, WARCParser, type WARCRecord } from 'warcio';
import yauzl from 'yauzl';
import { exportJsonl, exportWacz, importJsonl, writeWarcFile } from '../src/export/index.js';
import type { Store, Version } from '../src/store/index.js';
import { CHROMIUM, chromiumAvailable } from './helpers/browser.js';
import { renderTestConfig, seedRendered, startJsOrigin, type JsOrigin } from './helpers/js-origin.js';
import { tmpDir, tmpStore } from './helpers/tmp.js';

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping rendered-export tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2) return reject(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => { files.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function parseWarc(source: fs.ReadStream | Buffer[]): Promise<Array<{ record: WARCRecord; payload: Uint8Array }>> {
  const out: Array<{ record: WARCRecord; payload: Uint8Array }> = [];
  for await (const record of new WARCParser(source)) out.push({ record, payload: await record.readFully() });
  return out;
}

describeBrowser('exports of rendered versions', () => {
  let origin: JsOrigin;
  let store: Store;
  let cleanup: () => Promise<void>;
  let versions: Version[];
  let dir: string;

  beforeAll(async () => {
    origin = await startJsOrigin();
    ({ store, cleanup } = await tmpStore());
    dir = tmpDir();
    ({ versions } = await seedRendered(store, origin, renderTestConfig(CHROMIUM)));
  }, 120_000);

  afterAll(async () => {
    await origin?.close();
    await cleanup?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the screenshot to WARC as a resource record linked to the response, and indexes it as warcio would', async () => {
    const file = path.join(dir, 'rendered.warc.gz');
    await writeWarcFile(store, file);
    const records = await parseWarc(fs.createReadStream(file));
    // Both captures brought the same HTML shell: the second is a revisit record, and its screenshot is concurrent to it.
    const responses = records.filter((r) => r.record.warcType === 'response' || r.record.warcType === 'revisit');
    const shots = records.filter((r) => r.record.warcType === 'resource');
    expect(shots).toHaveLength(2);
    for (const [i, s] of shots.entries()) {
      expect(s.record.warcTargetURI).toBe(`urn:screenshot:${origin.base}/story`);
      expect(s.record.warcContentType).toBe('image/jpeg');
      const concurrent = s.record.warcConcurrentTo?.[0];
      expect(responses.map((r) => r.record.warcHeader('WARC-Record-ID'))).toContain(concurrent);
      expect(Buffer.from(s.payload).equals((await store.getScreenshot(versions[i]!.id))!.bytes)).toBe(true);
    }
    // The rendered DOM is kept too, as a conversion record referring to the response it was rendered from.
    const conversions = records.filter((r) => r.record.warcType === 'conversion');
    expect(conversions).toHaveLength(2);
    expect(Buffer.from(conversions[1]!.payload).toString('utf8')).toContain('ferries would run as usual');
    expect(responses.map((r) => r.record.warcHeader('WARC-Record-ID'))).toContain(conversions[0]!.record.warcHeader('WARC-Refers-To'));

    const ours = fs.readFileSync(`${file}.cdxj`, 'utf8').trimEnd().split('\n');
    expect(ours.filter((l) => l.includes('"mime":"image/jpeg"'))).toHaveLength(2);
    const indexer = new CDXIndexer({ format: 'cdxj' });
    const theirs: string[] = [];
    for await (const r of indexer.iterIndex([{ filename: 'rendered.warc.gz', reader: fs.createReadStream(file) }])) {
      const line = indexer.serialize(r as Record<string, unknown>).trimEnd();
      // Version metadata (JSON) and rendered DOMs (conversion records) are left out of the index on purpose.
      const fields = JSON.parse(line.slice(line.indexOf('{'))) as { mime?: string; status?: string };
      if (fields.mime !== 'application/json' && !(fields.status === undefined && fields.mime?.startsWith('text/html'))) theirs.push(line);
    }
    expect(theirs.sort()).toEqual(ours);
  });

  it('puts the screenshot in the WACZ archive and index, but not among its pages', async () => {
    const file = path.join(dir, 'rendered.wacz');
    const out = fs.createWriteStream(file);
    await exportWacz(store, out);
    await new Promise<void>((resolve) => out.end(resolve));
    const files = await readZip(file);
    const index = files.get('indexes/index.cdxj')!.toString('utf8');
    expect(index.match(/urn:screenshot:/g)?.length).toBeGreaterThanOrEqual(2);
    const pages = files.get('pages/pages.jsonl')!.toString('utf8');
    expect(pages).not.toContain('urn:screenshot:');
    const records = await parseWarc([files.get('archive/data.warc.gz')!]);
    expect(records.filter((r) => r.record.warcType === 'resource')).toHaveLength(2);
  });

  it('keeps the rendered page and screenshot through a JSON Lines export and import', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await exportJsonl(store, out);
    out.end();
    const text = Buffer.concat(chunks).toString('utf8');
    const target = await tmpStore();
    try {
      const input = new PassThrough();
      input.end(text);
      await importJsonl(target.store, input, { allowPrivate: true });
      const imported = await target.store.getArticleByUrl(`${origin.base}/story`);
      const iv = await target.store.listVersions(imported!.id);
      for (const [i, v] of iv.entries()) {
        const a = (await store.getScreenshot(versions[i]!.id))!;
        const b = (await target.store.getScreenshot(v.id))!;
        expect({ ...b, versionId: 0 }).toEqual({ ...a, versionId: 0 });
        expect((await target.store.getRenderedPage(v.id))!.html).toBe((await store.getRenderedPage(versions[i]!.id))!.html);
      }
      // Exporting the imported database gives the same lines.
      const again = new PassThrough();
      const c2: Buffer[] = [];
      again.on('data', (c: Buffer) => c2.push(c));
      await exportJsonl(target.store, again);
      again.end();
      const strip = (s: string): string => s.split('\n').slice(1).join('\n');
      expect(strip(Buffer.concat(c2).toString('utf8'))).toBe(strip(text));
    } finally {
      await target.cleanup();
    }
  });
});
