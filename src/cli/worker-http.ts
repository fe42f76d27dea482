/**
 * The small HTTP server of `palimpsest worker --port N`: /healthz (JSON: is the database answering, are the rounds
 * running) and /metrics (Prometheus). Workers serve no pages: that is the web processes' role.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import type { WorkerStatus } from '../scheduler/worker.js';

/** Options of startWorkerHttp. */
export interface WorkerHttpOptions {
  host: string;
  port: number;
  registry: Registry;
  store: Store;
  status: () => WorkerStatus;
}

/** How long /healthz waits for the database before calling it down. */
const PING_TIMEOUT_MS = 2000;

async function ping(store: Store): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.ping(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS); }),
    ]);
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the server; resolves with it and the URL it listens on. */
export async function startWorkerHttp(o: WorkerHttpOptions): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ error: { status: 405, message: 'only GET' } }));
      } else if (path === '/healthz') {
        const dbError = await ping(o.store);
        const s = o.status();
        const ok = dbError === null && s.consecutiveFailures === 0;
        const body = {
          status: ok ? 'ok' : 'error', role: 'worker', database: dbError === null ? 'ok' : `error: ${dbError}`, backend: o.store.backend, ...s,
        };
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      } else if (path === '/metrics') {
        const text = await o.registry.metrics();
        res.writeHead(200, { 'content-type': o.registry.contentType, 'cache-control': 'no-store' }).end(text);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { status: 404, message: 'a worker serves /healthz and /metrics only' } }));
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { status: 500, message: `worker: ${(err as Error).message}` } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`worker: cannot listen on ${o.host}:${o.port}: ${err.message}`)));
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { server, url: `http://${host}:${addr.port}` };
}
