/** JSON Lines and CSV exports: lossless round trip through import, scopes, gzip, CSV parsed back. */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { exportCsv, exportJsonl, importJsonl, importJsonlFile, CSV_COLUMNS, type ExportOptions } from '../src/export/index.js';
import { exportCommand, importCommand } from '../src/cli/export-commands.js';
import { openStore, type Store } from '../src/store/index.js';
import { describeCorpus } from './helpers/corpus.js';
import { buildExportDb, freshPostgresStore, freshSqliteStore, SYNTHETIC, type BackendStore, type BuiltDb } from './helpers/export-db.js';
import { loadRevisions } from './helpers/revisions.js';
import { tmpDir, tmpStore, tmpTarget, type TmpStore } from './helpers/tmp.js';

/** Collects everything written to a Writable. */
function collector(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function jsonl(store: Store, opts: ExportOptions = {}): Promise<string> {
  const c = collector();
  await exportJsonl(store, c.out, opts);
  return c.text();
}

async function csv(store: Store, opts: ExportOptions = {}): Promise<string> {
  const c = collector();
  await exportCsv(store, c.out, opts);
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
    let src: TmpStore;
    let dst: TmpStore;
    let built: BuiltDb;
    let first: string;
    beforeAll(async () => {
      src = await tmpStore();
      dst = await tmpStore();
      built = await buildExportDb(src.store, articles());
      first = await jsonl(src.store);
    });
    afterAll(async () => { await src.cleanup(); await dst.cleanup(); });

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
      const report = await importJsonl(dst.store, fromString(first));
      expect(report).toMatchObject({ articles: built.articles, versions: built.versions, responses: built.responses, sources: 2, badLines: [] });
      const second = await jsonl(dst.store);
      expect(second).not.toBe(first);
      expect(withoutTimestamp(second)).toBe(withoutTimestamp(first));
      // With the clock pinned the files are byte for byte the same.
      const now = (): Date => new Date('2025-01-01T00:00:00.000Z');
      expect(await jsonl(dst.store, { now })).toBe(await jsonl(src.store, { now }));
      // And so is the CSV, apart from database ids (equal here: both databases numbered articles in the same order).
      expect(await csv(dst.store)).toBe(await csv(src.store));
    });

    it('writes CSV that parses back to one row per version under the documented header', async () => {
      const text = await csv(src.store);
      const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
      expect(Object.keys(rows[0] ?? {})).toEqual(CSV_COLUMNS);
      expect(rows).toHaveLength(built.versions);
      expect(text.endsWith('\r\n')).toBe(true);
      const firsts = rows.filter((r) => r.version === '1');
      expect(firsts.every((r) => r.words_added === '' && r.changed_share === '' && r.title_changed === '')).toBe(true);
      const later = rows.filter((r) => r.version !== '1' && r.extractor_version !== 'manual');
      expect(later.every((r) => /^\d+$/.test(r.words_added ?? '') && /^(true|false)$/.test(r.title_changed ?? ''))).toBe(true);
      for (const r of rows) {
        const a = await src.store.getArticleByUrl(r.url ?? '');
        const v = (a ? await src.store.listVersions(a.id) : []).find((x) => String(x.number) === r.version);
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
  let src: TmpStore;
  let work: string;
  beforeAll(async () => {
    src = await tmpStore();
    await buildExportDb(src.store, SYNTHETIC);
    work = tmpDir();
  });
  afterAll(async () => { await src.cleanup(); fs.rmSync(work, { recursive: true, force: true }); });

  it('exports one article, with only its source', async () => {
    const a = (await src.store.getArticleByUrl(SYNTHETIC[1]!.url))!;
    const lines = (await jsonl(src.store, { scope: { articleId: a.id } })).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ scope: { article: a.url } });
    expect(lines.slice(1).map((l) => l.type)).toEqual(['source', 'article']);
    expect(lines[2]).toMatchObject({ url: a.url, source: 'manual' });
  });

  it('exports one source', async () => {
    const rows = parse(await csv(src.store, { scope: { sourceSlug: 'nyt' } }), { columns: true }) as Array<Record<string, string>>;
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['nyt']));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses an unknown article or source before writing anything', async () => {
    const c = collector();
    await expect(exportJsonl(src.store, c.out, { scope: { articleId: 999 } })).rejects.toThrow('export: no article with id 999');
    await expect(exportCsv(src.store, c.out, { scope: { sourceSlug: 'nope' } })).rejects.toThrow('export: no source "nope"');
    expect(c.text()).toBe('');
  });

  it('CLI: exports to a .jsonl.gz file and imports it into another database', async () => {
    const file = path.join(work, 'all.jsonl.gz');
    expect(await exportCommand({ db: src.target }, { format: 'jsonl', output: file })).toBe(0);
    expect(fs.readdirSync(work).filter((f) => f.includes('.part-'))).toEqual([]);
    const text = gunzipSync(fs.readFileSync(file)).toString('utf8');
    expect(text.split('\n')[0]).toContain('"format":"palimpsest-jsonl"');
    const target = await tmpTarget();
    try {
      expect(await importCommand({ db: target.target }, file, {})).toBe(0);
      const copy = await openStore(target.target);
      try {
        expect(await copy.countVersions()).toBe(await src.store.countVersions());
        // Importing the same file again is refused (articles exist) and changes nothing...
        await expect(importJsonlFile(copy, file)).rejects.toThrow(/line \d+: article .* is already in the database/);
        // ...unless existing articles are skipped.
        const r = await importJsonlFile(copy, file, { existing: 'skip' });
        expect(r.articles).toBe(0);
        expect(r.skippedExisting).toHaveLength(SYNTHETIC.length);
        expect(await copy.countVersions()).toBe(await src.store.countVersions());
      } finally {
        await copy.close();
      }
    } finally {
      await target.cleanup();
    }
  });

  it('CLI: exit codes for an unknown format, article, a WARC without --output and a missing file', async () => {
    expect(await exportCommand({ db: src.target }, { format: 'pdf' })).toBe(2);
    expect(await exportCommand({ db: src.target }, { format: 'csv', article: '999', output: path.join(work, 'x.csv') })).toBe(2);
    expect(await exportCommand({ db: src.target }, { format: 'csv', article: 'https://nowhere.example/', output: path.join(work, 'x.csv') })).toBe(2);
    expect(await exportCommand({ db: src.target }, { format: 'warc' })).toBe(2);
    expect(await importCommand({ db: src.target }, path.join(work, 'missing.jsonl'), {})).toBe(2);
    expect(fs.existsSync(path.join(work, 'x.csv'))).toBe(false);
  });
});

