/** https: the fetcher connects to the checked IP but verifies the certificate against, and sends SNI for, the URL's name. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { fetchPage, FetchError, type FetchOptions } from '../src/fetcher/index.js';

// Self-signed certificate for public.test (EC P-256, valid for 100 years), generated once with openssl.
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5cj7bQfi06Fkmk09
ApBEsh0YiQIkDM3auVYCnLTvshOhRANCAASmv8Y5R/oaSTDXNrfEvVD79Ibmcmsq
qr1PuLCDNdRAJ3pn9Z06hPsrq+t9b3PyXniP2umVpch3AL3NaaFGVhsm
-----END PRIVATE KEY-----
`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUcymtop9mMPtOcPhVBkrbASEum+swCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLcHVibGljLnRlc3QwIBcNMjYxMTIzMDgxMTM2WhgPMjEyNjEw
MzAwODExMzZaMBYxFDASBgNVBAMMC3B1YmxpYy50ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEpr/GOUf6Gkkw1za3xL1Q+/SG5nJrKqq9T7iwgzXUQCd6Z/Wd
OoT7K6vrfW9z8l54j9rplaXIdwC9zWmhRlYbJqNrMGkwHQYDVR0OBBYEFG/GG6vo
zo+3Of83GjCXioteIPkdMB8GA1UdIwQYMBaAFG/GG6vozo+3Of83GjCXioteIPkd
MA8GA1UdEwEB/wQFMAMBAf8wFgYDVR0RBA8wDYILcHVibGljLnRlc3QwCgYIKoZI
zj0EAwIDSQAwRgIhAMO/KTVDHwWXrwu7zFquVjojBJCFCB8C43GS0I2Fyuy5AiEA
s5yI+bUJDJW2D8/oMKq+OTSKEr0RC1iim0eAmXDdY/A=
-----END CERTIFICATE-----
`;

let server: https.Server;
let port = 0;
const servernames: Array<string | false | null> = [];

beforeAll(async () => {
  server = https.createServer({ key: KEY, cert: CERT }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<p>secure</p>');
  });
  server.on('secureConnection', (s: tls.TLSSocket) => servernames.push(s.servername));
  server.on('tlsClientError', () => undefined); // rejected handshakes are the point of some tests
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const lookup = async (): Promise<Array<{ address: string; family: number }>> => [{ address: '127.0.0.1', family: 4 }];
const opts: FetchOptions = { lookup, allowPrivateHosts: ['public.test', 'other.test'], totalTimeoutMs: 3000 };

async function codeOf(url: string, o: FetchOptions): Promise<string> {
  return fetchPage(url, o).then(
    () => 'ok',
    (err: unknown) => (err instanceof FetchError ? err.code : String(err)),
  );
}

describe('fetchPage over https', () => {
  it('fetches when the certificate is trusted and matches the URL name, sending SNI', async () => {
    servernames.length = 0;
    const r = await fetchPage(`https://public.test:${port}/`, { ...opts, ca: CERT });
    expect(r.status).toBe(200);
    expect(r.text).toBe('<p>secure</p>');
    expect(servernames).toEqual(['public.test']);
  });

  it('fails with tls for an untrusted certificate', async () => {
    expect(await codeOf(`https://public.test:${port}/`, opts)).toBe('tls');
  });

  it('fails with tls when the certificate is for another name than the URL (not checked against the IP)', async () => {
    expect(await codeOf(`https://other.test:${port}/`, { ...opts, ca: CERT })).toBe('tls');
    expect(await codeOf(`https://127.0.0.1:${port}/`, { ...opts, allowPrivate: true, ca: CERT })).toBe('tls');
  });
});
