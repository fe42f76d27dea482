/** The CLI command `extract`: the extractor on HTML files. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { extract, type Extracted } from '../extractor/index.js';
import { readInput } from './input.js';

/** Options of `extract`. */
export interface ExtractOptions {
  url?: string;
  jsonl?: boolean;
  /** Print why each element and block was kept or dropped (a text report; with --jsonl an `explain` field). */
  explain?: boolean;
}

/**
 * `extract [file|-]... [--url <url>] [--jsonl]`: prints the extraction of one page as JSON, or with --jsonl one
 * JSON object per file (with a `file` field; a file that cannot be read gives an object with an `error` field).
 */
export function extractCommand(files: string[], opts: ExtractOptions): number {
  const list = files.length > 0 ? files : ['-'];
  if (!opts.jsonl) {
    if (list.length > 1) {
      process.stderr.write('palimpsest extract: several files need --jsonl (one JSON object per line)\n');
      return 2;
    }
    const file = list[0];
    const url = opts.url ?? (file && file !== '-' ? pathToFileURL(path.resolve(file)).href : 'about:blank');
    if (opts.explain) {
      process.stdout.write(explainReport(extract(readInput(file), url, { explain: true })));
      return 0;
    }
    const e = extract(readInput(file), url);
    process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
    return 0;
  }
  let failures = 0;
  for (const file of list) {
    let line: object;
    try {
      const url = opts.url ?? (file !== '-' ? pathToFileURL(path.resolve(file)).href : 'about:blank');
      line = { file, ...extract(readInput(file), url, opts.explain ? { explain: true } : {}) };
    } catch (err) {
      failures++;
      line = { file, error: `extract: ${(err as Error).message}` };
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  if (failures > 0) process.stderr.write(`palimpsest extract: ${failures} of ${list.length} files could not be read\n`);
  return failures > 0 ? 1 : 0;
}

/**
 * The `extract --explain` report: how the body was found and the chosen container, the summary, then one line per
 * removed element and per text block (KEEP or DROP, characters, element, rule, start of the text), in page order.
 */
export function explainReport(e: Extracted): string {
  const x = e.explain;
  if (!x) return '';
  const out = [
    `title: ${e.title}`,
    `method: ${x.method}`,
    `container: ${x.container || '(none)'}`,
    `paragraphs: ${e.paragraphs.length} (${e.text.length} chars)`,
    `summary: ${x.summary}`,
    '',
  ];
  for (const entry of x.entries) {
    const what = entry.kind === 'element' ? 'element' : 'block';
    out.push(`${entry.kept ? 'KEEP' : 'DROP'} ${what.padEnd(7)} ${String(entry.chars).padStart(6)}  ${entry.element}  ${entry.reason}  ${JSON.stringify(entry.text)}`);
  }
  return `${out.join('\n')}\n`;
}
