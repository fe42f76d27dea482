/** Conditional GET: send back the validators of the last version so unchanged pages cost a 304. */
import type { FetchResult } from './types.js';

/** The validators a server gave for a response; null when it gave none. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** Request headers for a conditional GET: If-None-Match from `etag`, If-Modified-Since from `lastModified`. */
export function conditionalHeaders(v: { etag?: string | null; lastModified?: string | null }): Record<string, string> {
  const headers: Record<string, string> = {};
  if (v.etag) headers['If-None-Match'] = v.etag;
  if (v.lastModified) headers['If-Modified-Since'] = v.lastModified;
  return headers;
}

/** Reads the first value of header `name` (case-insensitive) from raw response header pairs. */
export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === wanted) return v;
  return null;
}

/** The ETag and Last-Modified of a response, to store and send back with conditionalHeaders next time. */
export function validatorsOf(result: Pick<FetchResult, 'headers'>): Validators {
  return { etag: headerValue(result.headers, 'etag'), lastModified: headerValue(result.headers, 'last-modified') };
}
