/**
 * Hostile import files (issue 13, point 5): what the fetcher would never have stored is refused with its line
 * number and the database is left exactly as it was (compared through an export and a full snapshot): dates that
 * are not dates, version numbers with gaps, javascript: and metadata-address URLs, credentials in URLs, invalid
 * UTF-8, and lines longer than the bound (read no further than the bound).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, it, expect, beforeAll, beforeEach, afterEach } from '@jest/globals';
import { exportJsonl, importJsonl, ImportError } from '../src/export/index.js';
import { importCommand } from '../src/cli/export-commands.js';
import type { Store } from '../src/store/index.js';
import { buildExportDb, snapshot, SYNTHETIC } from './helpers/export-db.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';

function fromBytes(b: string | Buffer): PassThrough {
  const p = new PassThrough();
  p.end(b);
  return p;
}

const text = (ls: string[]): string => `${ls.join('\n')}\n`;

/** The store's JSON Lines export with a fixed timestamp, so two exports of the same data are equal byte for byte. */
async function exported(store: Store): Promise<string> {
  const chunks: Buffer[] = [];
  await exportJsonl(store, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }), { now: () => new Date(0) });
  return Buffer.concat(chunks).toString('utf8');
}

type Json = Record<string, unknown>;
type ArticleJson = { url: string; versions: Json[]; responses: Json[]; checks: Json[] } & Json;

let lines: string[];
beforeAll(async () => {
  const src = await tmpStore();
  try {
    await buildExportDb(src.store, SYNTHETIC);
    lines = (await exported(src.store)).trimEnd().split('\n');
  } finally {
    await src.cleanup();
  }
  // header, 2 sources, 3 articles (line 5 is the 2-version article)
  expect(lines).toHaveLength(6);
});

/** Lines 1-5 of the export (header, sources, two articles), with line `n` (1-based, an article) changed by `edit`. */
function withArticle(n: number, edit: (a: ArticleJson) => void): string[] {
  const out = lines.slice(0, 5);
  const a = JSON.parse(out[n - 1]!) as ArticleJson;
  edit(a);
  out[n - 1] = JSON.stringify(a);
  return out;
}

