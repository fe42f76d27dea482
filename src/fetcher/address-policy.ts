/**
 * Decides which IP addresses the fetcher may connect to, and resolves host names through that policy, so a
 * watched URL (or any redirect hop) can never reach the machine itself or the operator's internal network.
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { FetchError, type LookupFunction, type ResolvedAddress } from './types.js';

/**
 * True when `ip` is an ordinary public unicast address. Everything else is refused: loopback, RFC 1918 private,
 * link-local, unique-local, CGNAT, multicast, unspecified, broadcast, documentation/reserved ranges. IPv6 forms
 * that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the embedded address,
 * because connecting to them reaches that IPv4 host. Unparseable input is not public.
 */
export function isPublicAddress(ip: string): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
  if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
  const v6 = addr as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded !== null) return isPublicAddress(embedded);
  return v6.range() === 'unicast';
}

/** The IPv4 address carried inside an IPv6 address, or null when it carries none. */
function embeddedIPv4(v6: ipaddr.IPv6): string | null {
  const p = v6.parts;
  const word = (i: number): number => p[i] ?? 0;
  const fromWords = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const range = v6.range();
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (RFC 6145), 64:ff9b::a.b.c.d (NAT64): the last 32 bits.
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return fromWords(word(6), word(7));
  // 6to4 2002:AABB:CCDD::/48 routes to AA.BB.CC.DD.
  if (range === '6to4') return fromWords(word(1), word(2));
  // Deprecated IPv4-compatible ::a.b.c.d; also catches :: and ::1 (0.0.0.0/8 is not public).
  if (p.slice(0, 6).every((w) => w === 0)) return fromWords(word(6), word(7));
  return null;
}

/** The system resolver, looked up at call time so a replaced `dns.lookup` (e.g. the test network guard) is honoured. */
export const systemLookup: LookupFunction = (hostname) =>
  new Promise((resolve, reject) => {
    dns.lookup(hostname, { all: true }, (err, addresses) => {
      if (err) reject(err);
      else resolve(addresses);
    });
  });

/** A URL's host name without the brackets of an IPv6 literal. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Resolves the host of `url` (or takes its IP literal) and, unless `allowPrivate` is true or a set holding this
 * host name (lower case), refuses with `private_address`
 * when ANY address is not public: one bad record is enough for an attacker who controls the DNS answer. The
 * caller connects to the returned addresses themselves, never re-resolving the name, so a second DNS answer
 * (rebinding) cannot slip a private address in after the check.
 */
export async function resolveAllowed(url: URL, lookup: LookupFunction, allowPrivate: boolean | ReadonlySet<string>): Promise<ResolvedAddress[]> {
  const host = bareHostname(url);
  const exempt = allowPrivate === true || (allowPrivate !== false && allowPrivate.has(host.toLowerCase()));
  const family = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await lookup(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new FetchError('dns', `cannot resolve ${host} (${code})`, url.href);
    }
    if (addresses.length === 0) throw new FetchError('dns', `no address for ${host}`, url.href);
  }
  if (!exempt) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) {
      throw new FetchError('private_address', `refusing ${host}: it resolves to non-public address ${bad.address}`, url.href);
    }
  }
  return addresses;
}
