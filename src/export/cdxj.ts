/**
 * CDXJ index lines as pywb and wabac.js read them: `<SURT> <14-digit timestamp> <JSON>`, with the JSON fields and
 * their order as warcio's own CDXJ indexer writes them (url, mime, status, digest, length, offset, filename;
 * numbers as strings), so an index we write equals one a replay tool would build from the file.
 */
import { getSurt } from 'warcio';
import type { CaptureEntry } from './warc.js';

/** The 14-digit CDX timestamp of an ISO 8601 date. */
export function cdxTimestamp(iso: string): string {
  return iso.replace(/[-:T]/g, '').slice(0, 14);
}

/** The index line (without newline) of a capture in the WARC file named `filename`. */
export function cdxjLine(e: CaptureEntry, filename: string): string {
  // A resource record (a screenshot) has no HTTP status: warcio's indexer leaves the field out.
  const json = {
    url: e.url, mime: e.mime, ...(e.status === null ? {} : { status: String(e.status) }), digest: e.digest,
    length: String(e.length), offset: String(e.offset), filename,
  };
  return `${getSurt(e.url)} ${cdxTimestamp(e.date)} ${JSON.stringify(json)}`;
}
