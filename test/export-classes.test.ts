/** Version classes and the newer check outcomes survive an export and import. */
import { PassThrough, Writable } from 'node:stream';
import { expect, it } from '@jest/globals';
import { exportCsv, exportJsonl, importJsonl } from '../src/export/index.js';
import type { Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';

async function jsonl(store: Store, fn = exportJsonl): Promise<string> {
  const chunks: Buffer[] = [];
  await fn(store, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }));
  return Buffer.concat(chunks).toString('utf8');
}

it('keeps minor versions, their reason and flip-flop checks through export and import', async () => {
  const src = await tmpStore();
  const dst = await tmpStore();
  try {
    const id = (await src.store.insertArticle('https://news.example/a', '2024-01-01T00:00:00.000Z')).article.id;
    const base = { articleId: id, byline: null, publishedAt: null, responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {} };
    await src.store.insertVersion({ ...base, title: 'T', text: 'He said "yes".', contentHash: 'a', capturedAt: '2024-01-01T01:00:00.000Z' });
    await src.store.insertVersion({ ...base, title: 'T', text: 'He said \u201cyes\u201d.', contentHash: 'b', capturedAt: '2024-01-01T02:00:00.000Z', changeKind: 'minor', minorReason: 'punctuation' });
    await src.store.insertCheck(id, '2024-01-01T03:00:00.000Z', 'flipflop', 200, 'alternates with version 1', 12, 'a');
    const first = await jsonl(src.store);
    const r = new PassThrough();
    r.end(first);
    await importJsonl(dst.store, r);
    const copy = await dst.store.getArticleByUrl('https://news.example/a');
    expect(copy).not.toBeNull();
    const imported = await dst.store.listVersionSummaries(copy!.id);
    expect(imported.map((v) => [v.changeKind, v.minorReason])).toEqual([['initial', null], ['minor', 'punctuation']]);
    expect((await dst.store.listChecks(copy!.id, 5))[0]?.outcome).toBe('flipflop');
    const again = await jsonl(dst.store);
    const strip = (s: string): string => s.replace(/"exportedAt":"[^"]*"/, '');
    expect(strip(again)).toBe(strip(first));
    const csv = await jsonl(src.store, exportCsv);
    expect(csv.split('\r\n')[0]).toMatch(/,change_kind,minor_reason(,|$)/);
    expect(csv.split('\r\n')[2]).toMatch(/,minor,punctuation(,|$)/);
  } finally {
    await src.cleanup();
    await dst.cleanup();
  }
});
