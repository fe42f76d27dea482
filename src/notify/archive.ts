/**
 * The Internet Archive's Save Page Now: asks it to archive a URL (`<endpoint><url>`, a POST with `url=` as its
 * form, the way the SPN2 API takes it; keys of an archive.org account sent as `Authorization: LOW key:secret`).
 */
import { PALIMPSEST_VERSION } from '../common/version.js';
import type { NotifyConfig } from './config.js';
import { sendRequest, type PostAnswer, type RequestOptions } from './http.js';

/** Asks Save Page Now to archive `url`; resolves with its answer (any status). */
export function requestArchive(spn: NotifyConfig['savePageNow'], url: string, opts: Omit<RequestOptions, 'method' | 'headers' | 'body'>): Promise<PostAnswer> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    'User-Agent': `Palimpsest/${PALIMPSEST_VERSION} (Save Page Now)`,
  };
  if (spn.accessKey && spn.secretKey) headers.Authorization = `LOW ${spn.accessKey}:${spn.secretKey}`;
  return sendRequest(`${spn.endpoint}${url}`, { ...opts, method: 'POST', headers, body: new URLSearchParams({ url }).toString() });
}
