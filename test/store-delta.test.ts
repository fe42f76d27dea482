/**
 * Delta-compressed bodies and texts (issue 14): every body and text written is read back byte-identical (sha256),
 * across snapshot boundaries, after re-extraction and deletions; a database written before delta storage opens and
 * reads unchanged, and `compact` (store batches, and the real CLI: progress, interrupted and run again, with readers
 * in another process meanwhile) converts it without changing a byte of what it reads.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { openStore, type Store } from '../src/store/index.js';
import { BODY_SNAPSHOT_EVERY, TEXT_SNAPSHOT_EVERY } from '../src/store/delta-codec.js';
import { clearDecodedCaches } from '../src/store/delta-chain.js';
import { corpusDir } from './helpers/corpus.js';
import { capturedArticles, mismatches, sha, writeCaptures, writeChainFormat, writeOldFormat, type Written } from './helpers/delta-fixtures.js';
import { requireBuiltCli, runCli, startCli, stopProcess } from './helpers/processes.js';
import { tmpStore, tmpTarget, type TmpTarget } from './helpers/tmp.js';

const corpus = corpusDir();
// Two articles long enough to cross several snapshot boundaries of bodies and texts, and a few short ones.
const LONG = Math.max(BODY_SNAPSHOT_EVERY, TEXT_SNAPSHOT_EVERY) + 9;
const COUNTS = [LONG, 4, LONG, 7, 1, 12];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function fresh(): Promise<Store> {
  const t = await tmpStore();
  cleanups.push(t.cleanup);
  return t.store;
}

async function target(): Promise<TmpTarget> {
  const t = await tmpTarget();
  cleanups.push(t.cleanup);
  return t;
}

/** Converts everything left, `batch` rows per call, checking reads between batches; returns the rows converted. */
async function compactAll(store: Store, written: readonly Written[], batch: number): Promise<number> {
  let rows = 0;
  for (const kind of ['body', 'text'] as const) {
    for (;;) {
      const step = await store.compactBatch(kind, batch);
      if (step.rows === 0) break;
      rows += step.rows;
      // A reader between two batches sees every row readable, converted or not.
      const w = written[(rows * 7) % written.length]!;
      expect(sha((await store.getResponse(w.responseId))!.body)).toBe(sha(w.capture.body));
      expect((await store.getVersion(w.articleId, w.versionNumber))!.text).toBe(w.capture.text);
    }
  }
  return rows;
}

