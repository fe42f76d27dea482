/** Version classes and the newer check outcomes survive an export and import. */
import { Writable } from 'node:stream';
import { expect, it } from '@jest/globals';
import { exportCsv, exportJsonl, importJsonl } from '../src/export/index.js';
import { insertArticle, insertCheck, insertVersion, listChecks, listVersionSummaries, type Db } from '../src/store/index.js';
import { tmpDb } from './helpers/tmp.js';
import { PassThrough } from 'node:stream';

async function jsonl(db: Db, fn = exportJsonl): Promise<string> {
  const chunks: Buffer[] = [];
  await fn(db, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }));
  return Buffer.concat(chunks).toString('utf8');
}

it('keeps minor versions, their reason and flip-flop checks through export and import', async () => {
  const src = tmpDb();
  const dst = tmpDb();
  try {
    const id = insertArticle(src.db, 'https://news.example/a', '2024-01-01T00:00:00.000Z').article.id;
    const base = { articleId: id, byline: null, publishedAt: null, responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {} };
    insertVersion(src.db, { ...base, title: 'T', text: 'He said "yes".', contentHash: 'a', capturedAt: '2024-01-01T01:00:00.000Z' });
    insertVersion(src.db, { ...base, title: 'T', text: 'He said \u201cyes\u201d.', contentHash: 'b', capturedAt: '2024-01-01T02:00:00.000Z', changeKind: 'minor', minorReason: 'punctuation' });
    insertCheck(src.db, id, '2024-01-01T03:00:00.000Z', 'flipflop', 200, 'alternates with version 1', 12, 'a');
    const first = await jsonl(src.db);
    const r = new PassThrough();
    r.end(first);
    await importJsonl(dst.db, r);
    const imported = listVersionSummaries(dst.db, 1);
    expect(imported.map((v) => [v.changeKind, v.minorReason])).toEqual([['initial', null], ['minor', 'punctuation']]);
    expect(listChecks(dst.db, 1, 5)[0]?.outcome).toBe('flipflop');
    const again = await jsonl(dst.db);
    const strip = (s: string) => s.replace(/"exportedAt":"[^"]*"/, '');
    expect(strip(again)).toBe(strip(first));
    const csv = await jsonl(src.db, exportCsv);
    expect(csv.split('\r\n')[0]).toMatch(/,change_kind,minor_reason$/);
    expect(csv.split('\r\n')[2]).toMatch(/,minor,punctuation$/);
  } finally {
    src.cleanup();
    dst.cleanup();
  }
});
