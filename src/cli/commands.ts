/** The CLI commands that work on tracked articles: track, check, migrate. */
import fs from 'node:fs';
import { parseArticleUrl } from '../common/urls.js';
import { getArticle, getArticleByUrl, insertArticle, listAllArticles, migrate, openDb, schemaVersion, setNextCheck } from '../store/index.js';
import { checkMany, dueArticleIds } from '../scheduler/run.js';
import { createPipeline } from '../scheduler/pipeline.js';
import type { CheckResult } from '../tracker/check.js';
import { commandConfig, type GlobalOptions } from './context.js';
import { progressReporter } from './progress.js';

/** `track <url>...`: starts tracking; prints "id<TAB>url" per article. Returns the exit code. */
export function trackCommand(g: GlobalOptions, urls: string[]): number {
  const config = commandConfig(g);
  const db = openDb(config.db);
  let code = 0;
  try {
    const now = new Date().toISOString();
    for (const input of urls) {
      const parsed = parseArticleUrl(input);
      if ('error' in parsed) {
        process.stderr.write(`palimpsest track: ${parsed.error}\n`);
        code = 2;
        continue;
      }
      const { article, created } = insertArticle(db, parsed.url, now);
      process.stdout.write(`${article.id}\t${article.url}${created ? '' : '\t(already tracked)'}\n`);
    }
  } finally {
    db.close();
  }
  return code;
}

/** Options of `check`. */
export interface CheckOptions {
  all?: boolean;
  concurrency?: string;
}

function describeResult(r: CheckResult): string {
  const what = r.outcome === 'new_version' ? `new version ${r.versionNumber}`
    : r.outcome === 'error' ? `error: ${r.error}` : r.outcome.replace('_', ' ');
  return `${r.articleId}\t${r.url}\t${what}`;
}

/** `check [--all | <id or url>...]`: checks now and prints a summary. Returns the exit code. */
export async function checkCommand(g: GlobalOptions, targets: string[], opts: CheckOptions): Promise<number> {
  const config = commandConfig(g);
  const db = openDb(config.db);
  try {
    let ids: number[];
    if (opts.all) ids = listAllArticles(db).filter((a) => a.status === 'active' || a.status === 'paused').map((a) => a.id);
    else if (targets.length > 0) {
      ids = [];
      for (const t of targets) {
        const a = /^\d+$/.test(t) ? getArticle(db, Number(t)) : getArticleByUrl(db, parseUrlOrSelf(t));
        if (!a) {
          process.stderr.write(`palimpsest check: no tracked article ${t} (track it first)\n`);
          return 2;
        }
        ids.push(a.id);
      }
    } else ids = dueArticleIds({ db, config }, Number.MAX_SAFE_INTEGER);
    const now = new Date().toISOString();
    for (const id of ids) setNextCheck(db, id, now);
    const concurrency = opts.concurrency ? Number(opts.concurrency) : config.scheduler.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      process.stderr.write('palimpsest check: --concurrency must be a positive integer\n');
      return 2;
    }
    const progress = progressReporter(ids.length, describeResult);
    const pipeline = createPipeline(db, config);
    let summary;
    try {
      summary = await checkMany(pipeline.deps, ids, { concurrency, onResult: (r) => progress.update(r) });
    } finally {
      progress.stop();
      await pipeline.close();
    }
    process.stdout.write(`checked ${summary.checked}, new versions ${summary.newVersions}, unchanged ${summary.unchanged}, errors ${summary.errors}\n`);
    return 0;
  } finally {
    db.close();
  }
}

function parseUrlOrSelf(t: string): string {
  const p = parseArticleUrl(t);
  return 'url' in p ? p.url : t;
}

/** `migrate`: applies pending migrations and prints the schema version. */
export function migrateCommand(g: GlobalOptions): number {
  const config = commandConfig(g);
  const db = openDb(config.db, { migrate: false });
  try {
    const applied = migrate(db);
    process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')}; schema version ${schemaVersion(db)}\n`
      : `database is up to date (schema version ${schemaVersion(db)})\n`);
    return 0;
  } finally {
    db.close();
  }
}

/** Reads a whole file, or standard input for '-' or no name. */
export function readInput(file: string | undefined): string {
  return fs.readFileSync(!file || file === '-' ? 0 : file, 'utf8');
}
