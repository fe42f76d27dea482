/** Real Chromium and a real app on 127.0.0.1 for the browser tests. */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** True when the browser is installed (browser tests skip with one line otherwise). */
export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** Launches headless Chromium with the flags that keep it off the network and quiet on a shared machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Serves `app` on a free port of 127.0.0.1; returns the server and its base URL. */
export async function serveApp(app: express.Express): Promise<{ server: Server; base: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** An app served on loopback with Chromium launched for it. */
export interface BrowserApp {
  base: string;
  browser: Browser;
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 and launches Chromium, making sure `shots` (the screenshot folder) exists. */
export async function startBrowserApp(app: express.Express, shots: string): Promise<BrowserApp> {
  const { server, base } = await serveApp(app);
  const browser = await launchChromium();
  fs.mkdirSync(shots, { recursive: true });
  return {
    base,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
