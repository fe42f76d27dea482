/**
 * Building the WARC 1.1 records of an export with warcio: warcinfo, response, request, revisit and the metadata
 * record holding a version's extraction, each serialised (uncompressed) with its sha256 block and payload digests
 * (base32, as warcio writes them). warc-gzip.ts compresses each record into its own gzip member.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WARCRecord, WARCSerializer, type WARCRecordOpts } from 'warcio';
import type { ResponseHead, ResponseRow, VersionRow } from '../store/index.js';

/** The WARC version written. */
export const WARC_VERSION = 'WARC/1.1';

/** Prefix of the headers that kept the original value of a header no longer true of the stored (decoded) body. */
export const ORIG_HEADER_PREFIX = 'X-Archive-Orig-';

const DIGEST = { algo: 'sha-256', prefix: 'sha256:', base32: true } as const;

/** What the warcinfo record says about how this file was made (stored bodies are decoded documents). */
export const WARCINFO_DESCRIPTION =
  'Palimpsest export: every stored version of the tracked articles. Each capture is a response record (status ' +
  'line and headers as received) with its request record (WARC-Concurrent-To). Palimpsest stores the decoded ' +
  'document, so response payloads are decoded: Content-Encoding and Transfer-Encoding headers were renamed ' +
  `${ORIG_HEADER_PREFIX}Content-Encoding / ${ORIG_HEADER_PREFIX}Transfer-Encoding and Content-Length set to the ` +
  `decoded length (the original kept as ${ORIG_HEADER_PREFIX}Content-Length when it differed). A payload identical ` +
  'to an earlier record in this file is a revisit record (identical-payload-digest profile). After each capture, a ' +
  'metadata record (application/json, WARC-Refers-To the response or revisit) holds the version Palimpsest ' +
  'extracted from it: number, title, byline, dates, text, content hash, extractor version, change statistics. A ' +
  'version rendered in a browser also has a conversion record (text/html, WARC-Refers-To the response) holding the ' +
  'rendered DOM its text was extracted from, and, when screenshots are on, a resource record at ' +
  'urn:screenshot:<page URL> (WARC-Concurrent-To the response) holding the full-page screenshot.';

/** sha256 hex (as stored) to the WARC digest form warcio writes: `sha256:` + RFC 4648 base32. */
export function warcDigestFromHex(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return `sha256:${out.padEnd(Math.ceil(out.length / 8) * 8, '=')}`;
}

/** `sha256:` + base32 digest of the concatenated parts. */
function digestOf(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return warcDigestFromHex(h.digest('hex'));
}

