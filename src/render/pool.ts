/**
 * A small pool of browser contexts in one Chromium process, driven by playwright-core: at most `size` pages render
 * at once (the others wait their turn), each in a fresh context (no cookies, storage or cache shared between
 * pages), and a browser that crashed or was killed is launched again for the next page.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** Options of a BrowserPool. */
export interface BrowserPoolOptions {
  executablePath: string;
  /** Pages rendered at once. */
  size: number;
  /** Longest wait for the browser to start, in ms. */
  launchTimeoutMs?: number;
}

/** A page lent by the pool; release it (always) when done with it. */
export interface PageLease {
  page: Page;
  context: BrowserContext;
  /** The browser's name and version, e.g. "Chromium 150.0.7871.100". */
  renderer: string;
  /** Closes the page's context and lets the next page in. Safe to call twice. */
  release(): Promise<void>;
}

/**
 * Flags that keep the browser off the network on its own: every request a page makes is answered by the
 * renderer (page.route) through Palimpsest's fetcher, so the browser itself never needs to resolve a name. Mapping
 * every host to "not found" makes whatever could slip past the route (prefetches, WebRTC, stray connections) fail.
 */
export const BROWSER_ARGS = [
  '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic', '--disable-default-apps', '--disable-extensions', '--mute-audio', '--no-pings',
  '--host-resolver-rules=MAP * ~NOTFOUND', '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

/** Thrown when the browser cannot be started or is missing; the message says how to install it. */
export class BrowserUnavailableError extends Error {
  constructor(message: string) {
    super(`render: ${message}`);
    this.name = 'BrowserUnavailableError';
  }
}

/** How to get a browser, for messages. */
export function installHint(): string {
  return 'install Chromium (Debian/Ubuntu: apt-get install chromium) or set render.executablePath (PALIMPSEST_CHROMIUM) to a Chromium or Chrome executable';
}

/** The pool (see the module comment). */
export class BrowserPool {
  private browser: Promise<Browser> | null = null;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;
  /** How many times a browser was launched (1 after the first page; more after crashes). */
  launches = 0;

  constructor(private readonly opts: BrowserPoolOptions) {}

  /** Lends a page in a fresh context with `contextOptions`, waiting for a free place in the pool. */
  async acquire(contextOptions: BrowserContextOptions): Promise<PageLease> {
    if (this.closed) throw new Error('render: the browser pool is closed');
    await this.slot();
    let released = false;
    let context: BrowserContext | undefined;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      try {
        await context?.close();
      } catch {
        // The browser is gone already (crashed or killed): nothing left to close.
      }
      // The place goes straight to the next waiter, if any, so `active` stays counted for it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
    try {
      const browser = await this.connected();
      context = await browser.newContext(contextOptions);
      const page = await context.newPage();
      return { page, context, renderer: `Chromium ${browser.version()}`, release };
    } catch (err) {
      await release();
      throw err;
    }
  }

  /** Closes the browser; pages still rendering fail. */
  async close(): Promise<void> {
    this.closed = true;
    const b = this.browser;
    this.browser = null;
    if (b) await b.then((x) => x.close()).catch(() => undefined);
  }

  private async slot(): Promise<void> {
    if (this.active < this.opts.size) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** The running browser, launched (again) when there is none or the last one died. */
  private async connected(): Promise<Browser> {
    if (this.browser) {
      const b = await this.browser.catch(() => null);
      if (b?.isConnected()) return b;
      this.browser = null;
    }
    if (!fs.existsSync(this.opts.executablePath)) throw new BrowserUnavailableError(`no browser at ${this.opts.executablePath}: ${installHint()}`);
    // playwright-core is loaded on the first launch, not with this module: it takes longer to load than the rest of
    // the CLI together, and most commands (and servers without rendering) never start a browser.
    const launching = import('playwright-core').then(({ chromium }) => chromium.launch({
      executablePath: this.opts.executablePath,
      // The sandbox needs user namespaces that root (containers) cannot use; elsewhere it stays on.
      args: [...BROWSER_ARGS, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      timeout: this.opts.launchTimeoutMs ?? 30_000,
    })).then((b) => {
      this.launches += 1;
      b.on('disconnected', () => {
        if (this.browser === launching) this.browser = null;
      });
      return b;
    }, (err: unknown) => {
      throw new BrowserUnavailableError(`cannot start ${this.opts.executablePath}: ${(err as Error).message.split('\n')[0]}`);
    });
    this.browser = launching;
    launching.catch(() => {
      if (this.browser === launching) this.browser = null;
    });
    return launching;
  }
}
