/**
 * JSON Lines exports with compressed bodies (`--bodies gzip`, format version 2): a fifth of the size, imported back
 * exactly, and a gzip that unpacks past its declared length refused; the default stays format version 1 (`body`).
 */
import { PassThrough, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJsonl, importJsonl, type JsonlOptions } from '../src/export/index.js';
import { corpusDir } from './helpers/corpus.js';
import { buildExportDb, SYNTHETIC } from './helpers/export-db.js';
import { loadRevisions } from './helpers/revisions.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';
import type { Store } from '../src/store/index.js';

async function jsonl(store: Store, opts: JsonlOptions = {}): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
  await exportJsonl(store, out, { now: () => new Date('2025-01-01T00:00:00.000Z'), ...opts });
  return Buffer.concat(chunks).toString('utf8');
}

function fromString(s: string): PassThrough {
  const p = new PassThrough();
  p.end(s);
  return p;
}

type Line = { type?: string; formatVersion?: number; responses?: Array<Record<string, unknown>> };
const parse = (s: string): Line[] => s.trimEnd().split('\n').map((l) => JSON.parse(l) as Line);

describe('JSON Lines with gzip bodies', () => {
  let src: TmpStore;
  let dst: TmpStore;
  let raw: string;
  let gz: string;
  beforeAll(async () => {
    src = await tmpStore();
    dst = await tmpStore();
    const corpus = corpusDir();
    await buildExportDb(src.store, corpus ? loadRevisions(corpus) : SYNTHETIC);
    raw = await jsonl(src.store);
    gz = await jsonl(src.store, { bodies: 'gzip' });
  });
  afterAll(async () => { await src.cleanup(); await dst.cleanup(); });

  it('writes bodyGzip instead of body under format version 2, and the default is unchanged (version 1, body)', () => {
    const [rawHead, ...rawLines] = parse(raw);
    const [gzHead, ...gzLines] = parse(gz);
    expect(rawHead!.formatVersion).toBe(1);
    expect(gzHead!.formatVersion).toBe(2);
    const rawResponses = rawLines.flatMap((l) => l.responses ?? []);
    const gzResponses = gzLines.flatMap((l) => l.responses ?? []);
    expect(gzResponses.length).toBe(rawResponses.length);
    expect(rawResponses.every((r) => typeof r.body === 'string' && r.bodyGzip === undefined)).toBe(true);
    expect(gzResponses.every((r) => typeof r.bodyGzip === 'string' && r.body === undefined)).toBe(true);
    expect(gz.length).toBeLessThan(raw.length);
  });

  it('imports back exactly: the import exports the same file as the original, in both body encodings', async () => {
    const report = await importJsonl(dst.store, fromString(gz));
    expect(report.badLines).toEqual([]);
    expect(await jsonl(dst.store, { bodies: 'gzip' })).toBe(gz);
    expect(await jsonl(dst.store)).toBe(raw);
  });

  it('refuses a bodyGzip that unpacks past its bodyLength (a gzip bomb) or to other bytes', async () => {
    const lines = gz.trimEnd().split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"article"'));
    const art = JSON.parse(lines[at]!) as { responses: Array<{ bodyGzip: string; bodyLength: number }> };
    art.responses[0]!.bodyGzip = gzipSync(Buffer.alloc(art.responses[0]!.bodyLength + 10_000_000, 0x61)).toString('base64');
    const bomb = [...lines.slice(0, at), JSON.stringify(art)].join('\n');
    const fresh = await tmpStore();
    try {
      await expect(importJsonl(fresh.store, fromString(bomb))).rejects.toThrow(/responses\.0: bodyGzip does not unpack to a body of \d+ bytes/);
      art.responses[0]!.bodyGzip = gzipSync(Buffer.alloc(art.responses[0]!.bodyLength, 0x61)).toString('base64');
      await expect(importJsonl(fresh.store, fromString([...lines.slice(0, at), JSON.stringify(art)].join('\n')))).rejects.toThrow(/responses\.0: body does not match its bodySha256/);
    } finally {
      await fresh.cleanup();
    }
  });
});