/** A stable record id for the same capture exported twice from one database (reproducible files). */
export function recordId(kind: string, r: Pick<ResponseHead, 'id' | 'url' | 'fetched_at' | 'body_sha256'>): string {
  const h = createHash('sha256').update(`${kind}\0${r.id}\0${r.url}\0${r.fetched_at}\0${r.body_sha256}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  const v = `8${h.slice(13, 16)}`;
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `<urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}>`;
}

/** A fresh random record id. */
export function randomRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/**
 * The response headers as they apply to the stored, decoded body: encodings renamed, Content-Length corrected.
 * Values are folded onto one line so a stray CR/LF cannot break the record.
 */
export function replayHeaders(headers: ReadonlyArray<[string, string]>, bodyLength: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-encoding' || lower === 'transfer-encoding') out.push([`${ORIG_HEADER_PREFIX}${name}`, oneLine(value)]);
    else if (lower === 'content-length') {
      if (value.trim() !== String(bodyLength)) out.push([`${ORIG_HEADER_PREFIX}${name}`, oneLine(value)]);
    } else out.push([name, oneLine(value)]);
  }
  out.push(['Content-Length', String(bodyLength)]);
  return out;
}

/** `HTTP/1.1 200 OK`, from what was stored. */
export function statusLine(r: Pick<ResponseRow, 'http_version' | 'status' | 'status_text'>): string {
  return `HTTP/${r.http_version} ${r.status}${r.status_text ? ` ${oneLine(r.status_text)}` : ''}`;
}

function requestLine(r: ResponseRow): string {
  let target = r.url;
  try {
    const u = new URL(r.url);
    target = `${u.pathname}${u.search}`;
  } catch {
    // Not a parsable URL: keep it whole as the request target.
  }
  return `GET ${target} HTTP/${r.http_version}`;
}

/** One serialised record (uncompressed) and its WARC-Record-ID. */
export interface SerializedRecord {
  raw: Buffer;
  id: string;
}

/** The WARC-Target-URI warcio writes for `url` (normalised when it parses), for index lines and pages to match. */
export function targetUri(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** A record serialised (uncompressed) with its block and payload digests; `headers` hold its WARC-Record-ID and extra WARC headers. */
export async function serialize(opts: WARCRecordOpts, headers: Record<string, string>, body?: Uint8Array): Promise<Buffer> {
  // Listing type, id, date and target first puts them first in the record (warcio sets them in place).
  const ordered: Record<string, string> = { 'WARC-Type': opts.type ?? 'resource', 'WARC-Record-ID': headers['WARC-Record-ID'] ?? randomRecordId(), 'WARC-Date': '' };
  if (opts.url !== undefined && opts.type !== 'warcinfo') ordered['WARC-Target-URI'] = '';
  const record = WARCRecord.create({ ...opts, warcVersion: WARC_VERSION, warcHeaders: { ...ordered, ...headers } }, body ? [body] : undefined);
  if (opts.type !== 'warcinfo') {
    // Digests from node:crypto, set before serialising so warcio keeps them: warcio would build two WebAssembly
    // hashers per record, which made WARC export ten times slower. The block is hashed exactly as warcio writes it
    // (HTTP head + CRLF, then the payload); the tests recompute both digests from the file.
    const head = record.httpHeaders ? Buffer.from(`${record.httpHeaders.toString()}\r\n`, 'utf8') : Buffer.alloc(0);
    const payload = body ?? Buffer.alloc(0);
    record.warcHeaders.headers.set('WARC-Block-Digest', digestOf(head, payload));
    if (opts.type !== 'revisit') record.warcHeaders.headers.set('WARC-Payload-Digest', digestOf(payload));
  }
  const raw = await WARCSerializer.serialize(record, { gzip: false, digest: DIGEST });
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The warcinfo record opening the file. */
export async function warcinfoRecord(filename: string, date: string, fields: Record<string, string>): Promise<SerializedRecord> {
  const id = randomRecordId();
  const body = Buffer.from(Object.entries(fields).map(([k, v]) => `${k}: ${oneLine(v)}\r\n`).join(''), 'utf8');
  const raw = await serialize({ type: 'warcinfo', filename, date }, { 'WARC-Record-ID': id, 'Content-Type': 'application/warc-fields' }, body);
  return { raw, id };
}

/** A response record with the decoded body. */
export async function responseRecord(r: ResponseRow, body: Buffer, warcinfoId: string): Promise<SerializedRecord> {
  const id = recordId('response', r);
  const raw = await serialize(
    { type: 'response', url: r.url, date: r.fetched_at, statusline: statusLine(r), httpHeaders: replayHeaders(JSON.parse(r.headers) as Array<[string, string]>, body.length) },
    { 'WARC-Record-ID': id, 'WARC-Warcinfo-ID': warcinfoId }, body);
  return { raw, id };
}

/** A revisit record for a response whose body equals an earlier record's (`original`). */
export async function revisitRecord(r: ResponseRow, original: ResponseHead, warcinfoId: string): Promise<SerializedRecord> {
  const id = recordId('revisit', r);
  const raw = await serialize(
    {
      type: 'revisit', url: r.url, date: r.fetched_at, statusline: statusLine(r),
      httpHeaders: replayHeaders(JSON.parse(r.headers) as Array<[string, string]>, r.body_length),
      refersToUrl: original.url, refersToDate: original.fetched_at,
    },
    { 'WARC-Record-ID': id, 'WARC-Warcinfo-ID': warcinfoId, 'WARC-Refers-To': recordId('response', original), 'WARC-Payload-Digest': warcDigestFromHex(r.body_sha256) });
  return { raw, id };
}

/** The request record of a capture, concurrent to its response (or revisit) record. */
export async function requestRecord(r: ResponseRow, concurrentTo: string, warcinfoId: string): Promise<SerializedRecord> {
  const id = recordId('request', r);
  const headers = (JSON.parse(r.request_headers) as Array<[string, string]>).map(([k, v]): [string, string] => [k, oneLine(v)]);
  // The HTTP client sends Host itself without recording it; say so (a header-less block also trips warcio's parser).
  if (!headers.some(([k]) => k.toLowerCase() === 'host')) {
    try {
      headers.unshift(['Host', new URL(r.url).host]);
    } catch {
      // No parsable host: leave the headers as recorded.
    }
  }
  const raw = await serialize(
    { type: 'request', url: r.url, date: r.fetched_at, statusline: requestLine(r), httpHeaders: headers },
    { 'WARC-Record-ID': id, 'WARC-Warcinfo-ID': warcinfoId, 'WARC-Concurrent-To': concurrentTo });
  return { raw, id };
}

/** The metadata record of a version: its extraction as JSON, referring to the capture it came from (if any). */
export async function versionRecord(articleUrl: string, v: VersionRow, target: { url: string; id: string } | null, warcinfoId: string): Promise<SerializedRecord> {
  const id = randomRecordId();
  const doc = {
    article: articleUrl, version: v.number, title: v.title, byline: v.byline, publishedAt: v.published_at, capturedAt: v.captured_at,
    contentHash: v.content_hash, extractorVersion: v.extractor_version, wordsAdded: v.words_added, wordsRemoved: v.words_removed,
    stats: v.stats === null ? null : (JSON.parse(v.stats) as unknown), metadata: JSON.parse(v.metadata) as unknown, text: v.text,
  };
  const headers: Record<string, string> = { 'WARC-Record-ID': id, 'WARC-Warcinfo-ID': warcinfoId, 'Content-Type': 'application/json' };
  if (target) headers['WARC-Refers-To'] = target.id;
  const raw = await serialize({ type: 'metadata', url: target?.url ?? articleUrl, date: v.captured_at }, headers, Buffer.from(JSON.stringify(doc), 'utf8'));
  return { raw, id };
}
