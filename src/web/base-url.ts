/** The absolute base URL of the site, for feeds and API links. */
import type { Request } from 'express';
import type { Config } from '../config/index.js';

/**
 * `config.baseUrl` (without a trailing slash) when set; otherwise derived from the request's protocol and Host
 * header, falling back to http://localhost when the Host header is not a valid host.
 */
export function baseUrlFor(req: Request, config: Pick<Config, 'baseUrl'>): string {
  if (config.baseUrl) return config.baseUrl.replace(/\/+$/, '');
  const host = req.get('host') ?? '';
  if (/^[A-Za-z0-9.\-[\]:]{1,255}$/.test(host)) {
    try {
      const u = new URL(`${req.protocol}://${host}`);
      return u.origin;
    } catch {
      // fall through
    }
  }
  return 'http://localhost';
}
