/** The CLI commands `export` and `import`. Data goes to stdout or the output file; progress and summaries to stderr. */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import {
  exportCsv, exportJsonl, exportSize, exportWacz, importJsonlFile, isExportFormat, ImportError, MAX_LINE_BYTES_LIMIT, ScopeError, writeWarcFile,
  type ExportFormat, type ExportOptions, type ExportScope, type ExportSummary,
} from '../export/index.js';
import type { BodyEncoding } from '../export/format.js';
import { formatBytes, progressBar } from '../export/progress.js';
import { openStore, type Store } from '../store/index.js';
import { commandConfig, type GlobalOptions } from './context.js';

/** Flags of `export`. */
export interface ExportCommandOptions {
  format?: string;
  article?: string;
  source?: string;
  output?: string;
  /** false with --no-checks (JSON Lines only). */
  checks?: boolean;
  /** --bodies raw|gzip (JSON Lines only). */
  bodies?: string;
}

/** Flags of `import`. */
export interface ImportCommandOptions {
  skipBad?: boolean;
  existing?: string;
  /** --max-line-mib: the longest line read, in MiB (default 64). */
  maxLineMib?: string;
}

class UsageError extends Error {}

/** Set when stdout's reader went away (`export ... | head`): the export stops quietly, as Unix tools do. */
let stdoutClosed = false;

function watchStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') stdoutClosed = true;
    else process.stderr.write(`palimpsest: export: cannot write to standard output: ${err.message}\n`);
    process.stdout.destroy();
  });
}

async function scopeFrom(store: Store, opts: ExportCommandOptions): Promise<ExportScope> {
  const scope: ExportScope = {};
  if (opts.article !== undefined) {
    if (/^\d+$/.test(opts.article)) scope.articleId = Number(opts.article);
    else {
      const a = await store.getArticleByUrl(opts.article);
      if (!a) throw new ScopeError(`export: no tracked article ${opts.article}`);
      scope.articleId = a.id;
    }
  }
  if (opts.source !== undefined) scope.sourceSlug = opts.source;
  return scope;
}

/** Ends a stream we opened and waits until it is closed (a file on disk). */
function finish(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.once('close', () => resolve());
    out.end();
  });
}

function summaryLine(what: string, s: ExportSummary, extra = ''): string {
  const rate = s.seconds > 0 ? `, ${Math.round(s.versions / s.seconds)} versions/s` : '';
  return `${what}: ${s.articles} articles, ${s.versions} versions${extra}, ${formatBytes(s.bytes)} in ${s.seconds.toFixed(1)} s${rate}\n`;
}

/** JSON Lines or CSV to stdout, or to a file (gzip when it ends in .gz), written under a temporary name first. */
async function streamExport(store: Store, format: 'jsonl' | 'csv', output: string | undefined, opts: ExportOptions & { includeChecks?: boolean; bodies?: BodyEncoding }): Promise<ExportSummary> {
  const run = (out: Writable): Promise<ExportSummary> => (format === 'jsonl' ? exportJsonl(store, out, opts) : exportCsv(store, out, opts));
  if (output === undefined || output === '-') {
    watchStdout();
    return run(process.stdout);
  }
  const part = `${output}.part-${process.pid}`;
  const file = fs.createWriteStream(part);
  const gzip = output.endsWith('.gz') ? createGzip() : null;
  gzip?.pipe(file);
  try {
    const summary = await run(gzip ?? file);
    if (gzip) {
      await new Promise<void>((resolve, reject) => { file.once('error', reject); file.once('close', () => resolve()); gzip.end(); });
    } else await finish(file);
    fs.renameSync(part, output);
    return summary;
  } catch (err) {
    file.destroy();
    fs.rmSync(part, { force: true });
    throw err;
  }
}

async function runExport(store: Store, format: ExportFormat, opts: ExportCommandOptions): Promise<void> {
  const scope = await scopeFrom(store, opts);
  const size = await exportSize(store, scope);
  const bar = progressBar(size.versions, 'versions');
  const common: ExportOptions = { scope, onProgress: (p) => bar.update(p.versions, formatBytes(p.bytes)) };
  try {
    if (format === 'jsonl' || format === 'csv') {
      if (opts.bodies !== undefined && opts.bodies !== 'raw' && opts.bodies !== 'gzip') throw new UsageError(`export: --bodies must be raw or gzip, not "${opts.bodies}"`);
      const s = await streamExport(store, format, opts.output, { ...common, includeChecks: opts.checks !== false, bodies: opts.bodies ?? 'raw' });
      bar.stop();
      process.stderr.write(summaryLine(`exported ${format}`, s));
      return;
    }
    if (!opts.output || opts.output === '-') throw new UsageError(`export: --format ${format} needs --output <file>`);
    fs.mkdirSync(path.dirname(path.resolve(opts.output)), { recursive: true });
    if (format === 'warc') {
      const s = await writeWarcFile(store, opts.output, common);
      bar.stop();
      process.stderr.write(summaryLine('exported warc', s, `, ${s.captures} captures (${s.revisits} revisits)`));
      process.stderr.write(`index: ${s.indexFile} (${s.indexLines} lines)\n`);
      return;
    }
    const out = fs.createWriteStream(opts.output);
    try {
      const s = await exportWacz(store, out, { ...common, tmpDir: path.dirname(path.resolve(opts.output)) });
      await finish(out);
      bar.stop();
      process.stderr.write(summaryLine('exported wacz', s, `, ${s.captures} captures (${s.revisits} revisits)`));
    } catch (err) {
      out.destroy();
      fs.rmSync(opts.output, { force: true });
      throw err;
    }
  } finally {
    bar.stop();
  }
}

