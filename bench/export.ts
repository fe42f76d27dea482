/**
 * Export benchmark: builds a database of 10,000 articles x 10 versions (about 5 KB of text each, an HTML response
 * body stored per version) in a temporary folder, then exports JSON Lines, CSV and WARC (+ CDXJ), printing
 * versions/s, MB/s and the peak resident memory seen during each export. The same formats are exported for a
 * 1,000-article source first (10,000 versions): peak memory at 10k and at 100k versions should be about the same.
 * PALIMPSEST_BENCH_ARTICLES changes the number of articles; PALIMPSEST_BENCH_DB=<file or postgres:// URL> keeps the
 * generated database there and reuses it on the next run (a database that already holds articles is reused as is).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { isPostgresUrl, openStore, type Store } from '../src/store/index.js';
import { exportCsv, exportJsonl, writeWarcFile, type ExportScope, type ExportSummary } from '../src/export/index.js';
import { closeFile } from '../src/export/warc-file.js';
import { rng } from './rng.js';

const VERSIONS_PER_ARTICLE = 10;
const WORDS = ('the council city minister said on tuesday after debate budget election police report government people year ' +
  'new would could market health school court river storm vote party plan state local national week officials according ' +
  'percent million spokesman statement public water energy workers families support against during before because').split(' ');

function sentence(r: () => number): string {
  const n = 8 + Math.floor(r() * 14);
  const w = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]!);
  const s = w.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

/** ~5 KB of paragraphs for an article. */
function paragraphs(r: () => number): string[] {
  const out: string[] = [];
  let size = 0;
  while (size < 5000) {
    const p = Array.from({ length: 3 + Math.floor(r() * 3) }, () => sentence(r)).join(' ');
    out.push(p);
    size += p.length + 2;
  }
  return out;
}

function html(title: string, paras: string[], n: number): Buffer {
  return Buffer.from(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>` +
    `<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/local">Local ${n}</a></nav></header><main><article>` +
    `<h1>${title}</h1>${paras.map((p) => `<p>${p}</p>`).join('\n')}</article></main><footer>Request ${n}</footer></body></html>`, 'utf8');
}

/** Builds the database; every 10th article goes to source "small" (so it holds a tenth of the versions). */
async function generate(store: Store, articles: number): Promise<void> {
  const r = rng(42);
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const common = { kind: 'feed', config: '{}', created_at: new Date(t0).toISOString(), last_polled: null, next_poll: null, poll_count: 0, error_count: 0, last_error: null };
  const small = await store.insertSourceRow({ ...common, slug: 'small', name: 'Small source' });
  const big = await store.insertSourceRow({ ...common, slug: 'big', name: 'Big source' });
  let n = 0;
  // Transactions of 1,000 articles: one transaction of the whole ~850 MB would go through a WAL file as large
  // and be copied again at the checkpoint (measured twice as slow).
  const batch = (from: number, to: number): Promise<void> => store.transaction(async (tx) => {
    for (let a = from; a < to; a++) {
      const url = `https://news.example.com/${2024 + (a % 3)}/story-${a}`;
      const { article } = await tx.insertArticle(url, new Date(t0 + a * 60_000).toISOString(), a % 10 === 0 ? small : big);
      const paras = paragraphs(r);
      let title = sentence(r).slice(0, 80);
      for (let v = 0; v < VERSIONS_PER_ARTICLE; v++) {
        n++;
        if (v > 0) {
          // A little change per version: rewrite one paragraph, sometimes add one, sometimes retitle.
          paras[Math.floor(r() * paras.length)] = Array.from({ length: 3 }, () => sentence(r)).join(' ');
          if (r() < 0.3) paras.push(sentence(r));
          if (r() < 0.2) title = sentence(r).slice(0, 80);
        }
        const at = new Date(t0 + a * 60_000 + v * 3_600_000).toISOString();
        const body = html(title, paras, n);
        const responseId = await tx.insertResponse({
          articleId: article.id, requestedUrl: url, url, fetchedAt: at, status: 200, statusText: 'OK', httpVersion: '1.1',
          headers: [['Content-Type', 'text/html; charset=utf-8'], ['Content-Encoding', 'gzip'], ['ETag', `"${n}"`]],
          requestHeaders: [['User-Agent', 'Palimpsest/bench'], ['Accept-Encoding', 'gzip']], body,
        });
        const text = paras.join('\n\n');
        const changed = v === 0 ? null : { wordsAdded: 30, wordsRemoved: 25, paragraphsAdded: 0, paragraphsRemoved: 0, paragraphsChanged: 1,
          paragraphsMoved: 0, sentencesAdded: 3, sentencesDeleted: 3, sentencesEdited: 0, sentencesMoved: 0, changedShare: 0.06, titleChanged: false };
        await tx.insertVersion({
          articleId: article.id, title, byline: 'Staff reporter', publishedAt: new Date(t0 + a * 60_000).toISOString(), text,
          contentHash: createHash('sha256').update(`${title}\0${text}`).digest('hex'), capturedAt: at, responseId,
          extractorVersion: 'bench/1', wordsAdded: changed?.wordsAdded ?? 0, wordsRemoved: changed?.wordsRemoved ?? 0, stats: changed,
          metadata: { lang: 'en' },
        });
      }
    }
  });
  for (let from = 0; from < articles; from += 1000) await batch(from, Math.min(articles, from + 1000));
}

