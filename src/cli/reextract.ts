/** `reextract [--all | <id>...]`: re-derives stored versions from their raw responses with today's extractor. */
import { reextractArticle } from '../tracker/reextract.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';
import { progressReporter } from './progress.js';

/** Runs the re-extraction and prints one line per article and a summary. Returns the exit code. */
export async function reextractCommand(g: GlobalOptions, targets: string[], opts: { all?: boolean }): Promise<number> {
  if (!opts.all && targets.length === 0) {
    process.stderr.write('palimpsest reextract: name article ids or use --all\n');
    return 2;
  }
  const config = commandConfig(g);
  return withStore(config, async (store) => {
    const ids = opts.all ? (await store.listAllArticles()).map((a) => a.id) : targets.map(Number);
    for (const [i, id] of ids.entries()) {
      if (!Number.isInteger(id) || !(await store.getArticle(id))) {
        process.stderr.write(`palimpsest reextract: no tracked article ${targets[i]}\n`);
        return 2;
      }
    }
    let before = 0;
    let after = 0;
    let changed = 0;
    const progress = progressReporter<string>(ids.length, (line) => line);
    for (const id of ids) {
      const r = await reextractArticle(store, id);
      before += r.versionsBefore;
      after += r.versionsAfter;
      changed += r.textsChanged;
      progress.update(`${id}\tversions ${r.versionsBefore} -> ${r.versionsAfter}\ttexts changed ${r.textsChanged}${r.kept ? `\tkept as stored ${r.kept}` : ''}`);
    }
    progress.stop();
    process.stdout.write(`re-extracted ${ids.length} articles: versions ${before} -> ${after} (${before - after} merged), texts changed ${changed}\n`);
    return 0;
  });
}