/**
 * Moving an archive between backends: export JSON Lines from one, import into a fresh database of the other, export
 * again. Only the export timestamp may differ (and the CSV not at all: fresh databases number articles alike).
 */
describe('moving an archive between SQLite and PostgreSQL', () => {
  const pgBase = process.env.PALIMPSEST_TEST_PG;
  if (!pgBase) {
    it.skip('SQLite -> PostgreSQL -> SQLite (skipped: PALIMPSEST_TEST_PG is not set; bash scripts/pg-test-cluster.sh starts a test cluster)', () => undefined);
    return;
  }
  const cases: Array<[string, () => Promise<BackendStore>, () => Promise<BackendStore>]> = [
    ['SQLite -> PostgreSQL', freshSqliteStore, () => freshPostgresStore(pgBase)],
    ['PostgreSQL -> SQLite', () => freshPostgresStore(pgBase), freshSqliteStore],
  ];
  for (const [name, from, to] of cases) {
    it(`${name}: export, import, export again gives the same file apart from the timestamp`, async () => {
      const a = await from();
      try {
        const b = await to();
        try {
          expect([a.store.backend, b.store.backend]).toEqual(name.startsWith('SQLite') ? ['sqlite', 'postgres'] : ['postgres', 'sqlite']);
          const built = await buildExportDb(a.store, SYNTHETIC);
          const first = await jsonl(a.store);
          const report = await importJsonl(b.store, fromString(first));
          expect(report).toMatchObject({ articles: built.articles, versions: built.versions, responses: built.responses, sources: 2, badLines: [] });
          const second = await jsonl(b.store);
          expect(withoutTimestamp(second)).toBe(withoutTimestamp(first));
          expect(second).not.toBe(first);
          expect(await csv(b.store)).toBe(await csv(a.store));
        } finally {
          await b.cleanup();
        }
      } finally {
        await a.cleanup();
      }
    });
  }
});
