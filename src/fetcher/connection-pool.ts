/**
 * Persistent (keep-alive) connections for a process that fetches many pages from the same hosts: the scheduler and
 * `palimpsest check`. Reusing a connection spares the publisher a TCP (and TLS) handshake per page and makes
 * unchanged checks and 304s cheap on both sides. Connections are pooled per host name and checked address, never
 * shared between two host names that resolve to the same address, and a host never has more connections open,
 * busy or idle, than `maxSocketsPerHost`, so the per-host limit of the politeness rules holds for the sockets too.
 */
import http from 'node:http';
import https from 'node:https';

/** Options of createConnectionPool. */
export interface ConnectionPoolOptions {
  /** Connections open at once to one host, busy and idle together (the per-host request limit). */
  maxSocketsPerHost: number;
  /**
   * An idle connection is closed after this many ms (default 4 s: below the 5 s idle timeout of Node, Apache and
   * many load balancers, so we close first and seldom send a request on a connection the server is closing).
   */
  idleTimeoutMs?: number;
}

/** Request options that carry the host name the connection is pooled under. */
export interface PooledRequestOptions {
  /** The URL's host (name and port), part of the pool key beside the address that was connected to. */
  poolHost?: string;
}

/** The agents of a pool, one per scheme; `destroy()` closes every connection. */
export interface ConnectionPool {
  readonly http: http.Agent;
  readonly https: https.Agent;
  /** Closes every pooled connection (idle and busy); requests in flight fail. */
  destroy(): void;
}

/** Pool key: what Node keys by (address, port, family, TLS options) plus the host name asked for. */
function withHost(name: string, options: object): string {
  return `${name}|${(options as PooledRequestOptions).poolHost ?? ''}`;
}

class HostHttpAgent extends http.Agent {
  override getName(options?: http.ClientRequestArgs): string {
    return withHost(super.getName(options), options ?? {});
  }
}

class HostHttpsAgent extends https.Agent {
  override getName(options?: https.RequestOptions): string {
    return withHost(super.getName(options), options ?? {});
  }
}

/** Creates a keep-alive connection pool. */
export function createConnectionPool(opts: ConnectionPoolOptions): ConnectionPool {
  const common = { keepAlive: true, maxSockets: opts.maxSocketsPerHost, timeout: opts.idleTimeoutMs ?? 4000, scheduling: 'lifo' as const };
  const httpAgent = new HostHttpAgent(common);
  const httpsAgent = new HostHttpsAgent(common);
  return {
    http: httpAgent,
    https: httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
