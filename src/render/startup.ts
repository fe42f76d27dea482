/**
 * The start-up check of processes that check articles (`serve`, `worker`, `check`): when the configuration or any
 * source asks for rendering in a browser, the browser must be there, or the process refuses to start with a
 * message saying how to install it (rather than failing every check of those articles later).
 */
import fs from 'node:fs';
import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import { BrowserUnavailableError, installHint } from './pool.js';

/** Who asks for rendering: "render.default" and/or the slugs of sources with `render: browser` (empty: nobody). */
export async function renderingWantedBy(store: Store, config: Config): Promise<string[]> {
  const who: string[] = [];
  if (config.render.default === 'browser') who.push('render.default: browser');
  for (const s of await store.listSources()) {
    const render = typeof s.config === 'object' && s.config !== null ? (s.config as { render?: unknown }).render : undefined;
    if (render === 'browser') who.push(`source ${s.slug}`);
  }
  return who;
}

/** Throws BrowserUnavailableError (saying how to install Chromium) when rendering is asked for and the browser is missing. */
export async function assertRenderReady(store: Store, config: Config): Promise<void> {
  const who = await renderingWantedBy(store, config);
  if (who.length === 0) return;
  const path = config.render.executablePath;
  let ok = false;
  try {
    ok = fs.statSync(path).isFile();
    if (ok) fs.accessSync(path, fs.constants.X_OK);
  } catch {
    ok = false;
  }
  if (!ok) {
    const named = who.length > 3 ? `${who.slice(0, 3).join(', ')} and ${who.length - 3} more` : who.join(', ');
    throw new BrowserUnavailableError(`rendering in a browser is asked for (${named}) but ${path} is not an executable browser: ${installHint()}`);
  }
}
