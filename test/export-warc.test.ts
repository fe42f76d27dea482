/**
 * WARC and WACZ exports, checked with independent readers: warcio's parser and CDXJ indexer, a hand-rolled split
 * of the gunzipped file for the digests, yauzl for the zip.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { CDXIndexer, WARCParser, type WARCRecord } from 'warcio';
import yauzl from 'yauzl';
import { exportWacz, writeWarcFile, type WarcFileSummary } from '../src/export/index.js';
import { exportCommand } from '../src/cli/export-commands.js';
import { describeCorpus } from './helpers/corpus.js';
import { buildExportDb, SYNTHETIC, type BuiltDb } from './helpers/export-db.js';
import { loadRevisions } from './helpers/revisions.js';
import { tmpDir, tmpStore, type TmpStore } from './helpers/tmp.js';

function base32(buf: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of buf) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}
const sha256b32 = (b: Buffer): string => `sha256:${base32(createHash('sha256').update(b).digest())}`;

interface RawRecord {
  headers: Map<string, string>;
  block: Buffer;
}

/** Splits an uncompressed WARC into records by Content-Length, without warcio. */
function splitWarc(data: Buffer): RawRecord[] {
  const out: RawRecord[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf('\r\n\r\n', pos);
    const lines = data.subarray(pos, end).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('WARC/1.1');
    const headers = new Map(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const len = Number(headers.get('content-length'));
    out.push({ headers, block: data.subarray(end + 4, end + 4 + len) });
    expect(data.subarray(end + 4 + len, end + 8 + len).toString()).toBe('\r\n\r\n');
    pos = end + 8 + len;
  }
  return out;
}

async function parseAll(source: fs.ReadStream | Buffer[]): Promise<Array<{ record: WARCRecord; payload: Uint8Array }>> {
  const parser = new WARCParser(source);
  const out: Array<{ record: WARCRecord; payload: Uint8Array }> = [];
  for await (const record of parser) out.push({ record, payload: await record.readFully() });
  return out;
}

function warcTests(name: string, articles: () => Parameters<typeof buildExportDb>[1]): void {
  describe(name, () => {
    let src: TmpStore;
    let dir: string;
    let built: BuiltDb;
    let file: string;
    let summary: WarcFileSummary;
    beforeAll(async () => {
      src = await tmpStore();
      built = await buildExportDb(src.store, articles());
      dir = tmpDir();
      file = path.join(dir, 'export.warc.gz');
      summary = await writeWarcFile(src.store, file);
    });
    afterAll(async () => { await src.cleanup(); fs.rmSync(dir, { recursive: true, force: true }); });

    it('writes warcinfo, then response/revisit + request + metadata per capture, in WARC/1.1', async () => {
      const recs = await parseAll(fs.createReadStream(file));
      expect(recs[0]?.record.warcType).toBe('warcinfo');
      expect(new Set(recs.map((r) => r.record.warcHeaders.statusline))).toEqual(new Set(['WARC/1.1']));
      const info = Buffer.from(recs[0]!.payload).toString('utf8');
      expect(info).toContain('Content-Encoding and Transfer-Encoding headers were renamed');
      const types = recs.slice(1).map((r) => r.record.warcType);
      expect(types.filter((t) => t === 'metadata')).toHaveLength(built.versions);
      expect(types.filter((t) => t === 'response' || t === 'revisit')).toHaveLength(built.responses);
      expect(types.filter((t) => t === 'request')).toHaveLength(built.responses);
      const byId = new Map(recs.map((r) => [r.record.warcHeaders.headers.get('WARC-Record-ID'), r.record]));
      for (const [i, r] of recs.entries()) {
        const t = r.record.warcType;
        if (t === 'response' || t === 'revisit') {
          const req = recs[i + 1]!.record;
          expect(req.warcType).toBe('request');
          expect(req.warcHeaders.headers.get('WARC-Concurrent-To')).toBe(r.record.warcHeaders.headers.get('WARC-Record-ID'));
          expect(req.warcTargetURI).toBe(r.record.warcTargetURI);
          // The body is stored decoded: no Content-Encoding/Transfer-Encoding left, a Content-Length that is true.
          const h = r.record.httpHeaders!.headers;
          expect(h.get('content-encoding')).toBeNull();
          expect(h.get('transfer-encoding')).toBeNull();
          if (t === 'response') expect(Number(h.get('content-length'))).toBe(r.payload.length);
        }
        if (t === 'metadata') {
          const doc = JSON.parse(Buffer.from(r.payload).toString('utf8')) as { text: string; version: number };
          expect(typeof doc.text).toBe('string');
          const ref = r.record.warcHeaders.headers.get('WARC-Refers-To');
          if (ref) expect(['response', 'revisit']).toContain(byId.get(ref)?.warcType);
        }
      }
      // The synthetic/corpus builder made one re-extraction from an identical body: one revisit.
      expect(summary.revisits).toBe(1);
      const revisit = recs.find((r) => r.record.warcType === 'revisit')!.record;
      expect(revisit.warcHeaders.headers.get('WARC-Profile')).toBe('http://netpreserve.org/warc/1.1/revisit/identical-payload-digest');
      const original = byId.get(revisit.warcHeaders.headers.get('WARC-Refers-To') ?? '');
      expect(original?.warcType).toBe('response');
      expect(original?.warcPayloadDigest).toBe(revisit.warcPayloadDigest);
      expect(revisit.warcHeaders.headers.get('WARC-Refers-To-Target-URI')).toBe(original?.warcTargetURI);
    });

    it('has block and payload digests that match the bytes (recomputed independently)', () => {
      const raw = splitWarc(gunzipSync(fs.readFileSync(file)));
      const payloadByDigest = new Set<string>();
      let checked = 0;
      for (const r of raw) {
        const type = r.headers.get('warc-type');
        if (type === 'warcinfo') continue;
        expect(r.headers.get('warc-block-digest')).toBe(sha256b32(r.block));
        if (type === 'response') {
          const split = r.block.indexOf('\r\n\r\n');
          const payload = r.block.subarray(split + 4);
          expect(r.headers.get('warc-payload-digest')).toBe(sha256b32(payload));
          payloadByDigest.add(sha256b32(payload));
          checked++;
        }
        if (type === 'revisit') {
          expect(r.block.toString('latin1').endsWith('\r\n\r\n')).toBe(true);
          expect(payloadByDigest.has(r.headers.get('warc-payload-digest') ?? '')).toBe(true);
        }
      }
      expect(checked).toBe(built.responses - 1);
    });

    it('is one gzip member per record, indexed by a sorted CDXJ whose offsets lead to the right records', async () => {
      const lines = fs.readFileSync(`${file}.cdxj`, 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(built.responses);
      expect(summary.indexLines).toBe(built.responses);
      expect([...lines].sort()).toEqual(lines);
      const data = fs.readFileSync(file);
      for (const line of lines) {
        const [surt, ts, json] = [line.slice(0, line.indexOf(' ')), line.split(' ')[1], line.slice(line.indexOf('{'))];
        const e = JSON.parse(json) as { url: string; offset: string; length: string; filename: string; mime: string; status: string; digest: string };
        expect(e.filename).toBe('export.warc.gz');
        expect(surt).toMatch(/^[a-z0-9,]+\)\//);
        expect(ts).toMatch(/^\d{14}$/);
        const member = data.subarray(Number(e.offset), Number(e.offset) + Number(e.length));
        const recs = await parseAll([member]);
        expect(recs).toHaveLength(1);
        expect(recs[0]!.record.warcTargetURI).toBe(e.url);
        expect(['response', 'revisit']).toContain(recs[0]!.record.warcType);
        expect(e.digest).toBe((recs[0]!.record.warcPayloadDigest ?? '').slice('sha256:'.length));
      }
    });

    it('has the same index lines as warcio\'s own CDXJ indexer builds from the file', async () => {
      const indexer = new CDXIndexer({ format: 'cdxj' });
      const theirs: string[] = [];
      for await (const r of indexer.iterIndex([{ filename: 'export.warc.gz', reader: fs.createReadStream(file) }])) {
        const line = indexer.serialize(r as Record<string, unknown>).trimEnd();
        if (!line.includes('"mime":"application/json"')) theirs.push(line);
      }
      expect(theirs.sort()).toEqual(fs.readFileSync(`${file}.cdxj`, 'utf8').trimEnd().split('\n'));
    });
  });
}

warcTests('WARC export (synthetic articles)', () => SYNTHETIC);
describeCorpus('WARC export (corpus revisions)', (dir) => {
  warcTests('corpus', () => loadRevisions(dir));
});

function readZip(file: string): Promise<Map<string, { data: Buffer; method: number }>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, { data: Buffer; method: number }>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e2, stream) => {
          if (e2) return reject(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => { files.set(entry.fileName, { data: Buffer.concat(chunks), method: entry.compressionMethod }); zip.readEntry(); });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('WACZ export', () => {
  let src: TmpStore;
  let dir: string;
  let built: BuiltDb;
  beforeAll(async () => {
    src = await tmpStore();
    built = await buildExportDb(src.store, SYNTHETIC);
    dir = tmpDir();
  });
  afterAll(async () => { await src.cleanup(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('zips the WARC, its index and pages with a datapackage whose digests and sizes match', async () => {
    const file = path.join(dir, 'all.wacz');
    expect(await exportCommand({ db: src.target }, { format: 'wacz', output: file })).toBe(0);
    const files = await readZip(file);
    expect([...files.keys()].sort()).toEqual(['archive/data.warc.gz', 'datapackage-digest.json', 'datapackage.json', 'indexes/index.cdxj', 'pages/pages.jsonl']);
    expect(files.get('archive/data.warc.gz')?.method).toBe(0);
    const pkgBytes = files.get('datapackage.json')!.data;
    const pkg = JSON.parse(pkgBytes.toString('utf8')) as { profile: string; wacz_version: string; resources: Array<{ name: string; path: string; hash: string; bytes: number }> };
    expect(pkg.profile).toBe('data-package');
    expect(pkg.wacz_version).toBe('1.1.1');
    expect(pkg.resources.map((r) => r.path).sort()).toEqual(['archive/data.warc.gz', 'indexes/index.cdxj', 'pages/pages.jsonl']);
    for (const r of pkg.resources) {
      const data = files.get(r.path)!.data;
      expect(r.bytes).toBe(data.length);
      expect(r.hash).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
      expect(r.name).toBe(path.basename(r.path));
    }
    const digest = JSON.parse(files.get('datapackage-digest.json')!.data.toString('utf8')) as { path: string; hash: string };
    expect(digest).toEqual({ path: 'datapackage.json', hash: `sha256:${createHash('sha256').update(pkgBytes).digest('hex')}` });

    const pages = files.get('pages/pages.jsonl')!.data.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(pages[0]).toEqual({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages' });
    expect(pages.slice(1)).toHaveLength(built.responses);
    const index = files.get('indexes/index.cdxj')!.data.toString('utf8').trimEnd().split('\n');
    expect(index).toHaveLength(built.responses);
    const indexed = new Set(index.map((l) => { const e = JSON.parse(l.slice(l.indexOf('{'))) as { url: string; filename: string }; expect(e.filename).toBe('data.warc.gz'); return e.url; }));
    for (const p of pages.slice(1)) {
      expect(indexed.has(p.url ?? '')).toBe(true);
      expect(Number.isNaN(Date.parse(p.ts ?? ''))).toBe(false);
      expect(typeof p.title).toBe('string');
    }
    // The WARC inside is complete: every capture's record is where the index says.
    const warc = files.get('archive/data.warc.gz')!.data;
    for (const l of index) {
      const e = JSON.parse(l.slice(l.indexOf('{'))) as { url: string; offset: string; length: string };
      const recs = await parseAll([warc.subarray(Number(e.offset), Number(e.offset) + Number(e.length))]);
      expect(recs[0]?.record.warcTargetURI).toBe(e.url);
    }
  });

  it('exports one article to any Writable', async () => {
    const file = path.join(dir, 'one.wacz');
    const out = fs.createWriteStream(file);
    const article = await src.store.getArticleByUrl(SYNTHETIC[1]!.url);
    const s = await exportWacz(src.store, out, { scope: { articleId: article!.id } });
    await new Promise<void>((resolve) => out.end(resolve));
    expect(s.articles).toBe(1);
    const files = await readZip(file);
    const pkg = JSON.parse(files.get('datapackage.json')!.data.toString('utf8')) as { title: string; mainPageURL: string };
    expect(pkg.mainPageURL).toBe(SYNTHETIC[1]!.url);
    expect(pkg.title).toContain(SYNTHETIC[1]!.url);
  });
});
