/** The JSON Lines import: bad lines named by number, all-or-nothing, skip modes, a failing input, the CLI. */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, it, expect, beforeAll, beforeEach, afterEach } from '@jest/globals';
import { exportJsonl, importJsonl, ImportError } from '../src/export/index.js';
import { importCommand } from '../src/cli/export-commands.js';
import type { Store } from '../src/store/index.js';
import { buildExportDb, snapshot, SYNTHETIC } from './helpers/export-db.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';

function fromString(s: string | Buffer): PassThrough {
  const p = new PassThrough();
  p.end(s);
  return p;
}

/** Resolves with `p`, or fails after `ms` (a transaction left open would make every later store call wait forever). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The store answers and can write: the import's transaction is over. */
async function storeIsFree(store: Store): Promise<void> {
  await within(store.ping(), 5000, 'the store');
  await within(store.transaction(async (tx) => { await tx.ping(); }), 5000, 'a new transaction');
}

let lines: string[];
beforeAll(async () => {
  const src = await tmpStore();
  const chunks: Buffer[] = [];
  try {
    await buildExportDb(src.store, SYNTHETIC);
    await exportJsonl(src.store, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }));
  } finally {
    await src.cleanup();
  }
  lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  // header, 2 sources, 3 articles
  expect(lines).toHaveLength(6);
});

const text = (ls: string[]): string => `${ls.join('\n')}\n`;

