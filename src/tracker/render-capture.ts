/**
 * What a capture rendered in a browser adds to a new version: the rendered HTML the text was extracted from, and
 * the screenshot, taken only once the capture is known to be a new version (never for unchanged captures).
 */
import type { RenderedPage, Screenshot } from '../render/render.js';
import type { Store } from '../store/index.js';

/** A rendered capture as storeCapture receives it. */
export interface RenderedCapture {
  page: RenderedPage;
  /** Keep a screenshot of the version when it is new. */
  screenshot: boolean;
}

/**
 * The screenshot of a capture about to become a new version, or null (not asked for, or it failed: the version is
 * kept without one, and the failure is reported as a process warning rather than losing the capture).
 */
export async function screenshotOf(r: RenderedCapture | undefined): Promise<Screenshot | null> {
  if (!r?.screenshot) return null;
  try {
    return await r.page.screenshot();
  } catch (err) {
    process.emitWarning(`tracker: version stored without its screenshot: ${(err as Error).message}`);
    return null;
  }
}

/** Stores the rendered page and screenshot of version `versionId` (inside the version's transaction). */
export async function storeRendering(tx: Store, versionId: number, r: RenderedCapture | undefined, shot: Screenshot | null): Promise<void> {
  if (!r) return;
  const { html, renderer, renderedAt, requests } = r.page;
  await tx.insertRenderedPage({ versionId, html, renderer, renderedAt, requests });
  if (shot) await tx.insertScreenshot({ ...shot, versionId });
}
