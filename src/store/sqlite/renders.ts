/** Queries on rendered_pages and screenshots: what a browser rendering of a version left (SQLite). */
import { gunzipSync } from 'node:zlib';
import { compressBodySync } from '../body-codec.js';
import { sha256Hex } from '../hash.js';
import { stmt, type Db } from './db.js';
import type { NewRenderedPage, NewScreenshot, ScreenshotInfo, StoredRenderedPage } from '../render-types.js';
import { toRenderedPage, toScreenshotInfo, type RenderedPageRecord, type ScreenshotInfoRecord } from '../render-rows.js';

/** Stores the rendered HTML of a version (gzip-compressed), replacing any earlier one. */
export function insertRenderedPage(db: Db, r: NewRenderedPage): void {
  const html = Buffer.from(r.html, 'utf8');
  stmt(db, `INSERT OR REPLACE INTO rendered_pages (version_id, html_gzip, html_length, html_sha256, requests, renderer, rendered_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`).run(r.versionId, compressBodySync(html), html.length, sha256Hex(html), JSON.stringify(r.requests), r.renderer, r.renderedAt);
}

/** The rendered page of a version, or null when it was fetched without a browser. */
export function getRenderedPage(db: Db, versionId: number): StoredRenderedPage | null {
  const r = stmt(db, 'SELECT * FROM rendered_pages WHERE version_id = ?').get(versionId) as RenderedPageRecord | undefined;
  return r ? toRenderedPage(r, gunzipSync(r.html_gzip)) : null;
}

/** Stores the screenshot of a version, replacing any earlier one. */
export function insertScreenshot(db: Db, s: NewScreenshot): void {
  stmt(db, `INSERT OR REPLACE INTO screenshots (version_id, mime, bytes, width, height, captured_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(s.versionId, s.mime, s.bytes, s.width, s.height, s.capturedAt);
}

/** The screenshot of a version with its bytes, or null. */
export function getScreenshot(db: Db, versionId: number): NewScreenshot | null {
  const r = stmt(db, 'SELECT version_id, mime, bytes, width, height, captured_at FROM screenshots WHERE version_id = ?').get(versionId) as
    { version_id: number; mime: string; bytes: Buffer; width: number; height: number; captured_at: string } | undefined;
  return r ? { versionId: r.version_id, mime: r.mime, bytes: r.bytes, width: r.width, height: r.height, capturedAt: r.captured_at } : null;
}

/** What is known of a version's screenshot without its bytes, or null when it has none. */
export function getScreenshotInfo(db: Db, versionId: number): ScreenshotInfo | null {
  const r = stmt(db, 'SELECT version_id, mime, width, height, captured_at, length(bytes) AS length FROM screenshots WHERE version_id = ?')
    .get(versionId) as ScreenshotInfoRecord | undefined;
  return r ? toScreenshotInfo(r) : null;
}
