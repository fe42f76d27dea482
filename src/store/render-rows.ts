/** Database rows of rendered_pages and screenshots and their camelCase views, shared by both backends. */
import type { RenderRequestLog, ScreenshotInfo, StoredRenderedPage } from './render-types.js';

/** A rendered_pages row as both backends return it. */
export interface RenderedPageRecord {
  version_id: number;
  html_gzip: Buffer;
  html_length: number;
  html_sha256: string;
  requests: string;
  renderer: string;
  rendered_at: string;
}

/** The columns of a screenshot read without its bytes. */
export interface ScreenshotInfoRecord {
  version_id: number;
  mime: string;
  width: number;
  height: number;
  captured_at: string;
  length: number | string;
}

/** The request log of a row; an unreadable one reads as empty (it is a record of the past, not an input). */
function parseRequests(json: string): RenderRequestLog {
  try {
    const v = JSON.parse(json) as Partial<RenderRequestLog>;
    return { fetched: v.fetched ?? 0, bytes: v.bytes ?? 0, blocked: v.blocked ?? [], failed: v.failed ?? [] };
  } catch {
    return { fetched: 0, bytes: 0, blocked: [], failed: [] };
  }
}

/** The camelCase view of a rendered_pages row, given its decompressed HTML. */
export function toRenderedPage(r: RenderedPageRecord, html: Buffer): StoredRenderedPage {
  return {
    versionId: r.version_id, html: html.toString('utf8'), htmlLength: r.html_length, htmlSha256: r.html_sha256,
    renderer: r.renderer, renderedAt: r.rendered_at, requests: parseRequests(r.requests),
  };
}

/** The camelCase view of a screenshot's columns. */
export function toScreenshotInfo(r: ScreenshotInfoRecord): ScreenshotInfo {
  return { versionId: r.version_id, mime: r.mime, width: r.width, height: r.height, capturedAt: r.captured_at, length: Number(r.length) };
}
