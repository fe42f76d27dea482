import fs from 'node:fs';
import path from 'node:path';
import { it, expect } from '@jest/globals';
import { diffArrays, diffWordsWithSpace } from 'diff';
import { describeCorpus } from './helpers/corpus.js';
import { countWords, diffTexts, isWordToken, reconstruct, splitParagraphs, tokenize } from '../src/differ/index.js';

interface VersionPair {
  name: string;
  a: string;
  b: string;
  change: string | null;
}

/** Every consecutive version pair of the corpus revisions, with meta.json's change_from_previous. */
function versionPairs(dir: string): VersionPair[] {
  const root = path.join(dir, 'revisions');
  const pairs: VersionPair[] = [];
  for (const article of fs.readdirSync(root).sort()) {
    const folder = path.join(root, article);
    if (!fs.statSync(folder).isDirectory()) continue;
    const meta = JSON.parse(fs.readFileSync(path.join(folder, 'meta.json'), 'utf8')) as { versions: { file: string; change_from_previous: string | null }[] };
    for (let k = 1; k < meta.versions.length; k++) {
      const prev = meta.versions[k - 1];
      const cur = meta.versions[k];
      if (!prev || !cur) continue;
      pairs.push({
        name: `${article}/${cur.file}`,
        a: fs.readFileSync(path.join(folder, prev.file), 'utf8'),
        b: fs.readFileSync(path.join(folder, cur.file), 'utf8'),
        change: cur.change_from_previous,
      });
    }
  }
  return pairs;
}

describeCorpus('differ on the corpus revisions', (dir) => {
  const pairs = dir ? versionPairs(dir) : [];

  it('has version pairs to check', () => {
    expect(pairs.length).toBeGreaterThan(10);
  });

  it('reports changed words within 10 % of the minimal word diff on every pair', () => {
    const report: string[] = [];
    for (const p of pairs) {
      // jsdiff's diffWordsWithSpace is the baseline; pairs it cannot finish within 5 s are left out.
      const js = diffWordsWithSpace(p.a, p.b, { timeout: 5000 });
      if (!js) continue;
      const jsWords = js.filter((c) => c.added || c.removed).reduce((n, c) => n + countWords(c.value), 0);
      // jsdiff minimises changed tokens including whitespace, which on rewrites can cost words: the longest
      // common subsequence of the word tokens alone gives the truly minimal word count of an in-order diff.
      const words = (t: string): string[] => tokenize(t).filter(isWordToken);
      const lcsWords = diffArrays(words(p.a), words(p.b))
        .filter((c) => c.added || c.removed)
        .reduce((n, c) => n + c.count, 0);
      const s = diffTexts(p.a, p.b).stats;
      const ours = s.wordsAdded + s.wordsRemoved;
      report.push(`${p.name}: ours ${ours}, jsdiff ${jsWords}, word LCS ${lcsWords}`);
      // Never inflated over jsdiff, and never under the minimal count by more than 10 % (moved paragraphs
      // are the only way below it: they count their edits, not a removal plus an addition).
      expect({ pair: p.name, ok: ours <= Math.ceil(jsWords * 1.1) }).toEqual({ pair: p.name, ok: true });
      expect({ pair: p.name, ok: ours >= Math.floor(Math.min(jsWords, lcsWords) * 0.9) }).toEqual({ pair: p.name, ok: true });
    }
    expect(report.length).toBeGreaterThan(10);
  });

  it('rebuilds every version exactly from the rows, both ways round', () => {
    for (const p of pairs) {
      for (const [a, b] of [
        [p.a, p.b],
        [p.b, p.a],
      ] as const) {
        const rebuilt = reconstruct(diffTexts(a, b));
        expect(rebuilt.old.paragraphs).toEqual(splitParagraphs(a));
        expect(rebuilt.new.paragraphs).toEqual(splitParagraphs(b));
      }
    }
  });

  it('reports no change for whitespace-only versions', () => {
    const ws = pairs.filter((p) => p.change === 'whitespace only');
    expect(ws.length).toBeGreaterThan(0);
    for (const p of ws) {
      const d = diffTexts(p.a, p.b);
      expect(d.rows.every((r) => r.kind === 'unchanged')).toBe(true);
      expect(d.stats.wordsAdded + d.stats.wordsRemoved + d.sentences.length).toBe(0);
    }
  });
});
