/**
 * Extraction keeps no page alive: a real child process with a 96 MB heap extracts page after page with the built
 * extractor (dist/) and reports its heap after a full GC after a warm-up and at the end. Growth must stay below
 * 20 MB. Caches keyed by strings cut from a page used to keep every page in memory (the process died after a few
 * hundred pages).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { describeCorpus } from './helpers/corpus.js';
import { requireBuiltCli } from './helpers/processes.js';
import { TokenCache } from '../src/extractor/token-cache.js';

const SCRIPT = path.resolve('test/helpers/extract-memory.mjs');
const HEAP_MB = 96;
const MAX_GROWTH_MB = 20;

interface Report {
  pages: number;
  distinct: number;
  startBytes: number;
  endBytes: number;
  chars: number;
}

/** Runs the child; resolves with its report, or rejects with what it printed when it died (e.g. out of memory). */
function runChild(source: string, pages: number, warm: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--expose-gc', SCRIPT, source, String(pages), String(warm)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(JSON.parse(out.trim()) as Report);
      else reject(new Error(`extract-memory child exited (${signal ?? code}) under a ${HEAP_MB} MB heap:\n${err.slice(-2000)}`));
    });
  });
}

function growthMb(r: Report): number {
  return (r.endBytes - r.startBytes) / 1024 / 1024;
}

beforeAll(() => requireBuiltCli());

describe('extractor memory', () => {
  it('bounds the token cache, evicting the least recently used token first', () => {
    const cache = new TokenCache<number>(3);
    let computed = 0;
    const get = (t: string): number => cache.get(t, (x) => { computed++; return x.length; });
    for (const t of ['alpha', 'beta', 'gamma']) get(t);
    get('alpha'); // used again: now the most recent
    get('delta'); // evicts beta, the least recently used
    expect(cache.size).toBe(3);
    computed = 0;
    expect([get('alpha'), get('gamma'), get('delta')]).toEqual([5, 5, 5]);
    expect(computed).toBe(0);
    get('beta');
    expect(computed).toBe(1);
    expect(cache.size).toBe(3);
  });

  it(`keeps no generated page alive: 300 pages of about 1 MB with new class names each grow the heap < ${MAX_GROWTH_MB} MB`, async () => {
    const r = await runChild('--synthetic', 300, 20);
    process.stdout.write(`extractor memory (synthetic): ${r.pages} pages, heap ${(r.startBytes / 1048576).toFixed(1)} -> ${(r.endBytes / 1048576).toFixed(1)} MB\n`);
    expect(r.pages).toBe(300);
    expect(r.chars).toBeGreaterThan(0);
    expect(growthMb(r)).toBeLessThan(MAX_GROWTH_MB);
  }, 300_000);
});

describeCorpus('extractor memory over the corpus', (dir) => {
  it(`extracts 1,000+ corpus pages (extraction and snippets) under a ${HEAP_MB} MB heap with growth < ${MAX_GROWTH_MB} MB`, async () => {
    const r = await runChild(dir, 1100, 50);
    process.stdout.write(`extractor memory (corpus): ${r.pages} pages (${r.distinct} distinct), heap ${(r.startBytes / 1048576).toFixed(1)} -> ${(r.endBytes / 1048576).toFixed(1)} MB\n`);
    expect(r.pages).toBeGreaterThanOrEqual(1000);
    // Both corpora were read: the extraction folder alone has fewer than 200 pages.
    expect(r.distinct).toBeGreaterThan(600);
    expect(r.chars).toBeGreaterThan(1_000_000);
    expect(growthMb(r)).toBeLessThan(MAX_GROWTH_MB);
  }, 600_000);
});
