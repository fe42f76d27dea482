/** The `source` CLI commands: add, list, remove, sync, poll. Each returns the process exit code. */
import type { Config } from '../config/index.js';
import type { Source, SourceSummary, Store } from '../store/index.js';
import { createSource, removeSource } from '../sources/manage.js';
import { syncSourcesFromFile } from '../sources/file.js';
import { pollSource, type PollResult } from '../sources/poll.js';
import { SourceConfigError } from '../sources/schema.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';

/** Options of `source add`. */
export interface SourceAddOptions {
  feed?: string[];
  sitemap?: string[];
  page?: string[];
  links?: string;
  include?: string[];
  exclude?: string[];
  interval?: string;
  slug?: string;
  stripParam?: string[];
}

/** Runs `fn` with the configured store open (closed afterwards). */
function withConfiguredStore<T>(g: GlobalOptions, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = commandConfig(g);
  return withStore(config, (store) => fn(store, config));
}

function fail(command: string, message: string, code = 2): number {
  process.stderr.write(`palimpsest source ${command}: ${message}\n`);
  return code;
}

/** `source add <name> --feed <url>... | --sitemap <url>... | --page <url>... --links <selector or pattern>`. */
export async function sourceAddCommand(g: GlobalOptions, name: string, opts: SourceAddOptions): Promise<number> {
  const kinds = (['feed', 'sitemap', 'page'] as const).filter((k) => (opts[k]?.length ?? 0) > 0);
  if (kinds.length !== 1) return fail('add', 'give the source URLs with exactly one of --feed, --sitemap or --page');
  const kind = kinds[0] as 'feed' | 'sitemap' | 'page';
  const input: Record<string, unknown> = { name, kind, urls: opts[kind] };
  if (opts.slug) input.slug = opts.slug;
  if (opts.links !== undefined) input.links = opts.links;
  if (opts.include?.length) input.include = opts.include;
  if (opts.exclude?.length) input.exclude = opts.exclude;
  if (opts.stripParam?.length) input.stripParams = opts.stripParam;
  if (opts.interval !== undefined) {
    const n = Number(opts.interval);
    if (!Number.isInteger(n)) return fail('add', `--interval must be a whole number of seconds, not ${opts.interval}`);
    input.intervalS = n;
  }
  return withConfiguredStore(g, async (store) => {
    try {
      const s = await createSource(store, input);
      process.stdout.write(`added ${s.slug} (${s.kind}, ${(opts[kind] ?? []).length} URL${(opts[kind] ?? []).length === 1 ? '' : 's'}); it is polled at the next scheduler tick or with "palimpsest source poll ${s.slug}"\n`);
      return 0;
    } catch (err) {
      if (err instanceof SourceConfigError) return fail('add', err.message);
      throw err;
    }
  });
}

function urlsOf(s: SourceSummary): string[] {
  const urls = (s.config as { urls?: unknown } | null)?.urls;
  return Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string') : [];
}

/** `source list [--json]`: every source with its URLs, articles tracked, last poll and last error. */
export async function sourceListCommand(g: GlobalOptions, opts: { json?: boolean } = {}): Promise<number> {
  return withConfiguredStore(g, async (store) => {
    const list = await store.listSourceSummaries(new Date());
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    if (list.length === 0) {
      process.stdout.write('no sources; add one with "palimpsest source add" or "palimpsest source sync <file>"\n');
      return 0;
    }
    for (const s of list) {
      const week = s.newPerDay.reduce((n, d) => n + d.count, 0);
      process.stdout.write(`${s.slug}\t${s.name}\t${s.kind}\n`);
      for (const u of urlsOf(s)) process.stdout.write(`  url: ${u}\n`);
      process.stdout.write(`  articles: ${s.articleCount} (${week} new in 7 days)\tlast poll: ${s.lastPolled ?? 'never'}\tnext poll: ${s.nextPoll ?? '-'}\n`);
      if (s.lastError) process.stdout.write(`  last error (${s.errorCount} poll${s.errorCount === 1 ? '' : 's'} in a row): ${s.lastError}\n`);
    }
    return 0;
  });
}

/** `source remove <slug>`: deletes the source; its articles stay tracked. */
export async function sourceRemoveCommand(g: GlobalOptions, slug: string): Promise<number> {
  return withConfiguredStore(g, async (store) => {
    const r = await removeSource(store, slug);
    if (!r) return fail('remove', `no source "${slug}" (see "palimpsest source list")`);
    process.stdout.write(`removed ${slug}; its ${r.articlesKept} article${r.articlesKept === 1 ? ' stays' : 's stay'} tracked\n`);
    return 0;
  });
}

/** `source sync <file>`: creates and updates the sources of a YAML or JSON file. */
export async function sourceSyncCommand(g: GlobalOptions, file: string): Promise<number> {
  return withConfiguredStore(g, async (store) => {
    try {
      const r = await syncSourcesFromFile(store, file);
      process.stdout.write(`created ${r.created.length}, updated ${r.updated.length}, unchanged ${r.unchanged.length}\n`);
      for (const s of r.created) process.stdout.write(`  created ${s}\n`);
      for (const s of r.updated) process.stdout.write(`  updated ${s}\n`);
      if (r.notInFile.length) process.stdout.write(`not in ${file} (kept; "palimpsest source remove <slug>" to delete): ${r.notInFile.join(', ')}\n`);
      return 0;
    } catch (err) {
      if (err instanceof SourceConfigError) return fail('sync', err.message);
      throw err;
    }
  });
}

/** One line per poll: the counts, then one line per error. */
export function describePoll(r: PollResult): string {
  const head = `${r.slug}\tdiscovered ${r.discovered}, new ${r.new}, duplicates ${r.duplicates}, excluded ${r.excluded}, not modified ${r.notModified}, errors ${r.errors.length}`;
  return [head, ...r.errors.map((e) => `  error: ${e.url ? `${e.url}: ` : ''}${e.message}`)].join('\n');
}

/** `source poll [<slug>...]`: polls the given sources (all by default) now. Exit code 1 when any poll had errors. */
export async function sourcePollCommand(g: GlobalOptions, slugs: string[]): Promise<number> {
  return withConfiguredStore(g, async (store, config) => {
    const sources: Array<Source | null> = [];
    if (slugs.length > 0) for (const slug of slugs) sources.push(await store.getSourceBySlug(slug));
    else sources.push(...(await store.listSources()).filter((s) => s.kind !== 'manual'));
    const missing = slugs.filter((_, i) => !sources[i]);
    if (missing.length) return fail('poll', `no source ${missing.map((m) => `"${m}"`).join(', ')} (see "palimpsest source list")`);
    let code = 0;
    for (const s of sources) {
      if (!s) continue;
      const r = await pollSource({ store, config }, s.id);
      if (r.errors.length) code = 1;
      process.stdout.write(`${describePoll(r)}\n`);
    }
    return code;
  });
}
