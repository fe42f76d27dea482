/**
 * The JSON Lines fields of a rendered version (issue 15.5): `rendered` (the DOM its text was extracted from, which
 * browser rendered it, when, and what the page's requests were) and `screenshot` (the image, base64). Written only
 * for versions that have them, so files of plain fetches are as before; read back exactly.
 */
import type { RenderRequestLog, Store } from '../store/index.js';
import type { VersionEntry } from './format.js';

/** The extra fields of a version entry (none for a version fetched without a browser). */
export type RenderFields = Pick<VersionEntry, 'rendered' | 'screenshot'>;

/** Reads the rendered page and screenshot of a version for its export entry. */
export async function renderFields(store: Store, versionId: number): Promise<RenderFields> {
  const [page, shot] = await Promise.all([store.getRenderedPage(versionId), store.getScreenshot(versionId)]);
  const out: RenderFields = {};
  if (page) out.rendered = { html: page.html, renderer: page.renderer, renderedAt: page.renderedAt, requests: { ...page.requests } };
  if (shot) out.screenshot = { mime: shot.mime as 'image/jpeg' | 'image/png', width: shot.width, height: shot.height, capturedAt: shot.capturedAt, bytes: shot.bytes.toString('base64') };
  return out;
}

/** A request log as imported: the known fields, each of the right kind, or empty. */
function requestLog(v: Record<string, unknown>): RenderRequestLog {
  const list = (x: unknown): RenderRequestLog['blocked'] => (Array.isArray(x) ? x : [])
    .filter((e): e is { url: string; reason: string } => typeof e === 'object' && e !== null && typeof (e as { url?: unknown }).url === 'string' && typeof (e as { reason?: unknown }).reason === 'string')
    .map((e) => ({ url: e.url, reason: e.reason }));
  return {
    fetched: typeof v.fetched === 'number' ? v.fetched : 0, bytes: typeof v.bytes === 'number' ? v.bytes : 0,
    blocked: list(v.blocked), failed: list(v.failed),
  };
}

/** Inserts an imported article's rendered pages and screenshots, after its versions. */
export async function applyRenderFields(store: Store, articleId: number, versions: ReadonlyArray<Pick<VersionEntry, 'number' | 'rendered' | 'screenshot'>>): Promise<void> {
  if (!versions.some((v) => v.rendered !== undefined || v.screenshot !== undefined)) return;
  const ids = new Map((await store.listVersionSummaries(articleId)).map((v) => [v.number, v.id]));
  for (const v of versions) {
    const versionId = ids.get(v.number);
    if (versionId === undefined) continue;
    if (v.rendered) {
      const r = v.rendered;
      await store.insertRenderedPage({ versionId, html: r.html, renderer: r.renderer, renderedAt: r.renderedAt, requests: requestLog(r.requests) });
    }
    if (v.screenshot) {
      const s = v.screenshot;
      await store.insertScreenshot({ versionId, mime: s.mime, bytes: Buffer.from(s.bytes, 'base64'), width: s.width, height: s.height, capturedAt: s.capturedAt });
    }
  }
}
