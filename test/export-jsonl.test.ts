/** JSON Lines and CSV exports: lossless round trip through import, scopes, gzip, CSV parsed back. */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { exportCsv, exportJsonl, importJsonl, importJsonlFile, CSV_COLUMNS, type ExportOptions } from '../src/export/index.js';
import { exportCommand, importCommand } from '../src/cli/export-commands.js';
import { countVersions, getArticleByUrl, listVersions, openDb, type Db } from '../src/store/index.js';
import { describeCorpus } from './helpers/corpus.js';
import { buildExportDb, SYNTHETIC, type BuiltDb } from './helpers/export-db.js';
import { loadRevisions } from './helpers/revisions.js';
import { tmpDb, tmpDir } from './helpers/tmp.js';

/** Collects everything written to a Writable. */
function collector(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function jsonl(db: Db, opts: ExportOptions = {}): Promise<string> {
  const c = collector();
  await exportJsonl(db, c.out, opts);
  return c.text();
}

async function csv(db: Db, opts: ExportOptions = {}): Promise<string> {
  const c = collector();
  await exportCsv(db, c.out, opts);
  return c.text();
}

function fromString(s: string | Buffer): PassThrough {
  const p = new PassThrough();
  p.end(s);
  return p;
}

const withoutTimestamp = (s: string): string => s.replace(/"exportedAt":"[^"]*"/, '"exportedAt":"-"');

function roundTrip(name: string, articles: () => Parameters<typeof buildExportDb>[1]): void {
  describe(name, () => {
    let src: ReturnType<typeof tmpDb>;
    let dst: ReturnType<typeof tmpDb>;
    let built: BuiltDb;
    let first: string;
    beforeAll(async () => {
      src = tmpDb();
      dst = tmpDb();
      built = buildExportDb(src.db, articles());
      first = await jsonl(src.db);
    });
    afterAll(() => { src.cleanup(); dst.cleanup(); });

    it('exports a header, the sources and one line per article with all versions', () => {
      const lines = first.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ format: 'palimpsest-jsonl', formatVersion: 1 });
      expect(lines.filter((l) => l.type === 'source')).toHaveLength(2);
      const arts = lines.filter((l) => l.type === 'article') as Array<{ versions: unknown[]; responses: Array<{ body: string; bodySha256: string }> }>;
      expect(arts).toHaveLength(built.articles);
      expect(arts.reduce((n, a) => n + a.versions.length, 0)).toBe(built.versions);
      expect(arts.reduce((n, a) => n + a.responses.length, 0)).toBe(built.responses);
    });

    it('imports into an empty database and exports again identically (apart from the timestamp)', async () => {
      const report = await importJsonl(dst.db, fromString(first));
      expect(report).toMatchObject({ articles: built.articles, versions: built.versions, responses: built.responses, sources: 2, badLines: [] });
      const second = await jsonl(dst.db);
      expect(second).not.toBe(first);
      expect(withoutTimestamp(second)).toBe(withoutTimestamp(first));
      // With the clock pinned the files are byte for byte the same.
      const now = (): Date => new Date('2025-01-01T00:00:00.000Z');
      expect(await jsonl(dst.db, { now })).toBe(await jsonl(src.db, { now }));
      // And so is the CSV, apart from database ids (equal here: both databases numbered articles in the same order).
      expect(await csv(dst.db)).toBe(await csv(src.db));
    });

    it('writes CSV that parses back to one row per version under the documented header', async () => {
      const text = await csv(src.db);
      const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
      expect(Object.keys(rows[0] ?? {})).toEqual(CSV_COLUMNS);
      expect(rows).toHaveLength(built.versions);
      expect(text.endsWith('\r\n')).toBe(true);
      const firsts = rows.filter((r) => r.version === '1');
      expect(firsts.every((r) => r.words_added === '' && r.changed_share === '' && r.title_changed === '')).toBe(true);
      const later = rows.filter((r) => r.version !== '1' && r.extractor_version !== 'manual');
      expect(later.every((r) => /^\d+$/.test(r.words_added ?? '') && /^(true|false)$/.test(r.title_changed ?? ''))).toBe(true);
      for (const r of rows) {
        const a = getArticleByUrl(src.db, r.url ?? '');
        const v = listVersions(src.db, a?.id ?? -1).find((x) => String(x.number) === r.version);
        expect(r.title).toBe(v?.title);
        expect(r.article_id).toBe(String(a?.id));
      }
    });
  });
}

