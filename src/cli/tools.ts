/** The CLI commands that work on files: extract and diff. */
import { extract } from '../extractor/index.js';
import { diffArticles, diffTexts, splitParagraphs, toUnifiedText } from '../differ/index.js';
import { getVersion, openDb, getArticle } from '../store/index.js';
import { commandConfig, type GlobalOptions } from './context.js';
import { readInput } from './commands.js';

/** `extract [file|-] [--url <url>]`: prints the extraction as JSON. */
export function extractCommand(file: string | undefined, opts: { url?: string }): number {
  const html = readInput(file);
  const url = opts.url ?? (file && file !== '-' ? `file://${file}` : 'about:blank');
  const e = extract(html, url);
  process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
  return 0;
}

/** Options of `diff`. */
export interface DiffOptions {
  format?: string;
  article?: string;
  color?: boolean;
}

/** `diff <old.txt> <new.txt>` or `diff --article <id> <a> <b>`: prints the differ's output. */
export function diffCommand(g: GlobalOptions, a: string, b: string, opts: DiffOptions): number {
  const format = opts.format ?? 'text';
  if (format !== 'json' && format !== 'text') {
    process.stderr.write(`palimpsest diff: --format must be json or text, not ${format}\n`);
    return 2;
  }
  let diff;
  if (opts.article) {
    const config = commandConfig(g);
    const db = openDb(config.db);
    try {
      const article = getArticle(db, Number(opts.article));
      if (!article) {
        process.stderr.write(`palimpsest diff: no article ${opts.article}\n`);
        return 2;
      }
      const va = getVersion(db, article.id, Number(a));
      const vb = getVersion(db, article.id, Number(b));
      if (!va || !vb) {
        process.stderr.write(`palimpsest diff: article ${article.id} has versions 1 to ${article.versionCount}\n`);
        return 2;
      }
      diff = diffArticles({ title: va.title, paragraphs: splitParagraphs(va.text) }, { title: vb.title, paragraphs: splitParagraphs(vb.text) });
    } finally {
      db.close();
    }
  } else {
    diff = diffTexts(readInput(a), readInput(b));
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else process.stdout.write(toUnifiedText(diff, { color: opts.color ?? Boolean(process.stdout.isTTY) }));
  return 0;
}