/**
 * `export --format jsonl|csv|warc|wacz [--article <id|url>] [--source <slug>] [--output <file>|-] [--no-checks]`.
 * Returns the exit code: 0 done, 2 bad usage or unknown article/source, 1 the export failed.
 */
export async function exportCommand(g: GlobalOptions, opts: ExportCommandOptions): Promise<number> {
  const format = opts.format ?? 'jsonl';
  if (!isExportFormat(format)) {
    process.stderr.write(`palimpsest export: unknown format "${format}" (jsonl, csv, warc or wacz)\n`);
    return 2;
  }
  const config = commandConfig(g);
  let store: Store | null = null;
  try {
    store = await openStore(config.db);
    await runExport(store, format, opts);
    return 0;
  } catch (err) {
    if (stdoutClosed) return 0;
    const msg = (err as Error).message;
    process.stderr.write(`palimpsest: ${msg.startsWith('export:') ? msg : `export: ${msg}`}\n`);
    return err instanceof ScopeError || err instanceof UsageError ? 2 : 1;
  } finally {
    await store?.close();
  }
}

/**
 * `import <file.jsonl|file.jsonl.gz|-> [--skip-bad] [--existing refuse|skip] [--max-line-mib N]`: loads a JSON Lines export in one
 * transaction. Returns the exit code: 0 imported (skipped lines and articles are listed on stderr), 1 refused or
 * failed (the database is unchanged), 2 bad usage.
 */
export async function importCommand(g: GlobalOptions, file: string, opts: ImportCommandOptions): Promise<number> {
  const existing = opts.existing ?? 'refuse';
  if (existing !== 'refuse' && existing !== 'skip') {
    process.stderr.write(`palimpsest import: --existing must be refuse or skip, not "${existing}"\n`);
    return 2;
  }
  if (file !== '-' && !fs.existsSync(file)) {
    process.stderr.write(`palimpsest import: no such file ${file}\n`);
    return 2;
  }
  const mib = opts.maxLineMib === undefined ? undefined : Number(opts.maxLineMib);
  const maxMib = MAX_LINE_BYTES_LIMIT / (1024 * 1024);
  if (mib !== undefined && !(Number.isFinite(mib) && mib > 0 && mib <= maxMib)) {
    process.stderr.write(`palimpsest import: --max-line-mib must be a number above 0 and at most ${maxMib}, not "${opts.maxLineMib}"\n`);
    return 2;
  }
  const config = commandConfig(g);
  let store: Store | null = null;
  // On a terminal, a bar over the file's (compressed) bytes read so far; nothing for standard input (no size).
  const bar = progressBar(file === '-' ? 0 : fs.statSync(file).size, 'bytes');
  try {
    store = await openStore(config.db);
    const r = await importJsonlFile(store, file, {
      skipBad: opts.skipBad, existing, allowPrivate: config.allowPrivate,
      ...(mib === undefined ? {} : { maxLineBytes: Math.max(1, Math.floor(mib * 1024 * 1024)) }),
      onProgress: (p) => bar.update(p.bytesRead, `line ${p.line}`),
    });
    bar.stop();
    for (const b of r.badLines) process.stderr.write(`palimpsest import: skipped line ${b.line}: ${b.message}\n`);
    for (const url of r.skippedExisting) process.stderr.write(`palimpsest import: skipped ${url} (already in the database)\n`);
    process.stderr.write(`imported ${r.articles} articles, ${r.versions} versions, ${r.responses} responses, ${r.checks} checks, ` +
      `${r.sources} new sources in ${r.seconds.toFixed(1)} s` +
      `${r.skippedExisting.length ? `; skipped ${r.skippedExisting.length} existing articles` : ''}` +
      `${r.badLines.length ? `; skipped ${r.badLines.length} bad lines` : ''}\n`);
    return 0;
  } catch (err) {
    bar.stop();
    const msg = (err as Error).message;
    process.stderr.write(`palimpsest: ${err instanceof ImportError ? msg : `import: ${msg}`}; nothing was imported\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
