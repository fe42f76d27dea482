/**
 * `reextract [--all | --source <slug> | <id>...]`: re-derives stored versions from their raw responses with today's
 * extractor and the sources' current rules, and recovers captures held back from degraded sources (src/health).
 */
import { settleAfterReextract } from '../health/recover.js';
import { reextractArticle } from '../tracker/reextract.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';
import { progressReporter } from './progress.js';

/** Runs the re-extraction and prints one line per article and a summary. Returns the exit code. */
export async function reextractCommand(g: GlobalOptions, targets: string[], opts: { all?: boolean; source?: string }): Promise<number> {
  if (!opts.all && !opts.source && targets.length === 0) {
    process.stderr.write('palimpsest reextract: name article ids or use --all (or --source <slug>)\n');
    return 2;
  }
  const config = commandConfig(g);
  return withStore(config, async (store) => {
    let ids: number[];
    if (opts.source) {
      const source = await store.getSourceBySlug(opts.source);
      if (!source) {
        process.stderr.write(`palimpsest reextract: no source ${opts.source}\n`);
        return 2;
      }
      ids = (await store.listAllArticles()).filter((a) => a.sourceId === source.id).map((a) => a.id);
    } else {
      ids = opts.all ? (await store.listAllArticles()).map((a) => a.id) : targets.map(Number);
    }
    const sourceOf = new Map<number, number | null>();
    for (const [i, id] of ids.entries()) {
      const a = Number.isInteger(id) ? await store.getArticle(id) : null;
      if (!a) {
        process.stderr.write(`palimpsest reextract: no tracked article ${targets[i]}\n`);
        return 2;
      }
      sourceOf.set(id, a.sourceId);
    }
    let before = 0;
    let after = 0;
    let changed = 0;
    let recovered = 0;
    let stillHeld = 0;
    /** Held captures dealt with (made versions or released), per source. */
    const dealtWith = new Map<number, number>();
    const progress = progressReporter<string>(ids.length, (line) => line);
    for (const id of ids) {
      const r = await reextractArticle(store, id, { config });
      before += r.versionsBefore;
      after += r.versionsAfter;
      changed += r.textsChanged;
      const h = r.held;
      const src = sourceOf.get(id);
      if (h && src != null) dealtWith.set(src, (dealtWith.get(src) ?? 0) + h.recovered + h.released);
      recovered += h?.recovered ?? 0;
      stillHeld += h?.stillSuspect ?? 0;
      const heldPart = h && h.recovered + h.released + h.stillSuspect > 0
        ? `\theld back: ${h.recovered} recovered, ${h.released} nothing new, ${h.stillSuspect} still suspect` : '';
      progress.update(`${id}\tversions ${r.versionsBefore} -> ${r.versionsAfter}\ttexts changed ${r.textsChanged}${r.kept ? `\tkept as stored ${r.kept}` : ''}${heldPart}`);
    }
    progress.stop();
    const recoveredPart = recovered > 0 ? `, ${recovered} recovered from held-back captures` : '';
    process.stdout.write(`re-extracted ${ids.length} articles: versions ${before} -> ${after + recovered} (${before - after} merged${recoveredPart}), texts changed ${changed}\n`);
    for (const [sourceId, n] of dealtWith) {
      const event = await settleAfterReextract(store, sourceId, n);
      if (event) process.stdout.write(`source ${event.sourceSlug} recovered: ${event.reason}\n`);
    }
    if (stillHeld > 0) process.stdout.write(`${stillHeld} held-back captures still look broken; fix the source's rules and run reextract again\n`);
    return 0;
  });
}
