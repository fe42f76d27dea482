/**
 * Extraction benchmark: quality (the article-extraction benchmark's 4-gram F1 on `extraction/`, trafilatura's
 * snippet F1 on `snippets/`), time per page and peak memory of the Palimpsest extractor beside
 * @mozilla/readability on linkedom, over both folders of the shared corpus, in the same run.
 * Each extractor runs in its own child process so that their peak memory does not mix.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from '../src/extractor/index.js';
import { readabilityText } from '../src/extractor/baseline.js';
import { scoreCorpus, scorePage, type CorpusScore, type PageScore } from '../src/extractor/score.js';
import { scoreSnippets, totalSnippetScore, type SnippetCounts, type SnippetScore } from '../src/extractor/snippets-score.js';
import { corpusDir, readSnippetPage, snippetIds } from './corpus.js';

const CHILD_FLAG = '--palimpsest-extract-bench-child';

type ExtractorName = 'palimpsest' | 'readability';

interface ChildReport {
  name: ExtractorName;
  aeb: CorpusScore;
  rdb: CorpusScore;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  totalMs: number;
  peakRssMb: number;
  pages: number;
  /** The snippets corpus (trafilatura's evaluation half), scored with upstream's method; null when absent. */
  snippets: { score: SnippetScore; pages: number; empty: number; meanMs: number; medianMs: number; p99Ms: number } | null;
}

interface Entry {
  id: string;
  source: string;
  url: string | null;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function runChild(name: ExtractorName): void {
  const root = path.join(corpusDir(), 'extraction');
  const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as Entry[];
  const pages = index.map((e) => ({
    ...e,
    html: fs.readFileSync(path.join(root, e.id, 'page.html'), 'utf8'),
    body: (JSON.parse(fs.readFileSync(path.join(root, e.id, 'truth.json'), 'utf8')) as { body: string }).body,
  }));
  const run = name === 'palimpsest' ? (html: string, url: string | null) => extract(html, url).text : (html: string) => readabilityText(html);
  // One untimed pass warms the JIT; the second pass is measured.
  for (const p of pages) run(p.html, p.url);
  const times: number[] = [];
  const aeb: PageScore[] = [];
  const rdb: PageScore[] = [];
  const started = performance.now();
  for (const p of pages) {
    const t0 = performance.now();
    const text = run(p.html, p.url);
    times.push(performance.now() - t0);
    (p.source === 'readability' ? rdb : aeb).push(scorePage(p.body, text));
  }
  const totalMs = performance.now() - started;
  times.sort((a, b) => a - b);
  const report: ChildReport = {
    name,
    aeb: scoreCorpus(aeb),
    rdb: scoreCorpus(rdb),
    medianMs: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
    maxMs: times[times.length - 1] ?? 0,
    totalMs,
    peakRssMb: 0,
    pages: pages.length,
    snippets: runSnippets(run),
  };
  report.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.send?.(report);
}

/** Extracts every snippets page (warm pass, then timed pass) and scores it with upstream's snippet method. */
function runSnippets(run: (html: string, url: string | null) => string): ChildReport['snippets'] {
  const ids = snippetIds();
  if (ids.length === 0) return null;
  const pages = ids.map((id) => readSnippetPage(id));
  const attempt = (html: string, url: string | null): string | null => {
    try {
      return run(html, url);
    } catch {
      return null; // a crash counts as a full miss, as upstream counts it
    }
  };
  for (const p of pages) attempt(p.html, p.url);
  const times: number[] = [];
  const counts: SnippetCounts[] = [];
  let empty = 0;
  for (const p of pages) {
    const t0 = performance.now();
    const text = attempt(p.html, p.url);
    times.push(performance.now() - t0);
    if (!text || text.trim() === '') empty++;
    counts.push(scoreSnippets(text, p.with, p.without));
  }
  const meanMs = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  times.sort((a, b) => a - b);
  return { score: totalSnippetScore(counts), pages: pages.length, empty, meanMs, medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
}

function measure(name: ExtractorName): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: ChildReport | null = null;
    child.on('message', (m) => {
      report = m as ChildReport;
    });
    child.on('error', reject);
    child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`extract bench: ${name} child exited with code ${code}`))));
  });
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

