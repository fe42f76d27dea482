/**
 * Real material for the scale bench's databases (bench/scale-gen.ts): article texts and page bodies from the shared
 * corpus, read where it lies (never copied into the repository), and seeded edits that turn one real text into the
 * next version of it.
 *
 * Texts: the expected bodies of the `extraction/` pages and the successive versions of the `revisions/` articles.
 * Page bodies: each `extraction/` page's own HTML, its article text replaced by the version's text (where the text
 * can be found in the page; otherwise the text goes in an <article> at the top of <body>), with a line of page
 * furniture that changes on every capture (a time and a request id), as real pages' do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { corpusDir } from './corpus.js';

/** An integer in [0, n). */
export function pick(r: () => number, n: number): number {
  return Math.floor(r() * n);
}

/** A real page split around its article text: body = head + headline + before + paragraphs + after + furniture + tail. */
export interface PageTemplate {
  /** Up to and including the <body> tag (UTF-8). */
  head: Buffer;
  before: Buffer;
  /** What joins two paragraphs (e.g. `</p>\n<p>`). */
  joiner: string;
  /** From the end of the text to </body>. */
  after: Buffer;
  /** </body> and what follows. */
  tail: Buffer;
}

/** A real article text with its headline. */
export interface RealText {
  title: string;
  paragraphs: string[];
}

/** A real article with several successive versions. */
export interface RealRevisions {
  url: string;
  versions: RealText[];
}

/** Everything the generator draws from. */
export interface Material {
  /** The expected bodies of the extraction pages; `templates[i]` is the page of `texts[i]`. */
  texts: RealText[];
  templates: PageTemplate[];
  revisions: RealRevisions[];
  /** Every paragraph of every text: what rewrites and additions draw from. */
  paragraphs: string[];
  /** Words of the texts: what word edits draw from. */
  words: string[];
}

const splitParas = (s: string): string[] => s.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0);

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Splits a page around its article text; falls back to an <article> at the top of <body>. */
export function templateOf(html: string, paragraphs: string[]): PageTemplate {
  const bodyTag = /<body[^>]*>/i.exec(html);
  const bodyAt = bodyTag ? bodyTag.index + bodyTag[0].length : 0;
  const endAt = ((i) => (i >= bodyAt ? i : html.length))(html.search(/<\/body>/i));
  const inBody = (p: string): boolean => { const i = html.indexOf(p, bodyAt); return i >= 0 && i < endAt; };
  const first = paragraphs.map((p) => escapeHtml(p.slice(0, 40))).find((p) => p.length >= 20 && inBody(p));
  const last = [...paragraphs].reverse().map((p) => escapeHtml(p.slice(-40))).find((p) => p.length >= 20 && inBody(p));
  const split = (start: number, end: number, joiner: string, open = '', close = ''): PageTemplate => ({
    head: Buffer.from(html.slice(0, bodyAt)), before: Buffer.from(html.slice(bodyAt, start) + open), joiner,
    after: Buffer.from(close + html.slice(end, endAt)), tail: Buffer.from(html.slice(endAt)),
  });
  if (first && last) {
    const start = html.indexOf(first, bodyAt);
    const end = html.lastIndexOf(last, endAt) + last.length;
    if (end > start) {
      const open = html.lastIndexOf('<', start);
      const tag = open >= 0 ? /^<([a-z0-9]+)/i.exec(html.slice(open, start))?.[1] ?? 'p' : 'p';
      return split(start, end, `</${tag}>\n<${tag}>`);
    }
  }
  return split(bodyAt, bodyAt, '</p>\n<p>', '<article><p>', '</p></article>');
}

/** A page body for a version: the template around the escaped paragraphs, plus this capture's changing furniture. */
export function pageBody(t: PageTemplate, v: RealText, capturedAt: string, requestId: string): Buffer {
  const furniture = `<div class="page-meta" data-request="${requestId}">Page generated ${capturedAt}</div>`;
  return Buffer.concat([t.head, Buffer.from(`<h1 class="headline">${escapeHtml(v.title)}</h1>`), t.before,
    Buffer.from(v.paragraphs.map(escapeHtml).join(t.joiner)), t.after, Buffer.from(furniture), t.tail]);
}

