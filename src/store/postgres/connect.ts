/**
 * Reading a PostgreSQL URL and turning connection failures into messages that say what to fix. Passwords never
 * appear in messages: the URL is shown without its password.
 */
import pg from 'pg';
import { typeParsers } from './db.js';

/** Connections in the pool unless the URL says `?max=N`. */
const DEFAULT_POOL_SIZE = 10;
/** How long opening a connection may take before it counts as a failure. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A parsed PostgreSQL URL: what pg needs, and what messages may show. */
export interface PgTarget {
  /** The URL as pg reads it (Palimpsest's own parameters removed). */
  connectionString: string;
  /** The URL without its password, for messages. */
  location: string;
  /** host:port (or the socket folder) for messages. */
  server: string;
  database: string;
  user: string;
  poolSize: number;
}

/**
 * The URL with everything between `user:` and the last `@` replaced, for a message about a URL too broken to
 * parse: a password may hold unescaped `@` or `/` there, so this errs on the side of hiding too much.
 */
function redact(url: string): string {
  return url.replace(/(\/\/[^/@:]*:).*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
}

/** Parses a postgres:// URL; throws a message naming what is wrong (never the password). */
export function parseTarget(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`store: invalid PostgreSQL URL ${redact(url)}: expected postgres://user:password@host:port/database`);
  }
  if (!/^postgres(ql)?:$/i.test(u.protocol)) {
    throw new Error(`store: invalid PostgreSQL URL ${redact(url)}: it must start with postgres:// or postgresql://`);
  }
  let poolSize = DEFAULT_POOL_SIZE;
  const max = u.searchParams.get('max');
  if (max !== null) {
    poolSize = Number(max);
    if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
      throw new Error(`store: invalid PostgreSQL URL ${redact(url)}: max must be a whole number of connections from 1 to 1000`);
    }
    u.searchParams.delete('max');
  }
  const connectionString = u.toString();
  const shown = new URL(connectionString);
  shown.password = '';
  shown.searchParams.delete('password');
  const socket = u.searchParams.get('host');
  const user = decodeURIComponent(u.username) || process.env.PGUSER || process.env.USER || 'postgres';
  return {
    connectionString,
    location: shown.toString(),
    server: socket ?? `${u.hostname || 'localhost'}:${u.port || '5432'}`,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || user,
    user,
    poolSize,
  };
}

/** The pg settings of every connection Palimpsest opens to `t` (pool or lock), named in pg_stat_activity. */
export function clientConfig(t: PgTarget, applicationName = 'palimpsest'): pg.ClientConfig {
  return {
    connectionString: t.connectionString,
    application_name: applicationName,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: typeParsers(),
  };
}

/** A pool of connections to `t`. An idle connection the server drops must not crash the process. */
export function createPool(t: PgTarget, readonly = false): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(t),
    max: t.poolSize,
    idleTimeoutMillis: 30_000,
    // Idle connections do not keep a finished command alive (SQLite's connection never holds the event loop).
    allowExitOnIdle: true,
    ...(readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client's error (server restart, network cut) is reported here; the pool drops that client and the
  // next query opens a new connection, so there is nothing to do.
  pool.on('error', () => undefined);
  return pool;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string') return e.code;
  // Node reports every address it tried (IPv6 and IPv4 for "localhost") in an AggregateError.
  return Array.isArray(e.errors) ? errorCode(e.errors[0]) : undefined;
}

/** A connection failure as a message saying what to fix. */
export function describeConnectError(err: unknown, t: PgTarget): Error {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const at = `store: cannot connect to PostgreSQL at ${t.server}`;
  let text: string;
  switch (code) {
    case 'ECONNREFUSED':
      text = `${at}: connection refused — is the server running, and on this host and port?`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      text = `${at}: the host name does not resolve — check the host in the URL`;
      break;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      text = `${at}: the server does not answer (${code}) — check the host, the port and the firewall`;
      break;
    case '28P01':
    case '28000':
      text = `${at}: the server refused user "${t.user}" (${message}) — check the user name and password in the URL`;
      break;
    case '3D000':
      text = `${at}: there is no database "${t.database}" — create it (createdb ${t.database}) or fix the database name in the URL`;
      break;
    case '53300':
      text = `${at}: the server has no connection slot left — raise max_connections or lower ?max= in the URL`;
      break;
    case '57P03':
      text = `${at}: the server is starting up or shutting down — try again shortly`;
      break;
    default:
      if (/timeout/i.test(message)) text = `${at}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s — check the host, the port and the firewall`;
      else if (/SASL|password must be a string/i.test(message)) text = `${at}: the server asks for a password and the URL has none — add it (postgres://user:password@host/database)`;
      else text = `${at}: ${message}`;
  }
  return new Error(text, { cause: err });
}
