/**
 * A small origin on 127.0.0.1 serving feeds, sitemaps and pages for source-polling tests. Each route has a body and
 * optional validators; a conditional request matching them is answered 304. Every request is logged with its
 * headers and the status it got, so tests can assert what the poller sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One route of the origin. */
export interface OriginRoute {
  body: string | Buffer;
  contentType: string;
  status?: number;
  etag?: string;
  lastModified?: string;
}

/** One request the origin received. */
export interface OriginRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  status: number;
}

/** A running origin. */
export interface FeedOrigin {
  baseUrl: string;
  /** Absolute URL of `path` on the origin. */
  url(path: string): string;
  routes: Map<string, OriginRoute>;
  requests: OriginRequest[];
  /** Requests for `path`, in order. */
  requestsFor(path: string): OriginRequest[];
  close(): Promise<void>;
}

/** Starts the origin at a free port; unknown paths answer 404. */
export async function startFeedOrigin(): Promise<FeedOrigin> {
  const routes = new Map<string, OriginRoute>();
  const requests: OriginRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const route = routes.get(path);
    const log = (status: number): void => void requests.push({ path, headers: req.headers, status });
    if (!route) {
      log(404);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const fresh = (route.etag !== undefined && inm === route.etag) || (route.lastModified !== undefined && ims === route.lastModified);
    const headers: Record<string, string> = {};
    if (route.etag) headers.ETag = route.etag;
    if (route.lastModified) headers['Last-Modified'] = route.lastModified;
    if (fresh) {
      log(304);
      res.writeHead(304, headers).end();
      return;
    }
    const status = route.status ?? 200;
    log(status);
    res.writeHead(status, { ...headers, 'Content-Type': route.contentType }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    url: (p) => `${baseUrl}${p}`,
    routes,
    requests,
    requestsFor: (p) => requests.filter((r) => r.path === p),
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