/** Reads the corpus (PALIMPSEST_CORPUS, else ../shared/corpus); throws with a clear message when it is missing. */
export function loadMaterial(dir: string = corpusDir()): Material {
  const index = path.join(dir, 'extraction', 'index.json');
  if (!fs.existsSync(index)) throw new Error(`scale bench: no corpus at ${dir} (set PALIMPSEST_CORPUS to the corpus folder)`);
  const texts: RealText[] = [];
  const templates: PageTemplate[] = [];
  for (const e of JSON.parse(fs.readFileSync(index, 'utf8')) as Array<{ id: string; title?: string }>) {
    const folder = path.join(dir, 'extraction', e.id);
    const truth = JSON.parse(fs.readFileSync(path.join(folder, 'truth.json'), 'utf8')) as { title?: string | null; body: string };
    const paragraphs = splitParas(truth.body);
    if (paragraphs.length < 2) continue;
    texts.push({ title: (truth.title ?? e.title ?? paragraphs[0] ?? '').slice(0, 200) || 'Untitled', paragraphs });
    templates.push(templateOf(fs.readFileSync(path.join(folder, 'page.html'), 'utf8'), paragraphs));
  }
  const revisions: RealRevisions[] = [];
  const revDir = path.join(dir, 'revisions');
  const revIndex = path.join(revDir, 'index.json');
  const revEntries = fs.existsSync(revIndex) ? (JSON.parse(fs.readFileSync(revIndex, 'utf8')) as Array<{ id: string }>) : [];
  for (const e of revEntries) {
    const meta = JSON.parse(fs.readFileSync(path.join(revDir, e.id, 'meta.json'), 'utf8')) as { url: string; versions: Array<{ file: string; title: string }> };
    const versions = meta.versions.map((v) => ({ title: v.title, paragraphs: splitParas(fs.readFileSync(path.join(revDir, e.id, v.file), 'utf8')) }))
      .filter((v) => v.paragraphs.length > 0);
    if (versions.length > 0) revisions.push({ url: meta.url, versions });
  }
  const paragraphs = [...texts, ...revisions.flatMap((r) => r.versions)].flatMap((t) => t.paragraphs).filter((p) => p.length >= 40);
  const words = paragraphs.slice(0, 4000).flatMap((p) => p.split(' ')).filter((w) => /^[\p{L}]{3,}$/u.test(w));
  return { texts, templates, revisions, paragraphs, words };
}

/** Replaces, inserts or deletes a few words of one paragraph. */
function editWords(r: () => number, m: Material, p: string): string {
  const w = p.split(' ');
  const n = 1 + pick(r, 6);
  for (let k = 0; k < n; k++) {
    const at = pick(r, w.length);
    const word = m.words[pick(r, m.words.length)] ?? 'said';
    const op = r();
    if (op < 0.5) w[at] = word;
    else if (op < 0.8 || w.length < 8) w.splice(at, 0, word);
    else w.splice(at, 1);
  }
  return w.join(' ');
}

/**
 * The next version of a text: one to three seeded edits of the kinds news articles see (a few words changed in a
 * paragraph, a paragraph rewritten, added, removed or moved, sometimes a new headline; now and then only a comma,
 * which the tracker classifies as a minor version), drawing new words and
 * paragraphs from the other real texts. `grow` favours additions at the top (a live page).
 */
export function editText(r: () => number, m: Material, t: RealText, grow = false): RealText {
  const paras = [...t.paragraphs];
  let title = t.title;
  const other = (): string => m.paragraphs[pick(r, m.paragraphs.length)] ?? 'More details were not immediately available.';
  if (!grow && r() < 0.04) {
    // A punctuation-only change (a minor version): a comma added to a paragraph.
    const at = pick(r, paras.length);
    paras[at] = (paras[at] ?? '').replace(/ (\p{L}+) /u, ' $1, ');
    return { title, paragraphs: paras };
  }
  const edits = grow ? 1 : 1 + pick(r, 3);
  for (let e = 0; e < edits; e++) {
    const op = grow ? (r() < 0.8 ? 1.0 : r() * 0.6) : r();
    const at = pick(r, paras.length);
    if (op < 0.45) paras[at] = editWords(r, m, paras[at] ?? other());
    else if (op < 0.6) paras[at] = other();
    else if (op < 0.75 && paras.length > 3) paras.splice(at, 1);
    else if (op < 0.85 && paras.length > 2) {
      const [moved] = paras.splice(at, 1);
      paras.splice(pick(r, paras.length + 1), 0, moved ?? other());
    } else paras.splice(grow ? 0 : pick(r, paras.length + 1), 0, other());
  }
  if (!grow && r() < 0.08) title = editWords(r, m, title);
  return { title, paragraphs: paras };
}
