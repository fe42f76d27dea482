import fs from 'node:fs';
import path from 'node:path';
import { it, expect, beforeAll, describe } from '@jest/globals';
import { describeCorpus } from './helpers/corpus.js';
import { extract } from '../src/extractor/index.js';
import { normalizeWhitespace, scoreSnippets, totalSnippetScore, type SnippetCounts } from '../src/extractor/snippets-score.js';
import { decodeBody } from '../src/fetcher/charset.js';

interface Snippets {
  url: string;
  with: string[];
  without: string[];
}

interface PageResult {
  id: string;
  url: string;
  counts: SnippetCounts;
  missed: string[];
  kept: string[];
  empty: boolean;
  error: string | null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The corpus README's rule: valid UTF-8 as UTF-8, anything else by the WHATWG rules (BOM, meta charset, windows-1252). */
function decodePage(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeBody(bytes, 'text/html').text;
  }
}

describe('snippet scoring (upstream eval_common.py)', () => {
  it('counts containment after whitespace normalisation, on both sides', () => {
    const text = 'The  first\nparagraph of the story.\n\nShare this article';
    expect(scoreSnippets(text, ['first paragraph', 'missing line'], ['Share this  article', 'Cookie notice'])).toEqual({ tp: 1, fn: 1, fp: 1, tn: 1 });
    expect(normalizeWhitespace('  a\t\n b  ')).toBe('a b');
  });

  it('counts an empty output as missing every passage and a crash as missing them without true negatives', () => {
    expect(scoreSnippets('', ['a', 'b'], ['c'])).toEqual({ tp: 0, fn: 2, fp: 0, tn: 1 });
    expect(scoreSnippets(null, ['a', 'b'], ['c'])).toEqual({ tp: 0, fn: 2, fp: 0, tn: 0 });
  });

  it('takes precision, recall and F1 over the summed counts, not per page', () => {
    const s = totalSnippetScore([
      { tp: 3, fn: 0, fp: 0, tn: 3 },
      { tp: 0, fn: 3, fp: 3, tn: 0 },
    ]);
    expect(s.precision).toBeCloseTo(0.5);
    expect(s.recall).toBeCloseTo(0.5);
    expect(s.accuracy).toBeCloseTo(0.5);
    expect(s.f1).toBeCloseTo(6 / 12);
  });
});

describeCorpus('extractor on the trafilatura evaluation snippets', (dir) => {
  const results: PageResult[] = [];

  beforeAll(() => {
    const root = path.join(dir, 'snippets');
    const ids = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as string[];
    for (const id of ids) {
      const html = decodePage(fs.readFileSync(path.join(root, id, 'page.html')));
      const sn = JSON.parse(fs.readFileSync(path.join(root, id, 'snippets.json'), 'utf8')) as Snippets;
      let text: string | null = null;
      let error: string | null = null;
      try {
        text = extract(html, sn.url).text;
      } catch (err) {
        error = (err as Error).message;
      }
      const out = normalizeWhitespace(text ?? '');
      const has = (s: string): boolean => out !== '' && out.includes(normalizeWhitespace(s));
      results.push({
        id,
        url: sn.url,
        counts: scoreSnippets(text, sn.with, sn.without),
        missed: sn.with.filter((s) => !has(s)),
        kept: sn.without.filter(has),
        empty: text === null || text.trim() === '',
        error,
      });
    }
  }, 120_000);

  it('scores F1 of at least 0.93 with upstream method, and never gives an empty body', () => {
    const s = totalSnippetScore(results.map((r) => r.counts));
    const worst = [...results]
      .sort((a, b) => b.counts.fn + b.counts.fp - (a.counts.fn + a.counts.fp))
      .slice(0, 15)
      .filter((r) => r.counts.fn + r.counts.fp > 0);
    const clip = (t: string): string => JSON.stringify(t.length > 50 ? `${t.slice(0, 50)}…` : t);
    process.stdout.write(
      `\nsnippets: ${results.length} pages, precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, ` +
        `accuracy ${s.accuracy.toFixed(4)}, F1 ${s.f1.toFixed(4)} (TP ${s.tp}, FP ${s.fp}, FN ${s.fn}, TN ${s.tn})\n` +
        `pages with the most misses:\n` +
        worst
          .map((r) => `  ${r.id} ${r.url}\n    missed with: ${r.missed.map(clip).join(', ') || '-'}\n    kept without: ${r.kept.map(clip).join(', ') || '-'}`)
          .join('\n') +
        '\n',
    );
    expect(results.length).toBeGreaterThanOrEqual(400);
    expect(results.filter((r) => r.error !== null).map((r) => `${r.id}: ${r.error ?? ''}`)).toEqual([]);
    expect(results.filter((r) => r.empty).map((r) => `${r.id} ${r.url}`)).toEqual([]);
    expect(s.f1).toBeGreaterThanOrEqual(0.93);
  });
});
