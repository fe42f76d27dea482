/**
 * A fault-injecting origin server on 127.0.0.1 for fetcher, scheduler and pipeline tests. Start one per test file
 * with `const origin = await startFaultOrigin()` and `await origin.close()` in afterAll.
 *
 * Routes (GET; unknown paths answer 404):
 *   /page                         200 UTF-8 HTML article (ARTICLE_HTML), with Content-Type charset=utf-8
 *   /private/page                 the same page under a path that the default robots.txt forbids
 *   /hold?ms=200                  the page after `ms` (for concurrency tests: requests overlap while held)
 *   /slow-headers?ms=2000         headers only after `ms`
 *   /trickle?chunks=10&interval=100   headers at once, then the body in `chunks` pieces every `interval` ms
 *   /reset                        socket destroyed before any response byte
 *   /reset-mid                    headers (Content-Length 100000) and 1000 bytes, then the socket is destroyed
 *   /hang                         accepts the request and never answers (held until close())
 *   /status/<code>                any status with a small HTML body, e.g. /status/500, /status/404
 *   /429?retry-after=120          429 with Retry-After (given value verbatim; default 120 seconds)
 *   /503?retry-after=<value>      503 with Retry-After (default an HTTP-date 120 s ahead)
 *   /redirect/chain/<n>           302 -> /redirect/chain/<n-1> ... /redirect/chain/0 serves the page (n redirects)
 *   /redirect/loop/a, /loop/b     302 a -> b -> a ...;  /redirect/self: 302 to itself
 *   /redirect/to?location=<url>   302 to any URL (private-looking targets, other schemes, other hosts)
 *   /redirect/private             302 to http://10.0.0.1/internal
 *   /redirect/relative            301 to the relative reference "../page?via=relative"
 *   /big?mb=50                    `mb` MiB of HTML, chunked, no Content-Length, streamed with backpressure
 *   /big-declared?mb=50           the same with a Content-Length header
 *   /gzip-bomb                    1 GiB of zeros as gzip (~1 MiB on the wire; 64 gzip members of 16 MiB each,
 *                                 compressed once per process by prepareBombs()); Content-Type text/html
 *   /br-bomb                      256 MiB of zeros as brotli
 *   /gzip, /deflate, /deflate-raw, /br   ARTICLE_HTML with that Content-Encoding (deflate = zlib-wrapped)
 *   /corrupt-gzip                 Content-Encoding gzip, bytes that are not gzip
 *   /pdf, /png                    application/pdf and image/png (real magic bytes)
 *   /no-content-type              HTML markup without a Content-Type header
 *   /robots.txt                   robots.txt (default ROBOTS_TXT: disallows /private/, Crawl-delay 2); status,
 *                                 body and delay changeable with origin.setRobots()
 *   /etag                         ETag "v1" and Last-Modified LAST_MODIFIED; 304 to If-None-Match "v1" or to
 *                                 If-Modified-Since not earlier than LAST_MODIFIED
 *   /echo                         JSON {method, url, rawHeaders} of the request as received
 *   /charset/<enc>/<mode>         CHARSET_SAMPLES[enc] as real bytes in that encoding, where enc is
 *                                 windows-1252 | iso-8859-1 | shift_jis | gbk and mode is
 *                                   header      charset only in the Content-Type header
 *                                   meta        charset only in <meta charset>
 *                                   http-equiv  charset only in <meta http-equiv="Content-Type" content=...>
 *                                   conflict    header says the right charset, <meta> a wrong one (header wins)
 *                                 or enc is utf-8 | utf-16le | utf-16be with mode bom (BOM only) or
 *                                 bom-conflict (BOM plus a wrong header charset: the BOM wins);
 *                                 /charset/none/none: bytes of windows-1252 with no declaration at all.
 *
 * Counters in `origin.stats`: connections opened, open now and at most at once; requests received, in flight
 * now and at most at once (overall and per Host name); and a log of every request with its arrival time
 * (performance.now()) and the body bytes the route wrote, so tests can assert limits by counts.
 */
import http from 'node:http';
import type net from 'node:net';
import zlib from 'node:zlib';
import { ARTICLE_HTML, LAST_MODIFIED, PDF, PNG_1X1, ROBOTS_TXT, charsetResponse, prepareBombs } from './fault-origin-content.js';

export { ARTICLE_HTML, CHARSET_SAMPLES, LAST_MODIFIED, ROBOTS_TXT, prepareBombs } from './fault-origin-content.js';