/** The snippets corpus's table: upstream's F1 (snippet containment, summed over pages), empties and time per page. */
function snippetTable(ours: ChildReport, base: ChildReport): string[] {
  if (!ours.snippets || !base.snippets) return ['snippets: no snippets/ folder in the corpus; skipped'];
  const widths = [34, 7, 7, 7, 9, 7, 10, 10, 8];
  const line = (label: string, s: NonNullable<ChildReport['snippets']>): string =>
    row([label, s.score.f1.toFixed(4), s.score.precision.toFixed(3), s.score.recall.toFixed(3), s.score.accuracy.toFixed(3), String(s.empty), s.meanMs.toFixed(2), s.medianMs.toFixed(2), s.p99Ms.toFixed(1)], widths);
  return [
    '',
    `snippets: ${ours.snippets.pages} pages of trafilatura's evaluation set; F1 = upstream's method (with/without passages, counts summed); times = warm pass`,
    row(['extractor', 'F1', 'P', 'R', 'accuracy', 'empty', 'mean ms', 'median ms', 'p99 ms'], widths),
    line('palimpsest extractor', ours.snippets),
    line('@mozilla/readability + linkedom', base.snippets),
    `reference (whole upstream set of 990 pages): trafilatura 2.2.0 F1 0.924; target: palimpsest >= 0.93 with no empty output`,
  ];
}

/** Runs both extractors over the corpus and prints a plain-text comparison table to stdout. */
export async function run(): Promise<void> {
  if (!fs.existsSync(path.join(corpusDir(), 'extraction', 'index.json'))) {
    process.stdout.write(`extract bench: no corpus at ${corpusDir()} (set PALIMPSEST_CORPUS); skipped\n`);
    return;
  }
  const ours = await measure('palimpsest');
  const base = await measure('readability');
  const widths = [34, 9, 7, 7, 9, 10, 8, 8, 12];
  const head = ['extractor', 'F1 (aeb)', 'P', 'R', 'F1 (rdb)', 'median ms', 'p99 ms', 'max ms', 'peak RSS MB'];
  const line = (r: ChildReport, label: string): string =>
    row([label, r.aeb.f1.toFixed(4), r.aeb.precision.toFixed(3), r.aeb.recall.toFixed(3), r.rdb.f1.toFixed(4), r.medianMs.toFixed(2), r.p99Ms.toFixed(2), r.maxMs.toFixed(1), r.peakRssMb.toFixed(0)], widths);
  const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
  const out = [
    `extraction: ${ours.pages} corpus pages (${ours.aeb.pages} scrapinghub "aeb", ${ours.rdb.pages} readability "rdb"); F1 = benchmark's 4-gram method; times = second (warm) pass, parse included`,
    row(head, widths),
    line(ours, 'palimpsest extractor'),
    line(base, '@mozilla/readability + linkedom'),
    row(['ratio palimpsest / readability', ratio(ours.aeb.f1, base.aeb.f1), ratio(ours.aeb.precision, base.aeb.precision), ratio(ours.aeb.recall, base.aeb.recall), ratio(ours.rdb.f1, base.rdb.f1), ratio(ours.medianMs, base.medianMs), ratio(ours.p99Ms, base.p99Ms), ratio(ours.maxMs, base.maxMs), ratio(ours.peakRssMb, base.peakRssMb)], widths),
    `targets: F1 (aeb) >= 0.96 and above readability; median <= 15 ms; p99 <= 80 ms`,
    ...snippetTable(ours, base),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[2] === CHILD_FLAG) {
  const name = process.argv[3];
  if (name !== 'palimpsest' && name !== 'readability') throw new Error(`extract bench: unknown extractor ${String(name)}`);
  runChild(name);
}
