/**
 * Deeply nested and unclosed markup: 100,000 elements still extract (no time assertion; the nesting bench times
 * it) and give the article text placed inside; the linear parser builds the same tree as htmlparser2's own below
 * the depth cap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'htmlparser2';
import { getOuterHTML } from 'domutils';
import { extract } from '../src/extractor/index.js';
import { parseHtml } from '../src/extractor/dom.js';
import { MAX_TREE_DEPTH } from '../src/extractor/parse.js';
import { describeCorpus } from './helpers/corpus.js';
import { readSnippetPage, snippetIds } from '../bench/corpus.js';

const STORY = 'The council approved the new budget on Tuesday after a long debate about the cost of the bridge repairs.';
const ARTICLE = `<p>${STORY}</p><p>Members said the vote ends a year of delays and lets work start before the winter storms arrive.</p>`;
const N = 100_000;

function depthOf(html: string): number {
  let max = 0;
  const stack: { node: { children?: unknown[] }; d: number }[] = [{ node: parseHtml(html) as unknown as { children?: unknown[] }, d: 0 }];
  while (stack.length > 0) {
    const { node, d } = stack.pop()!;
    max = Math.max(max, d);
    for (const c of node.children ?? []) stack.push({ node: c as { children?: unknown[] }, d: d + 1 });
  }
  return max;
}

describe('deep markup', () => {
  it.each([
    ['100,000 unclosed <div>', `<html><body>${'<div>'.repeat(N)}${ARTICLE}</body></html>`],
    ['100,000 nested <div>', `<html><body>${'<div>'.repeat(N)}${ARTICLE}${'</div>'.repeat(N)}</body></html>`],
    ['100,000 nested <span>/<b>', `<html><body><div>${'<span><b>'.repeat(N / 2)}${ARTICLE}${'</b></span>'.repeat(N / 2)}</div></body></html>`],
    ['100,000 unclosed <span>/<i>', `<html><body><article>${'<span><i>'.repeat(N / 2)}${ARTICLE}</article></body></html>`],
    ['100,000 unclosed <section> with stray closing tags', `<html><body>${'<section></p></td>'.repeat(N)}${ARTICLE}</body></html>`],
  ])('%s: extraction finishes and keeps the article text', (_name, html) => {
    const e = extract(html, 'https://news.example/deep');
    expect(e.paragraphs).toContain(STORY);
    expect(e.text).toContain('lets work start before the winter storms arrive.');
  }, 120_000);

  it(`caps the tree at ${MAX_TREE_DEPTH} levels, keeping deeper text in document order`, () => {
    const html = `<html><body>${'<div>'.repeat(2000)}first<b>second</b>${'</div>'.repeat(1000)}third</body></html>`;
    expect(depthOf(html)).toBeLessThanOrEqual(MAX_TREE_DEPTH + 2);
    const doc = parseHtml(html);
    const text = getOuterHTML(doc.children as never).replace(/<[^>]+>/g, '');
    expect(text).toBe('firstsecondthird');
  });
});

// Markup that exercises every stack path of the parser: implied closes, stray and mismatched end tags, foreign
// content with self-closing tags, void elements, </p> and </br> without an opening, unclosed tags at the end.
const TRICKY = [
  '<p>one<p>two<div>three</p>four</div><li>a<li>b</ul><table><tr><td>x<td>y<tr><th>z</table>',
  '<svg><path d="M0"/><circle/></svg><p>after svg<br/>line</br></p></p><math><mi>x</mi><mtext>t</mtext></math>',
  '<select><option>1<option>2<optgroup><option>3</select><dl><dt>t<dd>d<dt>t2</dl><ruby>k<rt>r<rp>p</ruby>',
  '<div><span><b>unclosed<i>deep</div>tail</b></span><h1>h<p>in h</h1><form><input><textarea>t</textarea></form>',
  '<html><head><title>T</title><link rel=x><script>var a = "</div>";</script></head><body>x</body></html><p>after',
  '<b><i>mis</b>nested</i><a href=1><a href=2>double</a></a></span></div>end<unknown-el>custom</unknown-el><p>last',
];

describe('linear parser', () => {
  it.each(TRICKY.map((h, i) => [i, h]))('builds the same tree as htmlparser2 for tricky markup %i', (_i, html) => {
    const opts = { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true };
    expect(getOuterHTML(parseHtml(html as string).children as never)).toBe(getOuterHTML(parseDocument(html as string, opts).children as never));
  });
});

describeCorpus('linear parser on the corpus', (dir) => {
  it('builds the same tree as htmlparser2 for every extraction page', () => {
    const root = path.join(dir, 'extraction');
    const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as { id: string }[];
    const opts = { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true };
    const differ: string[] = [];
    for (const { id } of index) {
      const html = fs.readFileSync(path.join(root, id, 'page.html'), 'utf8');
      if (getOuterHTML(parseHtml(html).children as never) !== getOuterHTML(parseDocument(html, opts).children as never)) differ.push(id);
    }
    expect(differ).toEqual([]);
  }, 300_000);

  it('builds the same tree as htmlparser2 for every snippets page (decoded from its own encoding)', () => {
    const opts = { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true };
    const ids = snippetIds(dir);
    const differ = ids.filter((id) => {
      const { html } = readSnippetPage(id, dir);
      return getOuterHTML(parseHtml(html).children as never) !== getOuterHTML(parseDocument(html, opts).children as never);
    });
    expect(ids.length).toBeGreaterThan(0);
    expect(differ).toEqual([]);
  }, 300_000);
});