describe('import refuses what the fetcher would never have stored', () => {
  let dst: TmpStore;
  let beforeSnapshot: string;
  let beforeExport: string;
  beforeEach(async () => {
    dst = await tmpStore();
    // The target already holds data (the sources and the export's last article), so "unchanged" is not just "empty".
    await importJsonl(dst.store, fromBytes(text([...lines.slice(0, 3), lines[5]!])));
    beforeSnapshot = await snapshot(dst.store);
    beforeExport = await exported(dst.store);
  });
  afterEach(async () => { await dst.cleanup(); });

  async function expectUnchanged(): Promise<void> {
    expect(await exported(dst.store)).toBe(beforeExport);
    expect(await snapshot(dst.store)).toBe(beforeSnapshot);
  }

  async function refused(input: Readable | string | Buffer, line: number, message: RegExp, opts: Parameters<typeof importJsonl>[2] = {}): Promise<ImportError> {
    const err = await importJsonl(dst.store, input instanceof Readable ? input : fromBytes(input), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).line).toBe(line);
    expect((err as Error).message).toMatch(new RegExp(`^import: line ${line}: `));
    expect((err as Error).message).toMatch(message);
    await expectUnchanged();
    return err as ImportError;
  }

  it.each([
    ['a capturedAt that is not a date', (a: ArticleJson) => { a.versions[1]!.capturedAt = 'yesterday'; }, /versions\.1\.capturedAt: expected an ISO 8601 date and time/],
    ['a capturedAt on February 30th', (a: ArticleJson) => { a.versions[0]!.capturedAt = '2024-02-30T10:00:00.000Z'; }, /versions\.0\.capturedAt: expected an ISO 8601/],
    ['a capturedAt without a zone', (a: ArticleJson) => { a.versions[0]!.capturedAt = '2024-05-01T10:00:00'; }, /versions\.0\.capturedAt/],
    ['a nextCheck in the year 275760', (a: ArticleJson) => { a.nextCheck = '+275760-09-13T00:00:00.000Z'; }, /nextCheck: expected an ISO 8601/],
    ['a check time that is not a date', (a: ArticleJson) => { a.checks[0]!.checkedAt = 'soon'; }, /checks\.0\.checkedAt/],
    ['a response time that is not a date', (a: ArticleJson) => { a.responses[0]!.fetchedAt = '2024-13-01T00:00:00Z'; }, /responses\.0\.fetchedAt/],
    ['a publishedAt that is not a date', (a: ArticleJson) => { a.versions[0]!.publishedAt = 'last Tuesday'; }, /versions\.0\.publishedAt: expected an ISO 8601 date or date-time/],
    ['version numbers with a gap', (a: ArticleJson) => { a.versions[1]!.number = 3; }, /versions\.1: version number 3 where 2 was expected \(versions are numbered 1 to 2 in order, without gaps\)/],
    ['version numbers not starting at 1', (a: ArticleJson) => { a.versions[0]!.number = 2; a.versions[1]!.number = 3; }, /versions\.0: version number 2 where 1 was expected/],
    ['a javascript: article URL', (a: ArticleJson) => { a.url = 'javascript:alert(document.cookie)'; }, /url: only http and https URLs can be tracked/],
    ['a data: response URL', (a: ArticleJson) => { a.responses[0]!.url = 'data:text/html,<script>alert(1)</script>'; }, /responses\.0\.url: only http and https/],
    ['the cloud metadata address', (a: ArticleJson) => { a.url = 'http://169.254.169.254/latest/meta-data/'; }, /url: http:\/\/169\.254\.169\.254\/latest\/meta-data\/ is a loopback, private, link-local or metadata address.*--allow-private/],
    ['the metadata address written in decimal', (a: ArticleJson) => { a.url = 'http://2852039166/latest/'; }, /url: .* metadata address/],
    ['a loopback response URL', (a: ArticleJson) => { a.responses[0]!.requestedUrl = 'http://[::1]:8080/admin'; }, /responses\.0\.requestedUrl: .*loopback/],
    ['a private address', (a: ArticleJson) => { a.url = 'http://10.0.0.7/story'; }, /url: .*private/],
    ['the metadata host name', (a: ArticleJson) => { a.url = 'http://metadata.google.internal/computeMetadata/v1/'; }, /url: .*metadata address/],
  ])('refuses %s, naming line 5 and the field', async (_name, edit, message) => {
    await refused(text(withArticle(5, edit)), 5, message);
  });

  it('refuses a URL with a user name and password without repeating the password', async () => {
    const err = await refused(text(withArticle(5, (a) => { a.url = 'https://editor:hunter2@news.example.com/story'; })), 5, /url: URLs with a user name or password are not accepted/);
    expect(err.message).not.toContain('hunter2');
  });

  it("refuses a source whose URLs the fetcher would refuse, on the source's line", async () => {
    const bad = lines.slice(0, 5);
    const s = JSON.parse(bad[1]!) as Json & { config: Json };
    s.config = { ...s.config, urls: ['https://ok.example/feed.xml', 'http://127.0.0.1:2375/containers/json'] };
    bad[1] = JSON.stringify(s);
    // A fresh slug, so the source is not simply kept as it is in the database.
    bad[1] = bad[1]!.replace(`"slug":"${s.slug as string}"`, '"slug":"fresh-source"');
    await refused(text(bad), 2, /config\.urls\.1: http:\/\/127\.0\.0\.1:2375\/containers\/json is a loopback/);
  });

  it('keeps private addresses with allowPrivate (--allow-private), and normalises times to UTC', async () => {
    const file = withArticle(5, (a) => {
      a.url = 'http://127.0.0.1:8080/story';
      a.versions[0]!.capturedAt = '2024-05-01T10:00:00+02:00';
    });
    const r = await importJsonl(dst.store, fromBytes(text(file)), { allowPrivate: true });
    expect(r.articles).toBe(2);
    const a = await dst.store.getArticleByUrl('http://127.0.0.1:8080/story');
    expect(a).not.toBeNull();
    const v = (await dst.store.listVersionsPage(a!.id, 0, 10))[0]!;
    expect(v.captured_at).toBe('2024-05-01T08:00:00.000Z');
  });

  it('refuses invalid UTF-8 with the line number and the position of the bad byte, instead of replacing it', async () => {
    const utf8 = lines.map((l) => Buffer.from(l, 'utf8'));
    const title = Buffer.from('"title":"', 'utf8');
    const at = utf8[4]!.indexOf(title) + title.length;
    const broken = Buffer.from(utf8[4]!);
    broken[at] = 0xff;
    const file = Buffer.concat([...utf8.slice(0, 4), broken].flatMap((b) => [b, Buffer.from('\n')]));
    await refused(file, 5, new RegExp(`invalid UTF-8 at byte ${at + 1} of the line`));
    // A multi-byte sequence cut at the end of a line (the first byte of an "é") is caught too.
    const start = Buffer.from('{"type":"source","name":"caf');
    const cut = Buffer.concat([utf8[0]!, Buffer.from('\n'), start, Buffer.from([0xc3, 0x0a])]);
    await refused(cut, 2, new RegExp(`invalid UTF-8 at byte ${start.length + 1} of the line`));
  });

  it('refuses a line longer than the bound, naming it, and leaves the database unchanged', async () => {
    const limit = Math.max(...lines.slice(0, 4).map((l) => Buffer.byteLength(l))) + 16;
    const long = withArticle(5, (a) => { a.title = 'x'.repeat(limit); });
    await refused(text(long.slice(0, 5)), 5, new RegExp(`longer than ${limit} bytes, the longest line read`), { maxLineBytes: limit });
  });

  it('stops reading a line at the bound: an endless line costs no more than the bound', async () => {
    const MiB = 1024 * 1024;
    let pulled = 0;
    const chunk = Buffer.alloc(MiB, 0x61);
    // A header, a line start, then 200 MiB without a newline (as good as endless for the test).
    const input = Readable.from((function* () {
      yield Buffer.from(`${lines[0]!}\n{"type":"article","title":"`);
      for (let i = 0; i < 200; i++) {
        pulled++;
        yield chunk;
      }
    })());
    await refused(input, 2, /longer than 4 MiB/, { maxLineBytes: 4 * MiB });
    // The stream reads ahead a little (its buffer), never the whole line.
    expect(pulled).toBeLessThan(12);
  });

  it('CLI: --max-line-mib bounds lines; hostile files exit 1 with the line number and change nothing', async () => {
    const file = path.join(dst.dir, 'long.jsonl');
    const long = withArticle(5, (a) => { a.title = 'x'.repeat(1_200_000); });
    fs.writeFileSync(file, text(long));
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string | Uint8Array) => { stderr.push(String(s)); return true; }) as typeof process.stderr.write;
    try {
      expect(await importCommand({ db: dst.target }, file, { maxLineMib: '1' })).toBe(1);
      expect(await importCommand({ db: dst.target }, file, { maxLineMib: 'lots' })).toBe(2);
      const meta = path.join(dst.dir, 'meta.jsonl');
      fs.writeFileSync(meta, text(withArticle(5, (a) => { a.url = 'http://169.254.169.254/'; })));
      expect(await importCommand({ db: dst.target }, meta, {})).toBe(1);
      await expectUnchanged();
      // The global --allow-private lets it in, as it lets the fetcher reach such hosts.
      expect(await importCommand({ db: dst.target, allowPrivate: true }, meta, {})).toBe(0);
    } finally {
      process.stderr.write = write;
    }
    const out = stderr.join('');
    expect(out).toContain('import: line 5: longer than 1 MiB, the longest line read (raise it with --max-line-mib)');
    expect(out).toContain('--max-line-mib must be a number above 0');
    expect(out).toMatch(/import: line 5: url: http:\/\/169\.254\.169\.254\/ is a loopback, private, link-local or metadata address/);
  });
});
