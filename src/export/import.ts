/**
 * Importing a JSON Lines export (plain or gzip) into a database (either backend, through the Store), all in one
 * transaction: a failed or interrupted import leaves the database exactly as it was. Every line is validated (strict
 * UTF-8, JSON, then the zod schemas of format.ts: real dates, http(s) URLs without credentials; then references,
 * version numbers 1..n, body hashes and the addresses the fetcher refuses) and a bad line is reported with its
 * number: by default the import stops at the first one; with `skipBad` the line is left out (its inserts rolled back
 * to a savepoint) and listed in the report. Lines are read at the byte level with a length bound (lines.ts), so a
 * hostile file cannot exhaust memory: a line over the bound stops the import with its number.
 *
 * Articles already in the database (same URL) are never merged, since interleaving two histories would renumber
 * versions and make their change statistics wrong: by default the import is refused, with `existing: 'skip'` such
 * articles are left out and listed. Sources are matched by slug; an existing source is kept unchanged.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import type { Store } from '../store/index.js';
import { FORMAT_NAME, FORMAT_VERSION, headerSchema, lineSchema, type ExportHeader } from './format.js';
import { applyArticle, applySource, BadLine, ExistingArticle, type ApplyOptions, type Inserted } from './import-apply.js';
import { byteLines, decodeLine, DEFAULT_MAX_LINE_BYTES, InvalidUtf8, LineTooLong, MAX_LINE_BYTES_LIMIT } from './lines.js';

/** What to do with the unexpected. */
export interface ImportOptions {
  /** Skip bad lines (reported) instead of stopping at the first one. */
  skipBad?: boolean;
  /** Articles whose URL is already in the database: refuse the import (default) or skip them (reported). */
  existing?: 'refuse' | 'skip';
  /** Keep URLs on loopback, private, link-local and metadata addresses (refused by default, as the fetcher does). */
  allowPrivate?: boolean;
  /** Longest line read, in bytes (default DEFAULT_MAX_LINE_BYTES); a longer one stops the import, even with skipBad. */
  maxLineBytes?: number;
  /** Called after each line with the compressed bytes read so far. */
  onProgress?: (p: { line: number; bytesRead: number }) => void;
  /** Called after each article is inserted, inside the transaction (tests use it to interrupt an import). */
  afterArticle?: (url: string) => void | Promise<void>;
}

/** A line that was left out, and why. */
export interface BadLineReport {
  line: number;
  message: string;
}

/** What an import did. */
export interface ImportReport extends Inserted {
  header: ExportHeader;
  /** URLs of the articles skipped because the database had them (existing: 'skip'). */
  skippedExisting: string[];
  /** Lines skipped as bad (skipBad). */
  badLines: BadLineReport[];
  seconds: number;
}

/** An import that failed; nothing was written. `line` is the offending line's number when there is one. */
export class ImportError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? `import: ${message}` : `import: line ${line}: ${message}`);
  }
}

/** The first issues of a zod error, as `path: message`. */
export function describeIssues(err: z.ZodError): string {
  const shown = err.issues.slice(0, 3).map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return shown.join('; ') + (err.issues.length > 3 ? `; and ${err.issues.length - 3} more` : '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadLine(`invalid JSON (${(err as Error).message})`);
  }
}

function formatLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function parseHeader(text: string | undefined): ExportHeader {
  if (text === undefined) throw new ImportError('the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    throw new ImportError(`not a Palimpsest JSON Lines export: invalid JSON (${(err as Error).message})`, 1);
  }
  const h = headerSchema.safeParse(json);
  if (!h.success) throw new ImportError(`not a Palimpsest JSON Lines export (expected a "${FORMAT_NAME}" header): ${describeIssues(h.error)}`, 1);
  if (h.data.formatVersion > FORMAT_VERSION) {
    throw new ImportError(`format version ${h.data.formatVersion} is newer than this Palimpsest reads (${FORMAT_VERSION}); upgrade Palimpsest`, 1);
  }
  return h.data;
}

/**
 * The input's bytes, decompressed when they start with the gzip magic bytes; `counted` sees every raw chunk (for
 * progress against the file size).
 */
function decoded(input: Readable, counted: (n: number) => void): Readable {
  async function* raw(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
    yield first;
    for (;;) {
      const n = await rest.next();
      if (n.done) return;
      counted(n.value.length);
      yield n.value;
    }
  }
  return Readable.from((async function* () {
    const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await it.next();
    if (first.done) return;
    counted(first.value.length);
    if (first.value[0] === 0x1f && first.value[1] === 0x8b) {
      const gunzip = createGunzip();
      // pipeline destroys gunzip with the error of either side, which ends the iteration below with it.
      pipeline(Readable.from(raw(first.value, it)), gunzip).catch(() => undefined);
      yield* gunzip;
    } else yield* raw(first.value, it);
  })(), { objectMode: false });
}