/** Runs `fn` while sampling the resident set size; returns its result and the peak seen. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function toFile(file: string, fn: (out: fs.WriteStream) => Promise<ExportSummary>): Promise<ExportSummary> {
  const out = fs.createWriteStream(file);
  const s = await fn(out);
  await closeFile(out);
  return s;
}

/** Runs each export of `store` into a file in `dir` and prints one line per export. */
async function exportAll(store: Store, dir: string): Promise<void> {
  console.log('format  scope    versions   seconds  versions/s      MB     MB/s  peak RSS MB');
  const cases: Array<[string, ExportScope, string]> = [];
  for (const [name, scope] of [['small', { sourceSlug: 'small' }], ['all', {}]] as Array<[string, ExportScope]>) {
    for (const format of ['jsonl', 'csv', 'warc']) cases.push([format, scope, name]);
  }
  for (const [format, scope, name] of cases) {
    const file = path.join(dir, `${name}.${format === 'warc' ? 'warc.gz' : format}`);
    const t = performance.now();
    const { result: s, peakMb } = await withPeakRss(() =>
      format === 'jsonl' ? toFile(file, (out) => exportJsonl(store, out, { scope }))
        : format === 'csv' ? toFile(file, (out) => exportCsv(store, out, { scope }))
          : writeWarcFile(store, file, { scope }));
    const secs = (performance.now() - t) / 1000;
    const mb = s.bytes / 2 ** 20;
    console.log(`${format.padEnd(7)} ${name.padEnd(7)} ${String(s.versions).padStart(9)} ${secs.toFixed(1).padStart(9)} ${Math.round(s.versions / secs).toString().padStart(11)} ` +
      `${mb.toFixed(0).padStart(7)} ${(mb / secs).toFixed(1).padStart(8)} ${peakMb.toFixed(0).padStart(12)}`);
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.cdxj`, { force: true });
  }
}

/** Builds the database (or reuses PALIMPSEST_BENCH_DB), runs the exports and prints one line per export. */
export async function run(): Promise<void> {
  const articles = Number(process.env.PALIMPSEST_BENCH_ARTICLES ?? 10_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-export-'));
  try {
    const target = process.env.PALIMPSEST_BENCH_DB ?? path.join(dir, 'bench.db');
    const store = await openStore(target);
    try {
      const reuse = (await store.ping()).articles > 0;
      const t = performance.now();
      if (!reuse) await generate(store, articles);
      const size = isPostgresUrl(target) ? '' : `, ${(fs.statSync(target).size / 2 ** 20).toFixed(0)} MB`;
      console.log(reuse ? `reusing ${store.location} (${store.backend}${size})`
        : `generated ${articles} articles x ${VERSIONS_PER_ARTICLE} versions in ${((performance.now() - t) / 1000).toFixed(1)} s (${store.backend} database${size})`);
      await exportAll(store, dir);
      console.log(`process peak RSS (maxRSS, including generation): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
