/**
 * A news origin spread over several loopback addresses (127.0.0.1, 127.0.0.2, ...: each a host of its own for
 * politeness), serving generated article pages, and logging every request with its start and end time so that a
 * test can check what a fleet of workers did to each host: duplicates, requests open at once, gaps between starts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderNewsPage, type OriginVersion } from './news-origin.js';

/** One request as the origin saw it. */
export interface LoggedRequest {
  host: string;
  path: string;
  start: number;
  end: number;
}

/** A running multi-host origin. */
export interface FleetOrigin {
  /** Article URLs, in order. */
  urls: string[];
  /** Every request, in order of arrival (end is set when the response finished). */
  log: LoggedRequest[];
  /** Publishes a new revision of article `i` (its text gains a paragraph naming the revision). */
  edit(i: number): void;
  /** The revision live for article `i` (0 = the first). */
  revision(i: number): number;
  close(): Promise<void>;
}

const VOCAB = ('council budget river school harbour station minister library hospital museum market bridge festival ' +
  'railway election vaccine drought theatre airport stadium factory village highway mayor teacher farmer nurse driver ' +
  'reporter scientist senator protest report inquiry contract ruling verdict tribunal pension housing energy climate ' +
  'storm flood harvest strike union merger profit deficit tariff treaty border refugee ceasefire summit').split(' ');

function sentence(seed: number, n: number): string {
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(VOCAB[(seed * 31 + k * 17 + ((seed >> 3) ^ k) * 7) % VOCAB.length] as string);
  const s = words.join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

function articleVersion(i: number, revision: number): OriginVersion {
  const paragraphs: string[] = [];
  for (let p = 0; p < 6; p++) paragraphs.push(`${sentence(i * 13 + p, 14)} ${sentence(i * 29 + p * 3, 12)} The ${VOCAB[(i + p) % VOCAB.length]} story number ${i} continues in part ${p + 1}.`);
  for (let r = 1; r <= revision; r++) paragraphs.push(`Update ${r}: ${sentence(i * 101 + r, 16)} This paragraph was added in revision ${r} of story ${i}.`);
  return { title: `Story ${i}: the ${VOCAB[i % VOCAB.length]} and the ${VOCAB[(i * 7) % VOCAB.length]}`, byline: `Reporter ${i % 17}`, paragraphs };
}

/**
 * Starts `hosts` servers on 127.0.0.1.. 127.0.0.N (one port for all), serving `perHost` articles each, each page
 * after `responseMs`. Article URLs are listed host by host in turn (a.1, b.1, c.1, ..., a.2, ...), as a tracker
 * following many sites meets them.
 */
export async function startFleetOrigin(hosts: number, perHost: number, responseMs = 150): Promise<FleetOrigin> {
  const revisions: number[] = [];
  const urls: string[] = [];
  const log: LoggedRequest[] = [];
  let requestNo = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const host = req.socket.localAddress ?? '?';
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: LoggedRequest = { host, path, start: Date.now(), end: 0 };
    log.push(entry);
    res.on('close', () => { entry.end = Date.now(); });
    const m = /^\/story\/(\d+)$/.exec(path);
    const i = m ? Number(m[1]) : -1;
    if (i < 0 || i >= revisions.length) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    requestNo++;
    // Server time longer than the per-host delay, so that requests to one host overlap as on a real site and the
    // per-host limit is what holds them back.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(renderNewsPage(articleVersion(i, revisions[i] ?? 0), urls[i] ?? '', requestNo));
    }, responseMs);
  };
  const servers: http.Server[] = [];
  let port = 0;
  for (let h = 1; h <= hosts; h++) {
    const server = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, `127.0.0.${h}`, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  for (let k = 0; k < perHost; k++) {
    for (let h = 1; h <= hosts; h++) {
      const i = urls.length;
      revisions.push(0);
      urls.push(`http://127.0.0.${h}:${port}/story/${i}`);
    }
  }
  return {
    urls,
    log,
    edit: (i) => { revisions[i] = (revisions[i] ?? 0) + 1; },
    revision: (i) => revisions[i] ?? 0,
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
    },
  };
}
