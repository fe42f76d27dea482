/**
 * The CLI command `diff`: the differ on two text files, or on two stored versions. It loads the store only for
 * --article, so a diff of two files starts quickly.
 */
import { diffArticles, diffTexts, splitParagraphs, toUnifiedText } from '../differ/index.js';
import type { GlobalOptions } from './context.js';
import { readInput } from './input.js';

/** Options of `diff`. */
export interface DiffOptions {
  format?: string;
  article?: string;
  color?: boolean;
}

/** `diff <old.txt> <new.txt>` or `diff --article <id> <a> <b>`: prints the differ's output. */
export async function diffCommand(g: GlobalOptions, a: string, b: string, opts: DiffOptions): Promise<number> {
  const format = opts.format ?? 'text';
  if (format !== 'json' && format !== 'text') {
    process.stderr.write(`palimpsest diff: --format must be json or text, not ${format}\n`);
    return 2;
  }
  let diff;
  if (opts.article) {
    const { commandConfig, withStore } = await import('./context.js');
    const articleId = Number(opts.article);
    const found = await withStore(commandConfig(g), async (store) => {
      const article = Number.isSafeInteger(articleId) ? await store.getArticle(articleId) : null;
      if (!article) return { error: `no article ${opts.article}` };
      const version = (n: string) => (Number.isSafeInteger(Number(n)) ? store.getVersion(article.id, Number(n)) : Promise.resolve(null));
      const va = await version(a);
      const vb = await version(b);
      if (!va || !vb) return { error: `article ${article.id} has versions 1 to ${article.versionCount}` };
      return { va, vb };
    });
    if ('error' in found) {
      process.stderr.write(`palimpsest diff: ${found.error}\n`);
      return 2;
    }
    const { va, vb } = found;
    diff = diffArticles({ title: va.title, paragraphs: splitParagraphs(va.text) }, { title: vb.title, paragraphs: splitParagraphs(vb.text) });
  } else {
    diff = diffTexts(readInput(a), readInput(b));
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else process.stdout.write(toUnifiedText(diff, { color: opts.color ?? Boolean(process.stdout.isTTY) }));
  return 0;
}
