/** The CLI commands that work on tracked articles: track, check, migrate. */
import { parseArticleUrl } from '../common/urls.js';
import type { CheckResult } from '../tracker/check.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';
import { progressReporter } from './progress.js';

/** `track <url>...`: starts tracking; prints "id<TAB>url" per article. Returns the exit code. */
export async function trackCommand(g: GlobalOptions, urls: string[]): Promise<number> {
  const config = commandConfig(g);
  return withStore(config, async (store) => {
    let code = 0;
    const now = new Date().toISOString();
    for (const input of urls) {
      const parsed = parseArticleUrl(input);
      if ('error' in parsed) {
        process.stderr.write(`palimpsest track: ${parsed.error}\n`);
        code = 2;
        continue;
      }
      const { article, created } = await store.insertArticle(parsed.url, now);
      process.stdout.write(`${article.id}\t${article.url}${created ? '' : '\t(already tracked)'}\n`);
    }
    return code;
  });
}

/** Options of `check`. */
export interface CheckOptions {
  all?: boolean;
  concurrency?: string;
}

function describeResult(r: CheckResult): string {
  const what = r.outcome === 'new_version' ? `new version ${r.versionNumber}`
    : r.outcome === 'error' || r.outcome === 'deferred' ? `${r.outcome}: ${r.error}` : r.outcome.replace('_', ' ');
  return `${r.articleId}\t${r.url}\t${what}`;
}

/**
 * `check [--all | <id or url>...]`: checks now and prints a summary. Returns the exit code: 0 when every check
 * succeeded (or nothing was due), 1 when any failed (the summary's errors: error, blocked or rejected), as the
 * README promises for a partly failed batch; 2 for bad usage.
 */
export async function checkCommand(g: GlobalOptions, targets: string[], opts: CheckOptions): Promise<number> {
  const config = commandConfig(g);
  // The check pipeline (fetcher, extractor, feed discovery, renderer) is loaded here, not with this module, so that
  // `track` and `migrate` start without it.
  const [{ checkMany }, { checkClaimed }, { workerId }, { createPipeline }, { assertRenderReady }] = await Promise.all([
    import('../scheduler/run.js'), import('../scheduler/claimed.js'), import('../scheduler/worker-id.js'),
    import('../scheduler/pipeline.js'), import('../render/startup.js'),
  ]);
  return withStore(config, async (store) => {
    // Explicit articles (or --all) are checked as asked; the due ones are claimed, so that a `check` beside running
    // workers or a `serve` never checks an article another process is checking.
    let ids: number[] | null = null;
    if (opts.all) ids = (await store.listAllArticles()).filter((a) => a.status === 'active' || a.status === 'paused').map((a) => a.id);
    else if (targets.length > 0) {
      ids = [];
      for (const t of targets) {
        const a = /^\d+$/.test(t) ? await store.getArticle(Number(t)) : await store.getArticleByUrl(parseUrlOrSelf(t));
        if (!a) {
          process.stderr.write(`palimpsest check: no tracked article ${t} (track it first)\n`);
          return 2;
        }
        ids.push(a.id);
      }
    }
    // Checks render in a browser when asked to: refuse to start without one rather than fail every such check.
    await assertRenderReady(store, config);
    const now = new Date().toISOString();
    if (ids) for (const id of ids) await store.setNextCheck(id, now);
    const concurrency = opts.concurrency ? Number(opts.concurrency) : config.scheduler.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      process.stderr.write('palimpsest check: --concurrency must be a positive integer\n');
      return 2;
    }
    const progress = progressReporter(ids ? ids.length : await store.countDueArticles(now), describeResult);
    const pipeline = createPipeline(store, config);
    let summary;
    try {
      summary = ids
        ? await checkMany(pipeline.deps, ids, { concurrency, onResult: (r) => progress.update(r) })
        : await checkClaimed(pipeline.deps, {
          owner: workerId('check'), leaseS: config.scheduler.leaseS, concurrency, onResult: (r) => progress.update(r),
        });
    } finally {
      progress.stop();
      await pipeline.close();
    }
    process.stdout.write(`checked ${summary.checked}, new versions ${summary.newVersions}, unchanged ${summary.unchanged}, errors ${summary.errors}\n`);
    return summary.errors > 0 ? 1 : 0;
  });
}

function parseUrlOrSelf(t: string): string {
  const p = parseArticleUrl(t);
  return 'url' in p ? p.url : t;
}

/** `migrate`: applies pending migrations and prints the schema version. */
export async function migrateCommand(g: GlobalOptions): Promise<number> {
  const config = commandConfig(g);
  return withStore(config, async (store) => {
    const applied = await store.migrate();
    const version = await store.schemaVersion();
    process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')}; schema version ${version}\n`
      : `database is up to date (schema version ${version})\n`);
    return 0;
  }, { migrate: false });
}
