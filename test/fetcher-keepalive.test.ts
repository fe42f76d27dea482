/**
 * Keep-alive connections of the fetcher: reused from one request to the next, kept apart per host name, never more
 * per host than the pool allows, and a request that went out on a connection the server had just closed is sent
 * again on a fresh one instead of failing (whichever way the connection was handed over), while a request the
 * server may have begun to answer is never sent twice.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createConnectionPool, fetchPage, HostLimiter, type FetchOptions, type ResolvedAddress } from '../src/fetcher/index.js';
import { startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';

let origin: FaultOrigin;
beforeAll(async () => {
  origin = await startFaultOrigin();
});
afterAll(async () => {
  await origin.close();
});

/** Resets the origin's counters once the connections of earlier tests are gone (they count as open until then). */
async function resetWhenIdle(): Promise<void> {
  for (let i = 0; i < 200 && origin.stats.openConnections > 0; i++) await new Promise((r) => setTimeout(r, 10));
  origin.stats.reset();
}

const loopback = async (): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }];
const local: FetchOptions = { allowPrivate: true, connectTimeoutMs: 1000, totalTimeoutMs: 3000, lookup: loopback };

describe('keep-alive connections', () => {
  it('reuses one connection for successive requests to a host and says keep-alive on the wire', async () => {
    origin.stats.reset();
    const before = origin.stats.connections;
    const pool = createConnectionPool({ maxSocketsPerHost: 2 });
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await fetchPage(origin.url(`/page?n=${i}`), { ...local, pool }));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(origin.stats.connections - before).toBe(1);
      expect(results[0]?.requestHeaders).toContainEqual(['Connection', 'keep-alive']);
    } finally {
      pool.destroy();
    }
  });

  it('without a pool, opens a connection per request and asks the server to close it', async () => {
    origin.stats.reset();
    const r1 = await fetchPage(origin.url('/page?a=1'), local);
    await fetchPage(origin.url('/page?a=2'), local);
    expect(origin.stats.connections).toBe(2);
    expect(r1.requestHeaders).toContainEqual(['Connection', 'close']);
  });

  it('keeps two host names on one address on connections of their own', async () => {
    origin.stats.reset();
    const pool = createConnectionPool({ maxSocketsPerHost: 1 });
    try {
      for (const host of ['one.test', 'two.test', 'one.test', 'two.test']) {
        const r = await fetchPage(`http://${host}:${origin.port}/page`, { ...local, pool });
        expect(r.status).toBe(200);
      }
      expect(origin.stats.connections).toBe(2);
    } finally {
      pool.destroy();
    }
  });

  it('never has more connections open to a host than the pool allows, busy and idle together', async () => {
    await resetWhenIdle();
    expect(origin.stats.openConnections).toBe(0);
    const pool = createConnectionPool({ maxSocketsPerHost: 2 });
    const limiter = new HostLimiter({ perHostConcurrency: 2, perHostDelayMs: 0, globalConcurrency: 16 });
    try {
      const urls = Array.from({ length: 20 }, (_, i) => origin.url(`/hold?ms=20&k=${i}`));
      const results = await Promise.all(urls.map((u) => limiter.schedule(u, () => fetchPage(u, { ...local, pool }))));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(origin.stats.maxOpenConnections).toBeLessThanOrEqual(2);
      expect(origin.stats.connections).toBeLessThanOrEqual(2);
    } finally {
      pool.destroy();
    }
  });
});

/**
 * A raw HTTP/1.1 server that answers the first request of each connection with keep-alive and then closes the
 * connection as the next request arrives, without answering it: what a server does when its idle timeout ends just
 * as a client reuses the connection.
 */
