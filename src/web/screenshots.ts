/** Screenshots of versions on the web: their URL, and what the version page and the API say about them. */
import type { ScreenshotInfo } from '../store/index.js';
import { versionPath } from './paths.js';

/** The path of a version's screenshot image. */
export function screenshotPath(articleId: number, n: number): string {
  return `${versionPath(articleId, n)}/screenshot`;
}

/** The `screenshot` field of a version in the API: where the image is and what it is, or null when there is none. */
export function screenshotJson(info: ScreenshotInfo | null, base: string, articleId: number, n: number):
  { url: string; mime: string; width: number; height: number; bytes: number; captured_at: string } | null {
  if (!info) return null;
  return { url: `${base}${screenshotPath(articleId, n)}`, mime: info.mime, width: info.width, height: info.height, bytes: info.length, captured_at: info.capturedAt };
}
