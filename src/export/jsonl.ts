/**
 * JSON Lines export (format described in format.ts): a header line, the sources, then one line per article. An
 * article's line is written piece by piece (one version, response or check at a time), so even an article with
 * thousands of large versions never sits whole in memory.
 */
import type { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { ArticleRow, CheckRow, ResponseRow, SourceRow, Store, VersionRow } from '../store/index.js';
import {
  FORMAT_NAME, formatVersionFor,
  type BodyEncoding, type CheckEntryLine, type ExportHeader, type ResponseEntry, type SourceLine, type VersionEntry,
} from './format.js';
import { resolveScope } from './scope.js';
import { readExtrasForExport, versionExtras } from './variants-lines.js';
import { renderFields } from './render-lines.js';
import { Sink } from './sink.js';
import { GENERATOR, type ExportOptions, type ExportSummary } from './types.js';
import { walkArticles, walkChecks, walkVersions } from './walk.js';

/**
 * JSONL options: the common ones, whether to include each article's check log (default true), and how to write
 * response bodies (default 'raw': `body`, format version 1; 'gzip': `bodyGzip`, format version 2, about a fifth).
 */
export interface JsonlOptions extends ExportOptions {
  includeChecks?: boolean;
  bodies?: BodyEncoding;
}

function parseObject(json: string | null): Record<string, unknown> | null {
  return json === null ? null : (JSON.parse(json) as Record<string, unknown>);
}

/** A source row as its export line. */
export function sourceLine(s: SourceRow): SourceLine {
  return {
    type: 'source', slug: s.slug, name: s.name, kind: s.kind as SourceLine['kind'], config: parseObject(s.config) ?? {},
    createdAt: s.created_at, lastPolled: s.last_polled, nextPoll: s.next_poll, pollCount: s.poll_count,
    errorCount: s.error_count, lastError: s.last_error,
  };
}

/** An article row's own fields, in line order, without the arrays. */
function articleHead(a: ArticleRow): Record<string, unknown> {
  return {
    type: 'article', url: a.url, source: a.source_slug, title: a.title, status: a.status, firstSeen: a.first_seen,
    lastChecked: a.last_checked, lastChanged: a.last_changed, nextCheck: a.next_check, checkIntervalS: a.check_interval_s,
    checkCount: a.check_count, errorCount: a.error_count, totalErrors: a.total_errors, lastError: a.last_error,
    lastErrorAt: a.last_error_at, etag: a.etag, lastModified: a.last_modified, lastBodySha256: a.last_body_sha256,
  };
}

/** A version row as its export entry; `responseIndex` maps response ids to positions in the article's `responses`. */
export function versionEntry(v: VersionRow, responseIndex: Map<number, number>): VersionEntry {
  return {
    number: v.number, title: v.title, byline: v.byline, publishedAt: v.published_at, capturedAt: v.captured_at, text: v.text,
    contentHash: v.content_hash, extractorVersion: v.extractor_version, wordsAdded: v.words_added, wordsRemoved: v.words_removed,
    stats: parseObject(v.stats), metadata: parseObject(v.metadata) ?? {},
    response: v.response_id === null ? null : (responseIndex.get(v.response_id) ?? null),
    changeKind: v.change_kind, minorReason: v.minor_reason,
  };
}

/** A response row as its export entry (the document base64, or its gzip base64). */
export function responseEntry(r: ResponseRow, bodies: BodyEncoding = 'raw'): ResponseEntry {
  return {
    requestedUrl: r.requested_url, url: r.url, fetchedAt: r.fetched_at, status: r.status, statusText: r.status_text,
    httpVersion: r.http_version, headers: JSON.parse(r.headers) as Array<[string, string]>,
    requestHeaders: JSON.parse(r.request_headers) as Array<[string, string]>, bodyLength: r.body_length,
    bodySha256: r.body_sha256,
    ...(bodies === 'gzip' ? { bodyGzip: gzipSync(r.body, { level: 6 }).toString('base64') } : { body: r.body.toString('base64') }),
  };
}

function checkEntry(c: CheckRow): CheckEntryLine {
  return {
    checkedAt: c.checked_at, outcome: c.outcome as CheckEntryLine['outcome'], httpStatus: c.http_status, error: c.error,
    durationMs: c.duration_ms, contentHash: c.content_hash,
  };
}

/**
 * Writes a JSON Lines export of the scope to `out` and resolves when all of it has been handed to the stream.
 * The stream is not ended (the caller owns it). Throws ScopeError before writing anything for an unknown scope.
 */
export async function exportJsonl(store: Store, out: Writable, opts: JsonlOptions = {}): Promise<ExportSummary> {
  const started = performance.now();
  const scope = await resolveScope(store, opts.scope ?? {});
  const sink = new Sink(out);
  const header: ExportHeader = {
    format: FORMAT_NAME, formatVersion: formatVersionFor(opts.bodies ?? 'raw'), exportedAt: (opts.now ?? (() => new Date()))().toISOString(),
    generator: GENERATOR, scope: scope.described,
  };
  await sink.write(`${JSON.stringify(header)}\n`);
  for (const s of await store.listSourcesForExport(scope.selection)) await sink.write(`${JSON.stringify(sourceLine(s))}\n`);

  let articles = 0;
  let versions = 0;
  const progress = (): void => opts.onProgress?.({ articles, versions, bytes: sink.bytes });
  for await (const a of walkArticles(store, scope.selection)) {
    const responseIds = await store.listResponseIds(a.id);
    const responseIndex = new Map(responseIds.map((id, i) => [id, i]));
    const extras = await readExtrasForExport(store, a.id);
    await sink.write(`${JSON.stringify(articleHead(a)).slice(0, -1)},"versions":[`);
    let first = true;
    for await (const v of walkVersions(store, a.id)) {
      await sink.write(`${first ? '' : ','}${JSON.stringify({ ...versionEntry(v, responseIndex), ...versionExtras(extras, v.number), ...(await renderFields(store, v.id)) })}`);
      first = false;
      versions++;
      progress();
    }
    await sink.write('],"responses":[');
    for (const [i, id] of responseIds.entries()) {
      const r = await store.getResponseRow(id);
      if (!r) throw new Error(`export: response ${id} of article ${a.url} vanished during the export`);
      await sink.write(`${i === 0 ? '' : ','}${JSON.stringify(responseEntry(r, opts.bodies))}`);
    }
    await sink.write('],"checks":[');
    if (opts.includeChecks !== false) {
      first = true;
      for await (const c of walkChecks(store, a.id)) {
        await sink.write(`${first ? '' : ','}${JSON.stringify(checkEntry(c))}`);
        first = false;
      }
    }
    await sink.write(`]${extras.events.length > 0 ? `,"events":${JSON.stringify(extras.events)}` : ''}}\n`);
    articles++;
    progress();
  }
  await sink.flush();
  return { articles, versions, bytes: sink.bytes, seconds: (performance.now() - started) / 1000 };
}