describe('import', () => {
  let dst: TmpStore;
  let before: string;
  beforeEach(async () => {
    dst = await tmpStore();
    // The target already holds something, so "unchanged" is not just "empty".
    const seed = JSON.parse(lines[4]!) as { url: string; source: string | null };
    await importJsonl(dst.store, fromString(text([lines[0]!, lines[1]!, lines[2]!, JSON.stringify({ ...seed, url: 'https://seed.example/a' })])));
    before = await snapshot(dst.store);
  });
  afterEach(async () => { await dst.cleanup(); });

  it('names line 3 when it is not JSON, and leaves the database unchanged', async () => {
    const bad = [...lines];
    bad[2] = '{"type":"source", oops';
    const err = await importJsonl(dst.store, fromString(text(bad))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).line).toBe(3);
    expect((err as Error).message).toMatch(/^import: line 3: invalid JSON/);
    expect(await snapshot(dst.store)).toBe(before);
  });

  it('names the line and the field that fails validation', async () => {
    const bad = [...lines];
    const art = JSON.parse(bad[4]!) as { versions: Array<Record<string, unknown>> };
    delete art.versions[1]!.capturedAt;
    bad[4] = JSON.stringify(art);
    await expect(importJsonl(dst.store, fromString(text(bad)))).rejects.toThrow(/^import: line 5: versions\.1\.capturedAt: /);
    expect(await snapshot(dst.store)).toBe(before);
  });

  it('refuses a body that does not match its hash, or a version pointing at a missing response', async () => {
    const bad = [...lines];
    const art = JSON.parse(bad[3]!) as { responses: Array<{ body: string }>; versions: Array<{ response: number | null }> };
    art.responses[0]!.body = Buffer.from('tampered').toString('base64');
    bad[3] = JSON.stringify(art);
    await expect(importJsonl(dst.store, fromString(text(bad)))).rejects.toThrow(/line 4: responses\.0: body is 8 bytes/);
    const art2 = JSON.parse(lines[4]!) as { versions: Array<{ response: number | null }> };
    art2.versions[0]!.response = 7;
    await expect(importJsonl(dst.store, fromString(text([...lines.slice(0, 4), JSON.stringify(art2)])))).rejects.toThrow(/line 5: versions\.0: response 7 does not exist/);
    expect(await snapshot(dst.store)).toBe(before);
  });

  it('rolls everything back when the import crashes midway', async () => {
    let seen = 0;
    const afterArticle = (): void => {
      if (++seen === 2) throw new Error('simulated crash');
    };
    await expect(importJsonl(dst.store, fromString(text(lines)), { afterArticle })).rejects.toThrow('simulated crash');
    expect(seen).toBe(2);
    expect(await snapshot(dst.store)).toBe(before);
    await storeIsFree(dst.store);
  });

  it('rolls everything back when the input fails midway', async () => {
    const input = Readable.from((async function* () {
      yield Buffer.from(text(lines.slice(0, 5)));
      throw new Error('disk read error');
    })());
    await expect(importJsonl(dst.store, input)).rejects.toThrow('disk read error');
    expect(await snapshot(dst.store)).toBe(before);
  });

  it('with skipBad, leaves bad lines out, reports them, and imports the rest', async () => {
    const bad = [...lines];
    bad[3] = 'not json at all';
    bad.splice(5, 0, '');
    const r = await importJsonl(dst.store, fromString(text(bad)), { skipBad: true });
    expect(r.badLines.map((b) => b.line)).toEqual([4, 6]);
    expect(r.badLines[1]!.message).toBe('empty line');
    expect(r.articles).toBe(2);
  });

  it('refuses articles already present, or skips them when asked', async () => {
    const existing = JSON.parse(lines[4]!) as Record<string, unknown>;
    const withDup = [...lines.slice(0, 4), JSON.stringify({ ...existing, url: 'https://seed.example/a' })];
    await expect(importJsonl(dst.store, fromString(text(withDup)))).rejects.toThrow('import: line 5: article https://seed.example/a is already in the database');
    expect(await snapshot(dst.store)).toBe(before);
    const r = await importJsonl(dst.store, fromString(text(withDup)), { existing: 'skip' });
    expect(r.skippedExisting).toEqual(['https://seed.example/a']);
    expect(r.articles).toBe(1);
  });

  it('sees its own earlier lines: an article twice in one file is skipped the second time', async () => {
    const versionsBefore = await dst.store.countVersions();
    const r = await importJsonl(dst.store, fromString(text([...lines, lines[3]!])), { existing: 'skip' });
    const url = (JSON.parse(lines[3]!) as { url: string }).url;
    expect(r.skippedExisting).toEqual([url]);
    expect(r.articles).toBe(3);
    expect(await dst.store.countVersions()).toBe(versionsBefore + r.versions);
    const copy = await dst.store.getArticleByUrl(url);
    expect((await dst.store.listVersionSummaries(copy!.id)).length).toBe((JSON.parse(lines[3]!) as { versions: unknown[] }).versions.length);
  });

  it('refuses a file that is not an export, or from a newer format', async () => {
    await expect(importJsonl(dst.store, fromString('{"hello":1}\n'))).rejects.toThrow(/^import: line 1: not a Palimpsest JSON Lines export/);
    const newer = JSON.stringify({ ...(JSON.parse(lines[0]!) as object), formatVersion: 99 });
    await expect(importJsonl(dst.store, fromString(text([newer, ...lines.slice(1)])))).rejects.toThrow(/format version 99 is newer/);
    await expect(importJsonl(dst.store, fromString(''))).rejects.toThrow('import: the file is empty');
    expect(await snapshot(dst.store)).toBe(before);
  });

  it('reads gzip-compressed exports', async () => {
    const r = await importJsonl(dst.store, fromString(gzipSync(text(lines.filter((_, i) => i !== 4)))));
    expect(r.articles).toBe(2);
  });

  it('CLI: exit code 1 and nothing imported for a bad line; 0 with --skip-bad', async () => {
    const file = path.join(dst.dir, 'bad.jsonl');
    const bad = [...lines];
    bad[2] = '{';
    fs.writeFileSync(file, text(bad));
    expect(await importCommand({ db: dst.target }, file, {})).toBe(1);
    expect(await snapshot(dst.store)).toBe(before);
    expect(await importCommand({ db: dst.target }, file, { existing: 'merge' })).toBe(2);
    expect(await importCommand({ db: dst.target }, file, { skipBad: true })).toBe(0);
  });
});

