/**
 * Loaded before every test file: any socket connection to a non-loopback address, and any DNS lookup of a
 * name other than localhost, is refused and fails the test that caused it (tests must never reach the internet).
 */
import net from 'node:net';
import dns from 'node:dns';
import { afterEach } from '@jest/globals';

const FLAG = Symbol.for('palimpsest.noInternet');
type Guarded = { [FLAG]?: string[] };
const proc = process as unknown as Guarded;

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '::ffff:127.0.0.1';
}

if (!proc[FLAG]) {
  const violations: string[] = [];
  proc[FLAG] = violations;
  const realConnect = net.Socket.prototype.connect;
  // The overloads of connect() cannot be expressed without a rest parameter of unknown shape.
  net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    let host: string | undefined;
    if (Array.isArray(first)) {
      const opts = first[0] as { host?: string; path?: string } | undefined;
      host = opts?.path ? undefined : (opts?.host ?? 'localhost');
    } else if (typeof first === 'object' && first !== null) {
      const opts = first as { host?: string; path?: string };
      host = opts.path ? undefined : (opts.host ?? 'localhost');
    } else if (typeof first === 'number') {
      host = typeof args[1] === 'string' ? args[1] : 'localhost';
    }
    if (host !== undefined && !isLoopback(host)) {
      violations.push(`connect to ${host}`);
      throw new Error(`test guard: refused a connection to non-loopback host ${host}`);
    }
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  const realLookup = dns.lookup;
  const guardedLookup = function (hostname: string, ...rest: unknown[]) {
    if (!isLoopback(hostname) && net.isIP(hostname) === 0) {
      violations.push(`DNS lookup of ${hostname}`);
      const cb = rest[rest.length - 1] as (err: Error) => void;
      const err = Object.assign(new Error(`test guard: refused DNS lookup of ${hostname}`), { code: 'ENOTFOUND' });
      process.nextTick(() => cb(err));
      return;
    }
    return (realLookup as (...a: unknown[]) => void)(hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = guardedLookup;
}

afterEach(() => {
  const v = proc[FLAG];
  if (v && v.length > 0) {
    const list = v.splice(0).join(', ');
    throw new Error(`a test tried to reach the network outside loopback: ${list}`);
  }
});
