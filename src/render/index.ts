/**
 * Rendering article pages in a real browser (Chromium driven by playwright-core) before extraction, for pages whose
 * text is written by JavaScript, with screenshots of new versions; off by default (config `render`, source `render`).
 */
export { createRenderer, RenderError, type Renderer, type RenderedPage, type RendererOptions, type Screenshot } from './render.js';
export { BrowserPool, BrowserUnavailableError, BROWSER_ARGS, installHint, type BrowserPoolOptions, type PageLease } from './pool.js';
export { assertRenderReady, renderingWantedBy } from './startup.js';