/** A line as read: its text, or why it is not UTF-8 (a bad line, skippable like any other). */
type ReadLine = { text: string } | { invalid: string };

/** Parses and applies one line after the header, inside its savepoint; throws BadLine, ExistingArticle or anything else. */
async function applyLine(line: Store, read: ReadLine, counts: Inserted, opts: ImportOptions): Promise<void> {
  if ('invalid' in read) throw new BadLine(read.invalid);
  const { text } = read;
  if (text.trim() === '') throw new BadLine('empty line');
  const parsed = lineSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new BadLine(describeIssues(parsed.error));
  const apply: ApplyOptions = { allowPrivate: opts.allowPrivate ?? false };
  if (parsed.data.type === 'source') await applySource(line, parsed.data, counts, apply);
  else {
    await applyArticle(line, parsed.data, counts, apply);
    await opts.afterArticle?.(parsed.data.url);
  }
}

/**
 * Imports a JSON Lines export read from `input` into `store`, in one transaction with a savepoint per line.
 * Resolves with a report; rejects with ImportError (bad header, bad line without skipBad, existing article with
 * existing 'refuse') or any other error (a failing input stream, a throwing hook), in every case after rolling back
 * everything.
 */
export async function importJsonl(store: Store, input: Readable, opts: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  let bytesRead = 0;
  const source = decoded(input, (n) => { bytesRead += n; });
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1 || maxLineBytes > MAX_LINE_BYTES_LIMIT) {
    throw new ImportError(`the longest line must be 1 byte to ${formatLimit(MAX_LINE_BYTES_LIMIT)}, not ${maxLineBytes}`);
  }
  const split = byteLines(source, maxLineBytes);
  // A line over the limit ends the import (skipping it would still mean reading it): the error names its number.
  // Lines are decoded here, so that a line's bytes are garbage as soon as its text exists (a large line is not held twice).
  const lines = {
    async next(): Promise<IteratorResult<ReadLine, undefined>> {
      let r: IteratorResult<Buffer, void>;
      try {
        r = await split.next();
      } catch (err) {
        if (err instanceof LineTooLong) {
          throw new ImportError(`longer than ${formatLimit(err.limit)}, the longest line read (raise it with --max-line-mib); nothing after this was read`, err.line);
        }
        throw err;
      }
      if (r.done) return { done: true, value: undefined };
      try {
        return { done: false, value: { text: decodeLine(r.value) } };
      } catch (err) {
        if (err instanceof InvalidUtf8) return { done: false, value: { invalid: err.message } };
        throw err;
      }
    },
    return: () => split.return(undefined),
  };
  const counts: Inserted = { articles: 0, versions: 0, responses: 0, checks: 0, sources: 0 };
  const skippedExisting: string[] = [];
  const badLines: BadLineReport[] = [];

  let header: ExportHeader;
  try {
    const first = await lines.next();
    const read = first.done ? undefined : first.value;
    if (read && 'invalid' in read) throw new ImportError(`not a Palimpsest JSON Lines export: ${read.invalid}`, 1);
    header = parseHeader(read?.text);
    await store.transaction(async (tx) => {
      let lineNo = 1;
      for (;;) {
        const next = await lines.next();
        if (next.done) break;
        lineNo++;
        // A line's counts join the total only once its savepoint is released.
        const lineCounts: Inserted = { articles: 0, versions: 0, responses: 0, checks: 0, sources: 0 };
        try {
          await tx.transaction((line) => applyLine(line, next.value, lineCounts, opts));
          for (const k of Object.keys(counts) as Array<keyof Inserted>) counts[k] += lineCounts[k];
        } catch (err) {
          if (err instanceof ExistingArticle && opts.existing === 'skip') skippedExisting.push(err.url);
          else if (err instanceof ExistingArticle) throw new ImportError(`${err.message} (import refused; --existing skip leaves such articles out)`, lineNo);
          else if (err instanceof BadLine && opts.skipBad) badLines.push({ line: lineNo, message: err.message });
          else if (err instanceof BadLine) throw new ImportError(err.message, lineNo);
          else throw err;
        }
        opts.onProgress?.({ line: lineNo, bytesRead });
      }
    });
  } finally {
    await lines.return();
    source.destroy();
  }
  return { ...counts, header, skippedExisting, badLines, seconds: (performance.now() - started) / 1000 };
}

/** Imports from a file path, or standard input for "-". */
export async function importJsonlFile(store: Store, file: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const input = file === '-' ? process.stdin : fs.createReadStream(file);
  try {
    return await importJsonl(store, input, opts);
  } finally {
    if (input !== process.stdin) input.destroy();
  }
}
