/** Content-Type parsing and the "is this an HTML page?" decision. */

/** A Content-Type header split into its media type and charset parameter. */
export interface ParsedContentType {
  /** Lower-case `type/subtype`, '' when absent or malformed. */
  mediaType: string;
  /** The raw `charset` parameter value (unquoted), or null. */
  charset: string | null;
}

/** Parses a Content-Type header value leniently (as browsers do): bad parameters are skipped, not fatal. */
export function parseContentType(value: string | undefined | null): ParsedContentType {
  if (!value) return { mediaType: '', charset: null };
  const [head = '', ...params] = value.split(';');
  const mediaType = head.trim().toLowerCase();
  let charset: string | null = null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const raw = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').trim();
    if (raw) charset = raw;
    break;
  }
  return { mediaType: /^[^\s/]+\/[^\s/]+$/.test(mediaType) ? mediaType : '', charset };
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * True when the response is an HTML document worth extracting. `contentType` may carry parameters. An empty
 * content type means the server did not say: then the body is sniffed and counts as HTML when, after an optional
 * BOM and whitespace, it starts with markup (`<!doctype`, `<html`, a tag, a comment or `<?xml`).
 */
export function isHtmlContentType(contentType: string | undefined | null, body?: Buffer | string): boolean {
  const mediaType = parseContentType(contentType).mediaType;
  if (mediaType !== '') return HTML_TYPES.has(mediaType);
  if (contentType && contentType.trim() !== '') return false; // present but malformed: do not guess
  if (body === undefined) return false;
  const head = typeof body === 'string' ? body.slice(0, 512) : sniffText(body);
  return /^\s*<(?:!doctype\s|!--|\?xml|[a-z][a-z0-9-]*[\s/>])/i.test(head.replace(/^\uFEFF/, ''));
}

/** The first bytes as text for sniffing; UTF-16 BOMs are honoured so such pages are not missed. */
function sniffText(body: Buffer): string {
  const head = body.subarray(0, 512);
  if (head[0] === 0xff && head[1] === 0xfe) return head.subarray(2).toString('utf16le');
  if (head[0] === 0xfe && head[1] === 0xff) {
    const units = head.subarray(2, 2 + ((head.length - 2) & ~1)); // swap16 needs an even length
    return Buffer.from(units).swap16().toString('utf16le');
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3).toString('latin1');
  return head.toString('latin1');
}