describe(`delta storage (${corpus ? 'corpus revisions in real page templates' : 'synthetic captures'})`, () => {
  it('reads every body and text back byte-identical, across snapshot boundaries, in far less space than gzip', async () => {
    const store = await fresh();
    const articles = capturedArticles(corpus, COUNTS);
    const written = await writeCaptures(store, articles);
    expect(written.length).toBe(COUNTS.reduce((a, b) => a + b, 0));
    expect(await mismatches(store, written)).toEqual([]);
    expect(await store.countLegacyRows()).toEqual({ bodies: 0, texts: 0 });
    const stored = await store.storedBytes();
    const raw = written.reduce((n, w) => n + w.capture.body.length, 0);
    // gzip keeps about a fifth of a news page; a delta against the previous capture a few percent at most.
    expect(stored.bodies).toBeLessThan(raw / 10);
    const rawText = written.reduce((n, w) => n + Buffer.byteLength(w.capture.text), 0);
    expect(stored.texts).toBeLessThan(rawText / 3);
  }, 180_000);

  it('keeps every text readable after re-extraction rewrites versions, and every row after deletions', async () => {
    const store = await fresh();
    const written = await writeCaptures(store, capturedArticles(corpus, [LONG, 5]));
    const first = written.filter((w) => w.articleId === written[0]!.articleId);
    // Re-extraction rewrites texts in order, each a base of the next.
    for (const w of first.filter((_, i) => i % 3 === 1)) {
      const v = (await store.getVersion(w.articleId, w.versionNumber))!;
      const text = `${v.text}\n\nCorrection: re-extracted as version ${w.versionNumber}.`;
      await store.transaction((tx) => tx.updateVersionContent(v.id, {
        title: v.title, byline: v.byline, publishedAt: v.publishedAt, text, contentHash: v.contentHash, extractorVersion: 'test-2',
        wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: v.changeKind, minorReason: v.minorReason,
      }));
      w.capture = { ...w.capture, text };
    }
    expect(await mismatches(store, written)).toEqual([]);
    // Deleting a row in the middle of a chain re-encodes the rows that depended on it.
    const gone = first[5]!;
    const v = (await store.getVersion(gone.articleId, gone.versionNumber))!;
    await store.transaction(async (tx) => {
      await tx.deleteVersion(v.id);
      await tx.deleteResponse(gone.responseId);
    });
    const left = written.filter((w) => w !== gone);
    const bad = await mismatches(store, left);
    expect(bad).toEqual([]);
    // No row is left a delta against a row that is gone (doctor's consistency check says so).
    expect((await store.checkConsistency()).filter((p) => /delta/.test(p))).toEqual([]);
    expect(await store.getResponse(gone.responseId)).toBeNull();
  });

  it('opens a database written before delta storage and reads it unchanged; compact converts it, readers see the same bytes', async () => {
    const t = await target();
    const written = await writeOldFormat(t.target, capturedArticles(corpus, COUNTS));
    const store = await openStore(t.target);
    cleanups.unshift(() => store.close());
    const legacy = await store.countLegacyRows();
    expect(legacy).toEqual({ bodies: written.length, texts: written.length });
    expect(await mismatches(store, written)).toEqual([]);
    // New captures of an old article are encoded against its old (gzip) body and plain text.
    const before = await store.storedBytes();
    expect(await compactAll(store, written, 5)).toBe(2 * written.length);
    expect(await store.countLegacyRows()).toEqual({ bodies: 0, texts: 0 });
    const after = await store.storedBytes();
    expect(after.bodies).toBeLessThan(before.bodies / 3);
    expect(await mismatches(store, written)).toEqual([]);
    // Nothing left: a second run converts nothing and changes nothing.
    expect(await compactAll(store, written, 5)).toBe(0);
  }, 180_000);

  it('reads a database in the first delta layout (chains of 16, keyframes without a shared dictionary); compact converts it, same bytes', async () => {
    const t = await target();
    const written = await writeChainFormat(t.target, capturedArticles(corpus, COUNTS));
    const store = await openStore(t.target);
    cleanups.unshift(() => store.close());
    // Every body is in the older layout; texts were delta-encoded already and stay as they are.
    expect(await store.countLegacyRows()).toEqual({ bodies: written.length, texts: 0 });
    expect(await mismatches(store, written)).toEqual([]);
    const before = await store.storedBytes();
    expect(await compactAll(store, written, 7)).toBe(written.length);
    expect(await store.countLegacyRows()).toEqual({ bodies: 0, texts: 0 });
    expect(await mismatches(store, written)).toEqual([]);
    // Keyframes of the six articles' pages share their site's dictionary: smaller than self-contained ones.
    const after = await store.storedBytes();
    expect(after.bodies).toBeLessThan(before.bodies);
    expect(after.texts).toBe(before.texts);
    expect(await store.checkConsistency()).toEqual([]);
    // New captures after compact are written in the current layout, against the converted rows.
    const a = written[0]!;
    const c = { ...a.capture, body: Buffer.concat([a.capture.body, Buffer.from('<!-- one more capture -->')]) };
    const responseId = await store.insertResponse({
      articleId: a.articleId, requestedUrl: 'https://x.example/', url: 'https://x.example/', fetchedAt: new Date().toISOString(), status: 200,
      statusText: 'OK', httpVersion: '1.1', headers: [], requestHeaders: [], body: c.body,
    });
    expect(sha((await store.getResponse(responseId))!.body)).toBe(sha(c.body));
    expect(await store.countLegacyRows()).toEqual({ bodies: 0, texts: 0 });
  }, 180_000);

  it('keeps two databases of one process apart: a dictionary id in one is not the dictionary of the same id in the other', async () => {
    // Same site template (one family, dictionary id 1 in both), different articles: different dictionary contents.
    const [one, other] = capturedArticles(null, [BODY_SNAPSHOT_EVERY + 3, BODY_SNAPSHOT_EVERY + 3]);
    // The other database's pages say it otherwise (other bytes at other offsets), with the same stylesheet.
    const reworded = (c: { body: Buffer }): Buffer => Buffer.from(c.body.toString('utf8').replace(/Paragraph (\d+)/g, 'Le paragraphe numéro $1, long'), 'utf8');
    const two = { ...other!, captures: other!.captures.map((c) => ({ ...c, body: reworded(c) })) };
    const a = await fresh();
    const b = await fresh();
    const inA = await writeCaptures(a, [one!]);
    const inB = await writeCaptures(b, [two]);
    // Written alternately too, so each database's keyframes are encoded while the other's dictionary is cached.
    const more = capturedArticles(null, [3, 3, 3, 3]);
    inA.push(...await writeCaptures(a, [more[2]!]));
    inB.push(...await writeCaptures(b, [{ ...more[3]!, captures: more[3]!.captures.map((c) => ({ ...c, body: reworded(c) })) }]));
    for (let round = 0; round < 2; round++) {
      // As a fresh process reads them (nothing decoded yet), then with the other database's dictionary cached.
      if (round === 0) clearDecodedCaches();
      expect(await mismatches(a, inA)).toEqual([]);
      expect(await mismatches(b, inB)).toEqual([]);
    }
  }, 180_000);

  it('never decodes with a rolled-back dictionary: the next one stored (SQLite gives it the same id) is read right', async () => {
    const store = await fresh();
    const [gone, kept] = capturedArticles(null, [2, 2]);
    const rollBack = new Error('test: roll back');
    await expect(store.transaction(async (tx) => {
      const w = await writeCaptures(tx, [gone!]);
      // Read inside the transaction: its new dictionary is loaded there, then the transaction takes it back.
      expect(await mismatches(tx, w)).toEqual([]);
      throw rollBack;
    })).rejects.toBe(rollBack);
    // Another article's first page becomes the family's dictionary: other content, under the freed id on SQLite.
    const written = await writeCaptures(store, [kept!]);
    expect(await mismatches(store, written)).toEqual([]);
  });

  it('writes new captures of an old article as deltas on its old rows, and compact keeps them readable', async () => {
    const t = await target();
    const articles = capturedArticles(corpus, [8, 3]);
    const old = await writeOldFormat(t.target, articles.map((a) => ({ ...a, captures: a.captures.slice(0, 4) })));
    const store = await openStore(t.target);
    cleanups.unshift(() => store.close());
    const fresh: Written[] = [];
    for (const [ai, a] of articles.entries()) {
      const articleId = old.find((w) => w.capture === a.captures[0])!.articleId;
      for (const c of a.captures.slice(4)) {
        const responseId = await store.insertResponse({
          articleId, requestedUrl: a.url, url: a.url, fetchedAt: new Date(Date.UTC(2025, 1, 1, ai)).toISOString(), status: 200, statusText: 'OK',
          httpVersion: '1.1', headers: [], requestHeaders: [], body: c.body,
        });
        const v = await store.insertVersion({
          articleId, title: c.title, byline: null, publishedAt: null, text: c.text, contentHash: sha(c.text), capturedAt: new Date().toISOString(),
          responseId, extractorVersion: 'test', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {},
        });
        fresh.push({ articleId, responseId, versionNumber: v.number, capture: c });
      }
    }
    const all = [...old, ...fresh];
    expect(await mismatches(store, all)).toEqual([]);
    await compactAll(store, all, 3);
    expect(await mismatches(store, all)).toEqual([]);
  });
});

