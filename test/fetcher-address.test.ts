/** The fetcher's refusal of non-public destinations: literal IPs, resolved names and every redirect hop. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { fetchPage, isPublicAddress, FetchError, type FetchOptions, type ResolvedAddress } from '../src/fetcher/index.js';
import { startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';

let origin: FaultOrigin;
beforeAll(async () => {
  origin = await startFaultOrigin();
});
afterAll(async () => {
  await origin.close();
});

/** A resolver from a fixed table, recording every name it was asked for. */
function tableLookup(table: Record<string, string[]>): { lookup: (h: string) => Promise<ResolvedAddress[]>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (host: string) => {
      asked.push(host);
      const addrs = table[host];
      if (!addrs) throw Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' });
      return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

async function codeOf(url: string, opts: FetchOptions): Promise<string> {
  try {
    await fetchPage(url, { connectTimeoutMs: 1000, totalTimeoutMs: 3000, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).message).toMatch(/^fetcher: /);
    return (err as FetchError).code;
  }
  return 'ok';
}

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '::127.0.0.1',
    '64:ff9b::10.0.0.1',
    '2002:0a00:0001::1',
    '[::1]',
    'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1'])(
    'allows %s',
    (ip) => {
      expect(isPublicAddress(ip)).toBe(true);
    },
  );
});

describe('fetchPage refuses private destinations unless allowed', () => {
  it.each([
    ['127.0.0.1', () => origin.url('/page')],
    ['localhost', () => `http://localhost:${origin.port}/page`],
    ['10.x', () => 'http://10.0.0.1/'],
    ['169.254.x (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['::1', () => `http://[::1]:${origin.port}/page`],
    ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${origin.port}/page`],
    ['a decimal IPv4 spelling of loopback', () => `http://2130706433:${origin.port}/page`],
    ['0.0.0.0', () => `http://0.0.0.0:${origin.port}/page`],
  ])('refuses %s with private_address and never connects', async (_name, url) => {
    origin.stats.reset();
    expect(await codeOf(url(), {})).toBe('private_address');
    expect(origin.stats.connections).toBe(0);
  });

  it('fetches the same loopback URL with allowPrivate', async () => {
    expect(await codeOf(origin.url('/page'), { allowPrivate: true })).toBe('ok');
  });

  it('refuses a name that resolves to loopback (public.test -> 127.0.0.1)', async () => {
    origin.stats.reset();
    const dns = tableLookup({ 'public.test': ['127.0.0.1'] });
    expect(await codeOf(`http://public.test:${origin.port}/page`, { lookup: dns.lookup })).toBe('private_address');
    expect(dns.asked).toEqual(['public.test']);
    expect(origin.stats.connections).toBe(0);
  });

  it('refuses private.test -> 10.0.0.1 before any connection', async () => {
    const dns = tableLookup({ 'private.test': ['10.0.0.1'] });
    // Had the fetcher tried to connect, the test network guard would have failed this test.
    expect(await codeOf('http://private.test/', { lookup: dns.lookup })).toBe('private_address');
  });

  it('refuses a name when ANY of its addresses is private', async () => {
    const dns = tableLookup({ 'mixed.test': ['8.8.8.8', '10.0.0.1'] });
    expect(await codeOf('http://mixed.test/', { lookup: dns.lookup })).toBe('private_address');
  });

  it('refuses IPv4-mapped IPv6 answers from DNS', async () => {
    const dns = tableLookup({ 'mapped.test': ['::ffff:127.0.0.1'] });
    expect(await codeOf(`http://mapped.test:${origin.port}/page`, { lookup: dns.lookup })).toBe('private_address');
  });
});

describe('every redirect hop is checked', () => {
  // public.test is exempted by name (allowPrivateHosts) so the first hop can reach the loopback origin; the
  // redirect targets are not exempt, exactly as with a real public site redirecting inwards.
  const dns = tableLookup({ 'public.test': ['127.0.0.1'], 'private.test': ['10.0.0.1'], 'inner.test': ['127.0.0.1'] });
  const opts = (): FetchOptions => ({ lookup: dns.lookup, allowPrivateHosts: ['Public.Test'] });
  const from = (location: string): string => `http://public.test:${origin.port}/redirect/to?location=${encodeURIComponent(location)}`;

  it('the exempt host itself is fetched', async () => {
    const r = await fetchPage(`http://public.test:${origin.port}/page`, opts());
    expect(r.status).toBe(200);
    expect(r.requestHeaders).toContainEqual(['Host', `public.test:${origin.port}`]);
  });

  it('refuses a redirect to a literal loopback address and never requests it', async () => {
    origin.stats.reset();
    expect(await codeOf(from(`http://127.0.0.1:${origin.port}/page?marker=1`), opts())).toBe('private_address');
    expect(origin.stats.log.map((l) => l.url)).toEqual([expect.stringMatching(/^\/redirect\/to/)]);
  });

  it('refuses a redirect to a name resolving to a private address (private.test -> 10.0.0.1)', async () => {
    expect(await codeOf(from('http://private.test/admin'), opts())).toBe('private_address');
    expect(await codeOf(`http://public.test:${origin.port}/redirect/private`, opts())).toBe('private_address');
  });

  it('refuses a redirect to another name that resolves to loopback', async () => {
    origin.stats.reset();
    expect(await codeOf(from(`http://inner.test:${origin.port}/page`), opts())).toBe('private_address');
    expect(origin.stats.requests).toBe(1);
  });

  it('follows the same redirect when allowPrivate is set', async () => {
    const r = await fetchPage(from(`http://inner.test:${origin.port}/page`), { lookup: dns.lookup, allowPrivate: true });
    expect(r.status).toBe(200);
    expect(r.redirectChain).toHaveLength(2);
  });
});
