/**
 * The WARC records of what a browser rendering left with a version: the rendered DOM as a `conversion` record
 * (WARC-Refers-To the response it was rendered from; not in the CDXJ index, so replay tools keep replaying the
 * response as the server sent it) and the screenshot as a `resource` record at `urn:screenshot:<page URL>`
 * (WARC-Concurrent-To the response: one capture event; indexed, so replay tools can find it).
 */
import { createHash } from 'node:crypto';
import type { Store, VersionRow } from '../store/index.js';
import { randomRecordId, serialize, warcDigestFromHex, type SerializedRecord } from './warc-records.js';
import type { GzipRecordWriter } from './warc-gzip.js';
import type { CaptureEntry } from './warc.js';

/** The WARC-Target-URI of a page's screenshot. */
export function screenshotUri(pageUrl: string): string {
  return `urn:screenshot:${pageUrl}`;
}

/** The conversion record of a rendered page. */
async function renderedRecord(url: string, html: string, renderedAt: string, renderer: string, refersTo: string | null, warcinfoId: string): Promise<SerializedRecord> {
  const id = randomRecordId();
  const headers: Record<string, string> = {
    'WARC-Record-ID': id, 'WARC-Warcinfo-ID': warcinfoId, 'Content-Type': 'text/html; charset=utf-8', 'WARC-Palimpsest-Renderer': renderer,
  };
  if (refersTo) headers['WARC-Refers-To'] = refersTo;
  return { raw: await serialize({ type: 'conversion', url, date: renderedAt }, headers, Buffer.from(html, 'utf8')), id };
}

/** The resource record of a screenshot. */
async function screenshotRecord(url: string, bytes: Buffer, mime: string, capturedAt: string, concurrentTo: string | null, warcinfoId: string): Promise<SerializedRecord> {
  const id = randomRecordId();
  const headers: Record<string, string> = { 'WARC-Record-ID': id, 'WARC-Warcinfo-ID': warcinfoId, 'Content-Type': mime };
  if (concurrentTo) headers['WARC-Concurrent-To'] = concurrentTo;
  return { raw: await serialize({ type: 'resource', url, date: capturedAt }, headers, bytes), id };
}

/**
 * Writes the rendered page and the screenshot of version `v` (when it has them) after its records; `target` is the
 * response or revisit record of its capture. The screenshot is reported to `onCapture` as a `resource` entry.
 */
export async function writeRenderRecords(
  store: Store, records: GzipRecordWriter, v: VersionRow, pageUrl: string, target: { url: string; id: string } | null, warcinfoId: string,
  onCapture?: (e: CaptureEntry) => void | Promise<void>,
): Promise<void> {
  const rendered = await store.getRenderedPage(v.id);
  if (rendered) await records.push((await renderedRecord(target?.url ?? pageUrl, rendered.html, rendered.renderedAt, rendered.renderer, target?.id ?? null, warcinfoId)).raw);
  const shot = await store.getScreenshot(v.id);
  if (!shot) return;
  const url = screenshotUri(target?.url ?? pageUrl);
  const rec = await screenshotRecord(url, shot.bytes, shot.mime, shot.capturedAt, target?.id ?? null, warcinfoId);
  const digest = warcDigestFromHex(createHash('sha256').update(shot.bytes).digest('hex')).slice('sha256:'.length);
  const entry = { type: 'resource', url, date: shot.capturedAt, mime: shot.mime, status: null, digest, title: v.title } as const;
  await records.push(rec.raw, (at) => onCapture?.({ ...entry, ...at }));
}
