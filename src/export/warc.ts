/**
 * WARC 1.1 export to any Writable: a warcinfo record, then per article and version its capture (response, or
 * revisit when the same payload was already written, then the request) and a metadata record with the extracted
 * version. Records are separate gzip members; `onCapture` reports each response/revisit with its offset and
 * length, once it is in the output, so callers can build a CDXJ index (warc-file.ts) or WACZ pages (wacz.ts).
 */
import type { Writable } from 'node:stream';
import type { ResponseRow, Store } from '../store/index.js';
import { resolveScope } from './scope.js';
import { Sink } from './sink.js';
import { GENERATOR, type ExportOptions, type ExportSummary } from './types.js';
import { walkArticles, walkVersions } from './walk.js';
import { GzipRecordWriter } from './warc-gzip.js';
import { writeRenderRecords } from './warc-render.js';
import {
  requestRecord, responseRecord, revisitRecord, targetUri, versionRecord, warcDigestFromHex, warcinfoRecord,
  WARCINFO_DESCRIPTION, type SerializedRecord,
} from './warc-records.js';

/** A response or revisit record just written, with what an index line or a WACZ page needs. */
export interface CaptureEntry {
  /** `resource`: a screenshot of a rendered version (its URL is urn:screenshot:<page URL>). */
  type: 'response' | 'revisit' | 'resource';
  /** WARC-Target-URI as written. */
  url: string;
  /** WARC-Date (the fetch time, ISO 8601). */
  date: string;
  /** Media type without parameters ('warc/revisit' for revisits), null when the response had none. */
  mime: string | null;
  /** HTTP status; null for a resource record (no HTTP exchange). */
  status: number | null;
  /** Payload digest without its `sha256:` prefix (as warcio's CDXJ indexer writes it). */
  digest: string;
  /** Offset of the record's gzip member in the file, and its length. */
  offset: number;
  length: number;
  /** Title of the version captured (the article's title for a response no version uses). */
  title: string | null;
}

/** WARC options: the common ones, the file name for warcinfo, and a callback per capture. */
export interface WarcOptions extends ExportOptions {
  /** WARC-Filename of the warcinfo record (default "palimpsest.warc.gz"). */
  filename?: string;
  onCapture?: (e: CaptureEntry) => void | Promise<void>;
  /** gzip level of the records, 1 (fastest, ~10% larger) to 9; default 6. */
  gzipLevel?: number;
}

/** What a WARC export wrote. */
export interface WarcSummary extends ExportSummary {
  /** Response and revisit records. */
  captures: number;
  revisits: number;
}

function mediaType(headers: string): string | null {
  const ct = (JSON.parse(headers) as Array<[string, string]>).find(([k]) => k.toLowerCase() === 'content-type');
  return ct ? (ct[1].split(';', 1)[0] ?? '').trim() || null : null;
}

/** Writes a WARC export of the scope to `out` (not ended: the caller owns it). Throws ScopeError for an unknown scope. */
export async function exportWarc(store: Store, out: Writable, opts: WarcOptions = {}): Promise<WarcSummary> {
  const started = performance.now();
  const scope = await resolveScope(store, opts.scope ?? {});
  const sink = new Sink(out);
  const now = (opts.now ?? (() => new Date()))().toISOString();
  const info = await warcinfoRecord(opts.filename ?? 'palimpsest.warc.gz', now, {
    software: `${GENERATOR} (warcio.js)`,
    format: 'WARC File Format 1.1',
    conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
    description: WARCINFO_DESCRIPTION,
    'palimpsest-scope': JSON.stringify(scope.described),
  });
  const records = new GzipRecordWriter(sink, opts.gzipLevel);
  await records.push(info.raw);

  // First 64 bits of a body hash -> id of the first response written with it: the only state that grows with the
  // export (~60 bytes per distinct body). A prefix collision is caught by comparing the full hashes below.
  const firstWithBody = new Map<string, number>();
  const key = (sha: string): string => sha.slice(0, 16);
  let articles = 0;
  let versions = 0;
  let captures = 0;
  let revisits = 0;

  /** Writes a capture (response or revisit, then request); returns the record a version should refer to. */
  const capture = async (r: ResponseRow, title: string | null): Promise<{ url: string; id: string }> => {
    const originalId = firstWithBody.get(key(r.body_sha256));
    const found = originalId === undefined ? null : await store.getResponseHead(originalId);
    const original = found && found.body_sha256 === r.body_sha256 ? found : null;
    let main: SerializedRecord;
    if (original) {
      main = await revisitRecord(r, original, info.id);
      revisits++;
    } else {
      main = await responseRecord(r, r.body, info.id);
      if (!found) firstWithBody.set(key(r.body_sha256), r.id);
    }
    const url = targetUri(r.url);
    const entry = {
      type: original ? 'revisit' : 'response', url, date: r.fetched_at, mime: original ? 'warc/revisit' : mediaType(r.headers),
      status: r.status, digest: warcDigestFromHex(r.body_sha256).slice('sha256:'.length), title,
    } as const;
    await records.push(main.raw, (at) => opts.onCapture?.({ ...entry, ...at }));
    await records.push((await requestRecord(r, main.id, info.id)).raw);
    captures++;
    return { url, id: main.id };
  };

  for await (const a of walkArticles(store, scope.selection)) {
    const written = new Map<number, { url: string; id: string }>();
    for await (const v of walkVersions(store, a.id)) {
      let target: { url: string; id: string } | null = null;
      if (v.response_id !== null) {
        target = written.get(v.response_id) ?? null;
        const r = target ? null : await store.getResponseRow(v.response_id);
        if (r) {
          target = await capture(r, v.title);
          written.set(r.id, target);
        }
      }
      await records.push((await versionRecord(a.url, v, target, info.id)).raw);
      await writeRenderRecords(store, records, v, a.url, target, info.id, opts.onCapture);
      versions++;
      opts.onProgress?.({ articles, versions, bytes: sink.bytes });
    }
    // Responses no version uses are captures all the same.
    for (const id of await store.listResponseIds(a.id)) {
      if (written.has(id)) continue;
      const r = await store.getResponseRow(id);
      if (r) written.set(id, await capture(r, a.title));
    }
    articles++;
  }
  await sink.flush();
  return { articles, versions, bytes: sink.bytes, seconds: (performance.now() - started) / 1000, captures, revisits };
}
