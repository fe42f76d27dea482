/**
 * Deep-markup benchmark: time to extract pages whose article sits below 10,000 to 100,000 nested elements, closed
 * and unclosed, block and inline. Broken templates produce such pages; extraction must stay about linear in size.
 * The target is under 1 s for 100,000 elements (before: 5 s for 50,000 unclosed `<div>`, quadratic).
 */
import { extract } from '../src/extractor/index.js';

const ARTICLE = '<p>The article text placed inside the deep markup is long enough to be the body of this page, a sentence.</p>';

/** The page shapes measured, each a function of the element count. */
export const SHAPES: Record<string, (n: number) => string> = {
  'unclosed <div>': (n) => `<html><body>${'<div>'.repeat(n)}${ARTICLE}</body></html>`,
  'nested <div>...</div>': (n) => `<html><body>${'<div>'.repeat(n)}${ARTICLE}${'</div>'.repeat(n)}</body></html>`,
  'nested <span><b>': (n) => `<html><body><div>${'<span><b>'.repeat(n / 2)}${ARTICLE}${'</b></span>'.repeat(n / 2)}</div></body></html>`,
  'unclosed <span><b>': (n) => `<html><body><div>${'<span><b>'.repeat(n / 2)}${ARTICLE}</div></body></html>`,
  'unclosed <div>text': (n) => `<html><body>${'<div>A line of text in a broken template.'.repeat(n)}${ARTICLE}</body></html>`,
};

const SIZES = [10_000, 50_000, 100_000];

function timeMs(html: string): { ms: number; ok: boolean } {
  const t0 = performance.now();
  const e = extract(html, 'https://news.example/deep');
  return { ms: performance.now() - t0, ok: e.text.includes('The article text placed inside the deep markup') };
}

/** Times each shape at each size (best of three, after one warm-up) and prints a table to stdout. */
export async function run(): Promise<void> {
  timeMs(SHAPES['unclosed <div>']!(1_000));
  const lines = [`deep markup: extraction time in ms (best of 3) by element count; "!" = article text missing`, ['shape'.padEnd(24), ...SIZES.map((n) => String(n).padStart(9))].join('  ')];
  for (const [name, make] of Object.entries(SHAPES)) {
    const cells: string[] = [];
    for (const n of SIZES) {
      const html = make(n);
      let best = Infinity;
      let ok = true;
      for (let i = 0; i < 3; i++) {
        const r = timeMs(html);
        best = Math.min(best, r.ms);
        ok &&= r.ok;
      }
      cells.push(`${best.toFixed(0)}${ok ? '' : '!'}`.padStart(9));
    }
    lines.push([name.padEnd(24), ...cells].join('  '));
  }
  lines.push('target: under 1,000 ms at 100,000 elements');
  process.stdout.write(lines.join('\n') + '\n');
}