async function startClosingServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    let answered = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        if (answered++ === 0) {
          const body = '<html><head><title>Kept</title></head><body><p>Hello.</p></body></html>';
          socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
        } else {
          socket.destroy();
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a pooled connection the server has closed', () => {
  it('is replaced by a fresh connection and the request succeeds', async () => {
    const server = await startClosingServer();
    const pool = createConnectionPool({ maxSocketsPerHost: 2 });
    try {
      const url = `http://127.0.0.1:${server.port}/story`;
      const first = await fetchPage(url, { ...local, pool });
      const second = await fetchPage(url, { ...local, pool });
      const third = await fetchPage(url, { ...local, pool });
      expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
      expect(second.text).toContain('Hello.');
      // Each reuse found the connection closed: one new connection per request after the first.
      expect(server.connections()).toBe(3);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('still fails clearly when the fresh connection fails too', async () => {
    const server = await startClosingServer();
    const pool = createConnectionPool({ maxSocketsPerHost: 1 });
    try {
      const url = `http://127.0.0.1:${server.port}/story`;
      await fetchPage(url, { ...local, pool });
      await server.close();
      await expect(fetchPage(url, { ...local, pool })).rejects.toMatchObject({ code: 'connection' });
    } finally {
      pool.destroy();
    }
  });
});

/**
 * A raw HTTP/1.1 server that closes every connection right after its response, without a `Connection: close`
 * header (so the client keeps the connection for reuse). With `partialOnReuse` it keeps the connection open after
 * the first response instead, and answers a second request on it with the start of a status line only, then closes
 * the connection: that request may have been processed.
 */
async function startUnannouncedCloser(partialOnReuse = false): Promise<{
  port: number; connections: () => number; requests: () => string[]; answered: () => number; close: () => Promise<void>;
}> {
  let connections = 0;
  let answered = 0;
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    let onThisConnection = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        const head = buffered.slice(0, buffered.indexOf('\r\n\r\n'));
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        requests.push(head.split(' ')[1] ?? '');
        if (onThisConnection++ > 0) {
          if (partialOnReuse) socket.end('HTTP/1.1 200 OK\r\nContent-');
          return;
        }
        const body = '<html><head><title>Once</title></head><body><p>One answer per connection.</p></body></html>';
        answered++;
        const response = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
        if (partialOnReuse) socket.write(response);
        else socket.end(response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    requests: () => requests,
    answered: () => answered,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a server that closes every connection after its response without saying so', () => {
  it('costs no failed fetch, sequential or concurrent under the host limits', async () => {
    const server = await startUnannouncedCloser();
    const pool = createConnectionPool({ maxSocketsPerHost: 2 });
    const limiter = new HostLimiter({ perHostConcurrency: 2, perHostDelayMs: 0 });
    const failures: string[] = [];
    const fetchOne = async (path: string): Promise<void> => {
      try {
        const r = await fetchPage(`http://127.0.0.1:${server.port}${path}`, { ...local, pool });
        if (r.status !== 200 || !r.text.includes('One answer')) failures.push(`${path}: ${r.status}`);
      } catch (err) {
        failures.push(`${path}: ${(err as Error).message}`);
      }
    };
    try {
      await Promise.all(Array.from({ length: 60 }, (_, i) => limiter.schedule('127.0.0.1', () => fetchOne(`/c${i}`))));
      for (let i = 0; i < 30; i++) await fetchOne(`/s${i}`);
      expect(failures).toEqual([]);
      // Every page was answered exactly once: a retry only ever went where no answer had started.
      expect(server.answered()).toBe(90);
      expect(server.connections()).toBe(90);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  it('never sends again a request the server began to answer', async () => {
    const server = await startUnannouncedCloser(true);
    const pool = createConnectionPool({ maxSocketsPerHost: 1 });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      expect((await fetchPage(`${url}/first`, { ...local, pool })).status).toBe(200);
      // The second request goes out on the kept connection and gets half a status line: it fails, and is not resent.
      await expect(fetchPage(`${url}/second`, { ...local, pool })).rejects.toMatchObject({ code: 'connection' });
      expect(server.requests().filter((r) => r === '/second')).toHaveLength(1);
    } finally {
      pool.destroy();
      await server.close();
    }
  });
});
