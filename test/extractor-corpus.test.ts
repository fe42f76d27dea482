import fs from 'node:fs';
import path from 'node:path';
import { it, expect, beforeAll } from '@jest/globals';
import { describeCorpus } from './helpers/corpus.js';
import { extract } from '../src/extractor/index.js';
import { readabilityText } from '../src/extractor/baseline.js';
import { scoreCorpus, scorePage, type PageScore } from '../src/extractor/score.js';
import { looseKey } from '../src/extractor/text.js';
import { furniture, injectAfterParagraph } from './helpers/furniture.js';

interface IndexEntry {
  id: string;
  source: 'scrapinghub-aeb' | 'readability';
  url: string | null;
}

interface Truth {
  url: string | null;
  title: string;
  body: string;
  byline?: string | null;
  site_name?: string | null;
  published_time?: string | null;
  lang?: string | null;
}

interface Page extends IndexEntry {
  html: string;
  truth: Truth;
}

function fmt(label: string, s: { precision: number; recall: number; f1: number; pages: number }): string {
  return `${label.padEnd(34)} P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(4)}  (${s.pages} pages)\n`;
}

describeCorpus('extractor on the shared corpus', (dir) => {
  const pages: Page[] = [];

  beforeAll(() => {
    const root = path.join(dir, 'extraction');
    const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as IndexEntry[];
    for (const entry of index) {
      const html = fs.readFileSync(path.join(root, entry.id, 'page.html'), 'utf8');
      const truth = JSON.parse(fs.readFileSync(path.join(root, entry.id, 'truth.json'), 'utf8')) as Truth;
      pages.push({ ...entry, html, truth });
    }
  });

  it('beats Readability on the scrapinghub pages with an F1 of at least 0.98', () => {
    const ours: PageScore[] = [];
    const theirs: PageScore[] = [];
    for (const p of pages.filter((x) => x.source === 'scrapinghub-aeb')) {
      ours.push(scorePage(p.truth.body, extract(p.html, p.url).text));
      theirs.push(scorePage(p.truth.body, readabilityText(p.html)));
    }
    const o = scoreCorpus(ours);
    const r = scoreCorpus(theirs);
    process.stdout.write(`\nextraction F1, scrapinghub pages (benchmark's 4-gram method)\n${fmt('palimpsest extractor', o)}${fmt('@mozilla/readability on linkedom', r)}`);
    expect(o.pages).toBeGreaterThanOrEqual(100);
    expect(o.f1).toBeGreaterThanOrEqual(0.98);
    expect(o.f1).toBeGreaterThan(r.f1);
  });

  it('agrees with the reviewed Readability output and metadata on the readability pages', () => {
    const scores: PageScore[] = [];
    const agree = { title: 0, byline: 0, published: 0, lang: 0, site: 0 };
    const stated = { title: 0, byline: 0, published: 0, lang: 0, site: 0 };
    const near = (a: string | null, b: string | null | undefined): boolean => {
      if (!a || !b) return false;
      const x = looseKey(a);
      const y = looseKey(b);
      return x !== '' && y !== '' && (x === y || x.includes(y) || y.includes(x));
    };
    const sameTime = (a: string | null, b: string): boolean => {
      if (!a) return false;
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(b);
      return zoned ? Date.parse(a) === Date.parse(b) : a.slice(0, 16) === b.replace(' ', 'T').slice(0, 16);
    };
    for (const p of pages.filter((x) => x.source === 'readability')) {
      const e = extract(p.html, p.url);
      scores.push(scorePage(p.truth.body, e.text));
      stated.title++;
      if (near(e.title, p.truth.title)) agree.title++;
      if (p.truth.byline) {
        stated.byline++;
        if (near(e.byline, p.truth.byline.replace(/^by\s+/i, ''))) agree.byline++;
      }
      if (p.truth.published_time) {
        stated.published++;
        if (sameTime(e.publishedAt, p.truth.published_time)) agree.published++;
      }
      if (p.truth.lang) {
        stated.lang++;
        if (e.lang?.split('-')[0]?.toLowerCase() === p.truth.lang.split('-')[0]?.toLowerCase()) agree.lang++;
      }
      if (p.truth.site_name) {
        stated.site++;
        if (near(e.siteName, p.truth.site_name)) agree.site++;
      }
    }
    const s = scoreCorpus(scores);
    const rate = (k: keyof typeof agree): number => agree[k] / Math.max(1, stated[k]);
    process.stdout.write(
      `\nreadability pages\n${fmt('palimpsest vs reviewed output', s)}metadata agreement: ` +
        (Object.keys(agree) as (keyof typeof agree)[]).map((k) => `${k} ${agree[k]}/${stated[k]}`).join(', ') + '\n',
    );
    expect(s.f1).toBeGreaterThanOrEqual(0.94);
    expect(rate('title')).toBeGreaterThanOrEqual(0.9);
    expect(rate('byline')).toBeGreaterThanOrEqual(0.75);
    expect(rate('published')).toBeGreaterThanOrEqual(0.8);
    expect(rate('lang')).toBeGreaterThanOrEqual(0.95);
    expect(rate('site')).toBeGreaterThanOrEqual(0.85);
  });

  it('gives the same text when page furniture changes between fetches, inside the article too', () => {
    let injected = 0;
    const changed: string[] = [];
    for (const p of pages) {
      const base = extract(p.html, p.url);
      if (base.paragraphs.length === 0) continue;
      furniture(pages.indexOf(p) + 3).forEach((f, variant) => {
        const html = injectAfterParagraph(p.html, base.paragraphs, f);
        if (html === null) return;
        injected++;
        const again = extract(html, p.url);
        if (again.text !== base.text || again.title !== base.title) changed.push(`${p.id}#${variant}`);
      });
    }
    process.stdout.write(`\nfurniture injected into ${injected} page variants; text changed in ${changed.length}: ${changed.join(' ')}\n`);
    expect(injected).toBeGreaterThanOrEqual(pages.length);
    expect(changed).toEqual([]);
  });
});
