/** `palimpsest extract --explain`, run as a real process (the built dist/) on a page written by this test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requireBuiltCli, runCli, type CliResult } from './helpers/processes.js';

const STORY = 'The council approved the new budget on Tuesday after a long debate about the cost of the bridge repairs.';
const PAGE = `<!doctype html>
<html><head><title>Bridge repairs approved | Riverside Gazette</title></head>
<body>
<nav class="site-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="layout">
  <main id="main" class="article-body">
    <h1>Bridge repairs approved</h1>
    <p>${STORY}</p>
    <p>Members said the vote ends a year of delays and lets work start before the winter storms arrive in the valley.</p>
    <p>Read more: <a href="/x">Council meetings explained</a></p>
    <div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
  </main>
  <div class="rail"><p>A long sidebar paragraph about a different story that nobody asked for, with several words in it.</p></div>
  <div class="links"><a href="/a">First other story with a long title</a> <a href="/b">Second other story with a long title</a></div>
</div>
<div hidden><p>Hidden paragraph text that should never be shown to readers.</p></div>
</body></html>`;

let dir: string;
let file: string;

async function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { PALIMPSEST_CONFIG: '' });
}

beforeAll(() => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-explain-'));
  file = path.join(dir, 'page.html');
  fs.writeFileSync(file, PAGE);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('palimpsest extract --explain', () => {
  it('reports the container and every removed element and block with the rule that decided', async () => {
    const r = await cli(['extract', '--explain', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('container: main#main.article-body');
    expect(lines).toContain('method: markup and text density');
    expect(r.stdout).toMatch(/^summary: kept 2 of \d+ blocks/m);
    const line = (text: string): string => lines.find((l) => l.includes(text)) ?? `(no line with ${text})`;
    expect(line('Home News Sport')).toMatch(/^DROP element +\d+ +nav\.site-nav +furniture: tag <nav>/);
    expect(line('Share on Facebook')).toMatch(/^DROP element .*div\.share-tools +furniture: class "share-tools"/);
    expect(line('Hidden paragraph')).toMatch(/^DROP element .*hidden by markup/);
    expect(line('Read more: Council')).toMatch(/^DROP block .*furniture line/);
    expect(line('Bridge repairs approved"')).toMatch(/^DROP block .*h1 +repeats the headline/);
    expect(line('First other story')).toMatch(/^DROP block .*div\.links +outside the body container/);
    expect(line('A long sidebar paragraph')).toMatch(/^DROP block +97 +p +outside the body container/);
    expect(line(STORY.slice(0, 40))).toMatch(/^KEEP block +104 +p +kept: in the body container/);
  });

  it('leaves the plain JSON output unchanged, and adds an "explain" field to --jsonl lines', async () => {
    const plain = await cli(['extract', file]);
    expect(plain.code).toBe(0);
    const e = JSON.parse(plain.stdout) as Record<string, unknown>;
    expect(Object.keys(e)).toEqual(['title', 'byline', 'publishedAt', 'modifiedAt', 'lang', 'canonicalUrl', 'siteName', 'section', 'image', 'excerpt', 'paragraphs', 'text']);
    expect(e.paragraphs).toEqual([STORY, 'Members said the vote ends a year of delays and lets work start before the winter storms arrive in the valley.']);
    const jsonl = await cli(['extract', '--jsonl', '--explain', file]);
    const line = JSON.parse(jsonl.stdout.trim()) as { file: string; paragraphs: string[]; explain: { container: string; entries: { kept: boolean; reason: string }[]; summary: string } };
    expect(line.file).toBe(file);
    expect(line.paragraphs).toEqual(e.paragraphs);
    expect(line.explain.container).toBe('main#main.article-body');
    expect(line.explain.entries.filter((x) => x.kept)).toHaveLength(2);
    expect(line.explain.entries.some((x) => x.reason === 'furniture: tag <nav>')).toBe(true);
  });
});
