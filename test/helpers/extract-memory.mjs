// Extracts corpus pages one after another in one process and reports the heap after a full GC, after a warm-up and
// at the end, as one JSON line on stdout. Run by test/extractor-memory.test.ts with the built extractor (dist/),
// `--expose-gc` and a small `--max-old-space-size`: a cache that keeps pages alive makes the heap grow or the
// process die. Arguments: corpus folder (or --synthetic for generated pages), pages to extract (the corpus is
// cycled), warm-up pages.
import { extract } from '../../dist/src/extractor/index.js';
import { extractionIndex, readExtractionPage, readSnippetPage, snippetIds } from '../../dist/bench/corpus.js';

const [dir, totalArg, warmArg] = process.argv.slice(2);
const total = Number(totalArg);
const warm = Number(warmArg);
if (typeof globalThis.gc !== 'function') throw new Error('extract-memory: run with --expose-gc');
// Pages are read from disk one at a time: holding the whole corpus would not fit the heap under test.
const pages = dir === '--synthetic' ? [] : [
  ...extractionIndex(dir).map((e) => () => readExtractionPage(e, dir)),
  ...snippetIds(dir).map((id) => () => readSnippetPage(id, dir)),
];
// A generated page: about 1 MB of markup whose class and id names are new on every page, as on a real site mix.
function syntheticPage(i) {
  const filler = `<p class="filler-paragraph-${i}">${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(40)}</p>`;
  const html = `<html><body><div id="page-wrapper-number-${i}" class="layout-container-${i} sidebar-widget-${i}">` +
    `<nav class="navigation-menu-${i}"><a href="/">Home</a></nav><article class="article-body-content-${i}">` +
    `<p>Story ${i} begins with a sentence long enough to be read as the article body of the page.</p>${filler.repeat(400)}</article></div></body></html>`;
  return { html, url: `https://news.example/${i}` };
}
if (pages.length === 0) pages.push(...Array.from({ length: total + warm }, (_, i) => () => syntheticPage(i)));

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

let chars = 0;
let start = 0;
for (let i = 0; i < warm + total; i++) {
  if (i === warm) start = heapAfterGc();
  const page = pages[i % pages.length]();
  chars += extract(page.html, page.url).text.length;
}
const end = heapAfterGc();
process.stdout.write(`${JSON.stringify({ pages: total, distinct: Math.min(total, pages.length), startBytes: start, endBytes: end, chars })}\n`);