/** One request seen by the origin. */
export interface RequestRecord {
  method: string;
  /** Path and query as requested. */
  url: string;
  /** Host header without the port, lower case. */
  host: string;
  rawHeaders: string[];
  /** performance.now() when the request arrived. */
  at: number;
  /** Body bytes the route wrote (counted by the routes that stream). */
  bytesSent: number;
}

/** Counters of an origin; `reset()` zeroes them (open connections stay counted). */
export interface FaultOriginStats {
  connections: number;
  openConnections: number;
  maxOpenConnections: number;
  requests: number;
  inFlight: number;
  maxInFlight: number;
  inFlightByHost: Record<string, number>;
  maxInFlightByHost: Record<string, number>;
  log: RequestRecord[];
  reset(): void;
}

/** A running origin. */
export interface FaultOrigin {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  port: number;
  /** baseUrl + path. */
  url(path: string): string;
  stats: FaultOriginStats;
  /** Changes what /robots.txt answers (status default 200, body default ROBOTS_TXT, delay default 0). */
  setRobots(r: { status?: number; body?: string; delayMs?: number }): void;
  /** Stops the server, destroying held and hanging connections. */
  close(): Promise<void>;
}

/** Starts an origin on 127.0.0.1 and an ephemeral port. */
export async function startFaultOrigin(): Promise<FaultOrigin> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let robots = { status: 200, body: ROBOTS_TXT, delayMs: 0 };
  const stats: FaultOriginStats = {
    connections: 0,
    openConnections: 0,
    maxOpenConnections: 0,
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    inFlightByHost: {},
    maxInFlightByHost: {},
    log: [],
    reset() {
      stats.connections = 0;
      stats.maxOpenConnections = stats.openConnections;
      stats.requests = 0;
      stats.maxInFlight = stats.inFlight;
      stats.maxInFlightByHost = { ...stats.inFlightByHost };
      stats.log = [];
    },
  };
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const record: RequestRecord = { method: req.method ?? '', url: req.url ?? '', host, rawHeaders: req.rawHeaders, at: performance.now(), bytesSent: 0 };
    stats.log.push(record);
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    stats.inFlightByHost[host] = (stats.inFlightByHost[host] ?? 0) + 1;
    stats.maxInFlightByHost[host] = Math.max(stats.maxInFlightByHost[host] ?? 0, stats.inFlightByHost[host] ?? 0);
    res.once('close', () => {
      stats.inFlight--;
      stats.inFlightByHost[host] = (stats.inFlightByHost[host] ?? 1) - 1;
    });
    route(req, res, record);
  });

  const send = (res: http.ServerResponse, status: number, type: string | null, body: Buffer | string, extra: Record<string, string> = {}): void => {
    const headers: Record<string, string> = { ...extra };
    if (type !== null) headers['Content-Type'] = type;
    headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(status, headers);
    res.end(body);
  };
  const page = (res: http.ServerResponse, extra: Record<string, string> = {}): void =>
    send(res, 200, 'text/html; charset=utf-8', ARTICLE_HTML, extra);

  /** Streams `total` bytes of filler HTML in 64 KiB chunks, honouring backpressure, counting what was written. */
  const stream = (res: http.ServerResponse, record: RequestRecord, total: number): void => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const head = Buffer.from('<!DOCTYPE html><html><body><p>');
    head.copy(chunk);
    let sent = 0;
    const pump = (): void => {
      while (sent < total && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        record.bytesSent = sent;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };

  function route(req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord): void {
    const url = new URL(req.url ?? '/', 'http://origin.invalid');
    const p = url.pathname;
    const q = (name: string, dflt: number): number => {
      const v = url.searchParams.get(name);
      return v === null ? dflt : Number(v);
    };
    let m: RegExpMatchArray | null;
    if (p === '/page' || p === '/private/page') return page(res);
    if (p === '/hold') return later(q('ms', 200), () => page(res));
    if (p === '/slow-headers') return later(q('ms', 2000), () => page(res));
    if (p === '/trickle') {
      const chunks = q('chunks', 10);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      let i = 0;
      const tick = (): void => {
        if (res.destroyed) return;
        if (i++ >= chunks) return void res.end('</p></body></html>');
        res.write(i === 1 ? '<!DOCTYPE html><html><body><p>' : 'more text ');
        later(q('interval', 100), tick);
      };
      return tick();
    }
    if (p === '/reset') return void req.socket.destroy();
    if (p === '/reset-mid') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': '100000' });
      res.write(Buffer.alloc(1000, 'x'), () => req.socket.destroy());
      return;
    }
    if (p === '/hang') return; // never answered; close() destroys the socket
    if ((m = p.match(/^\/status\/(\d{3})$/))) {
      const code = Number(m[1]);
      return send(res, code, 'text/html; charset=utf-8', `<html><body><h1>${code}</h1></body></html>`);
    }
    if (p === '/429') {
      return send(res, 429, 'text/plain', 'slow down', { 'Retry-After': url.searchParams.get('retry-after') ?? '120' });
    }
    if (p === '/503') {
      const ra = url.searchParams.get('retry-after') ?? new Date(Date.now() + 120_000).toUTCString();
      return send(res, 503, 'text/plain', 'maintenance', { 'Retry-After': ra });
    }
    const redirect = (status: number, location: string): void => send(res, status, 'text/html', `<a href="${location}">moved</a>`, { Location: location });
    if ((m = p.match(/^\/redirect\/chain\/(\d+)$/))) {
      const n = Number(m[1]);
      return n === 0 ? page(res) : redirect(302, `/redirect/chain/${n - 1}`);
    }
    if (p === '/redirect/loop/a') return redirect(302, '/redirect/loop/b');
    if (p === '/redirect/loop/b') return redirect(302, '/redirect/loop/a');
    if (p === '/redirect/self') return redirect(302, '/redirect/self');
    if (p === '/redirect/to') return redirect(302, url.searchParams.get('location') ?? '/page');
    if (p === '/redirect/private') return redirect(302, 'http://10.0.0.1/internal');
    if (p === '/redirect/relative') return redirect(301, '../page?via=relative');
    if (p === '/big' || p === '/big-declared') {
      const total = Math.round(q('mb', 50) * 1024 * 1024);
      const headers: Record<string, string> = { 'Content-Type': 'text/html' };
      if (p === '/big-declared') headers['Content-Length'] = String(total);
      res.writeHead(200, headers);
      return stream(res, record, total);
    }
    const encoded = (coding: string, body: Buffer): void => {
      record.bytesSent = body.length;
      send(res, 200, 'text/html; charset=utf-8', body, { 'Content-Encoding': coding });
    };
    if (p === '/gzip-bomb') return void prepareBombs().then((b) => encoded('gzip', b.gzip));
    if (p === '/br-bomb') return void prepareBombs().then((b) => encoded('br', b.br));
    if (p === '/gzip') return encoded('gzip', zlib.gzipSync(ARTICLE_HTML));
    if (p === '/deflate') return encoded('deflate', zlib.deflateSync(ARTICLE_HTML));
    if (p === '/deflate-raw') return encoded('deflate', zlib.deflateRawSync(ARTICLE_HTML));
    if (p === '/br') return encoded('br', zlib.brotliCompressSync(ARTICLE_HTML));
    if (p === '/corrupt-gzip') return encoded('gzip', Buffer.from('this is not gzip at all, just text'));
    if (p === '/pdf') return send(res, 200, 'application/pdf', PDF);
    if (p === '/png') return send(res, 200, 'image/png', PNG_1X1);
    if (p === '/no-content-type') return send(res, 200, null, ARTICLE_HTML);
    if (p === '/robots.txt') {
      const r = robots;
      return later(r.delayMs, () => send(res, r.status, 'text/plain', r.body));
    }
    if (p === '/etag') {
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const validators = { ETag: '"v1"', 'Last-Modified': LAST_MODIFIED };
      const notModified =
        inm !== undefined ? inm.split(',').some((t) => t.trim() === '"v1"' || t.trim() === '*') : ims !== undefined && Date.parse(ims) >= Date.parse(LAST_MODIFIED);
      if (notModified) {
        res.writeHead(304, validators);
        return void res.end();
      }
      return page(res, validators);
    }
    if (p === '/echo') return send(res, 200, 'application/json', JSON.stringify({ method: req.method, url: req.url, rawHeaders: req.rawHeaders }));
    if ((m = p.match(/^\/charset\/([^/]+)\/([^/]+)$/))) {
      const c = charsetResponse(m[1] ?? '', m[2] ?? '');
      if (c) return send(res, 200, c.contentType, c.body);
    }
    send(res, 404, 'text/html', '<html><body>not found</body></html>');
  }

  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    stats.connections++;
    stats.openConnections++;
    stats.maxOpenConnections = Math.max(stats.maxOpenConnections, stats.openConnections);
    socket.once('close', () => {
      sockets.delete(socket);
      stats.openConnections--;
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    port,
    url: (path: string) => `${baseUrl}${path}`,
    stats,
    setRobots(r) {
      robots = { status: r.status ?? 200, body: r.body ?? ROBOTS_TXT, delayMs: r.delayMs ?? 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