describe('palimpsest compact (the CLI)', () => {
  it('converts an old database with progress, survives being killed halfway, finishes when run again, while another process reads', async () => {
    requireBuiltCli();
    const t = await target();
    const written = await writeOldFormat(t.target, capturedArticles(corpus, [LONG, LONG, 20, 20, 12]));
    const reader = await openStore(t.target);
    cleanups.unshift(() => reader.close());

    // Killed once it has shown progress: what it converted stays converted, the rest stays readable.
    const { proc } = await startCli(['--db', t.target, 'compact', '--batch', '1'], {}, /compact: \d+\/\d+ rows/);
    let reads = 0;
    for (const w of written.slice(0, 40)) {
      expect(sha((await reader.getResponse(w.responseId))!.body)).toBe(sha(w.capture.body));
      reads++;
    }
    proc.child.kill('SIGKILL');
    await stopProcess(proc);
    expect(reads).toBe(40);
    expect(await mismatches(reader, written)).toEqual([]);
    const left = await reader.countLegacyRows();

    const run = await runCli(['--db', t.target, 'compact'], { PALIMPSEST_CONFIG: '' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`compact: ${left.bodies} bodies and ${left.texts} texts to convert`);
    expect(run.stdout).toMatch(/compact: \d+\/\d+ rows \(100%\)/);
    expect(run.stdout).toMatch(new RegExp(`converted ${left.bodies} bodies and ${left.texts} texts; before bodies [\\d.]+ [KM]B, texts .* -> `));
    expect(await reader.countLegacyRows()).toEqual({ bodies: 0, texts: 0 });
    expect(await mismatches(reader, written)).toEqual([]);

    const again = await runCli(['--db', t.target, 'compact', '--vacuum'], { PALIMPSEST_CONFIG: '' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('compact: 0 bodies and 0 texts to convert');
    expect(again.stdout).toContain('space reclaimed');
    expect(await mismatches(reader, written)).toEqual([]);
  }, 300_000); // three CLI runs over a hundred real pages: minutes on a loaded two-core machine

  it('refuses a bad --batch with exit code 2', async () => {
    requireBuiltCli();
    const t = await target();
    const run = await runCli(['--db', t.target, 'compact', '--batch', '0'], { PALIMPSEST_CONFIG: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--batch must be a whole number/);
  });
});
