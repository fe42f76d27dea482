/** Queries on rendered_pages and screenshots: what a browser rendering of a version left (PostgreSQL). */
import { gunzipSync } from 'node:zlib';
import { compressBodySync } from '../body-codec.js';
import { sha256Hex } from '../hash.js';
import { row, run, type Db } from './db.js';
import type { NewRenderedPage, NewScreenshot, ScreenshotInfo, StoredRenderedPage } from '../render-types.js';
import { toRenderedPage, toScreenshotInfo, type RenderedPageRecord, type ScreenshotInfoRecord } from '../render-rows.js';

/** Stores the rendered HTML of a version (gzip-compressed), replacing any earlier one. */
export async function insertRenderedPage(db: Db, r: NewRenderedPage): Promise<void> {
  const html = Buffer.from(r.html, 'utf8');
  await run(db, `INSERT INTO rendered_pages (version_id, html_gzip, html_length, html_sha256, requests, renderer, rendered_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (version_id) DO UPDATE SET html_gzip = EXCLUDED.html_gzip, html_length = EXCLUDED.html_length,
      html_sha256 = EXCLUDED.html_sha256, requests = EXCLUDED.requests, renderer = EXCLUDED.renderer, rendered_at = EXCLUDED.rendered_at`,
  [r.versionId, compressBodySync(html), html.length, sha256Hex(html), JSON.stringify(r.requests), r.renderer, r.renderedAt]);
}

/** The rendered page of a version, or null when it was fetched without a browser. */
export async function getRenderedPage(db: Db, versionId: number): Promise<StoredRenderedPage | null> {
  const r = await row<RenderedPageRecord>(db, 'SELECT * FROM rendered_pages WHERE version_id = $1', [versionId]);
  return r ? toRenderedPage(r, gunzipSync(r.html_gzip)) : null;
}

/** Stores the screenshot of a version, replacing any earlier one. */
export async function insertScreenshot(db: Db, s: NewScreenshot): Promise<void> {
  await run(db, `INSERT INTO screenshots (version_id, mime, bytes, width, height, captured_at) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (version_id) DO UPDATE SET mime = EXCLUDED.mime, bytes = EXCLUDED.bytes, width = EXCLUDED.width,
      height = EXCLUDED.height, captured_at = EXCLUDED.captured_at`,
  [s.versionId, s.mime, s.bytes, s.width, s.height, s.capturedAt]);
}

/** The screenshot of a version with its bytes, or null. */
export async function getScreenshot(db: Db, versionId: number): Promise<NewScreenshot | null> {
  const r = await row<{ version_id: number; mime: string; bytes: Buffer; width: number; height: number; captured_at: string }>(db,
    'SELECT version_id, mime, bytes, width, height, captured_at FROM screenshots WHERE version_id = $1', [versionId]);
  return r ? { versionId: r.version_id, mime: r.mime, bytes: r.bytes, width: r.width, height: r.height, capturedAt: r.captured_at } : null;
}

/** What is known of a version's screenshot without its bytes, or null when it has none. */
export async function getScreenshotInfo(db: Db, versionId: number): Promise<ScreenshotInfo | null> {
  const r = await row<ScreenshotInfoRecord>(db,
    'SELECT version_id, mime, width, height, captured_at, octet_length(bytes) AS length FROM screenshots WHERE version_id = $1', [versionId]);
  return r ? toScreenshotInfo(r) : null;
}