roundTrip('JSON Lines round trip (synthetic articles)', () => SYNTHETIC);
describeCorpus('JSON Lines round trip (corpus revisions)', (dir) => {
  roundTrip('corpus', () => loadRevisions(dir));
});

describe('export scopes, gzip files and the CLI', () => {
  let src: ReturnType<typeof tmpDb>;
  let work: string;
  beforeAll(() => {
    src = tmpDb();
    buildExportDb(src.db, SYNTHETIC);
    work = tmpDir();
  });
  afterAll(() => { src.cleanup(); fs.rmSync(work, { recursive: true, force: true }); });

  it('exports one article, with only its source', async () => {
    const a = getArticleByUrl(src.db, SYNTHETIC[1]!.url)!;
    const lines = (await jsonl(src.db, { scope: { articleId: a.id } })).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ scope: { article: a.url } });
    expect(lines.slice(1).map((l) => l.type)).toEqual(['source', 'article']);
    expect(lines[2]).toMatchObject({ url: a.url, source: 'manual' });
  });

  it('exports one source', async () => {
    const rows = parse(await csv(src.db, { scope: { sourceSlug: 'nyt' } }), { columns: true }) as Array<Record<string, string>>;
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['nyt']));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses an unknown article or source before writing anything', async () => {
    const c = collector();
    await expect(exportJsonl(src.db, c.out, { scope: { articleId: 999 } })).rejects.toThrow('export: no article with id 999');
    await expect(exportCsv(src.db, c.out, { scope: { sourceSlug: 'nope' } })).rejects.toThrow('export: no source "nope"');
    expect(c.text()).toBe('');
  });

  it('CLI: exports to a .jsonl.gz file and imports it into another database', async () => {
    const file = path.join(work, 'all.jsonl.gz');
    expect(await exportCommand({ db: src.file }, { format: 'jsonl', output: file })).toBe(0);
    expect(fs.readdirSync(work).filter((f) => f.includes('.part-'))).toEqual([]);
    const text = gunzipSync(fs.readFileSync(file)).toString('utf8');
    expect(text.split('\n')[0]).toContain('"format":"palimpsest-jsonl"');
    const dbFile = path.join(work, 'copy.db');
    expect(await importCommand({ db: dbFile }, file, {})).toBe(0);
    const copy = openDb(dbFile);
    try {
      expect(countVersions(copy)).toBe(countVersions(src.db));
      // Importing the same file again is refused (articles exist) and changes nothing...
      await expect(importJsonlFile(copy, file)).rejects.toThrow(/line \d+: article .* is already in the database/);
      // ...unless existing articles are skipped.
      const r = await importJsonlFile(copy, file, { existing: 'skip' });
      expect(r.articles).toBe(0);
      expect(r.skippedExisting).toHaveLength(SYNTHETIC.length);
      expect(countVersions(copy)).toBe(countVersions(src.db));
    } finally {
      copy.close();
    }
  });

  it('CLI: exit codes for an unknown format, article, a WARC without --output and a missing file', async () => {
    expect(await exportCommand({ db: src.file }, { format: 'pdf' })).toBe(2);
    expect(await exportCommand({ db: src.file }, { format: 'csv', article: '999', output: path.join(work, 'x.csv') })).toBe(2);
    expect(await exportCommand({ db: src.file }, { format: 'warc' })).toBe(2);
    expect(await importCommand({ db: src.file }, path.join(work, 'missing.jsonl'), {})).toBe(2);
    expect(fs.existsSync(path.join(work, 'x.csv'))).toBe(false);
  });
});
