/**
 * Response compression: brotli or gzip as the request's Accept-Encoding allows (brotli preferred), by the
 * `compression` package. Bodies that are compressed already (the WARC.gz and WACZ downloads, images) are sent as
 * they are: compressing them again costs CPU and saves nothing. Streamed downloads stay streamed (the package
 * compresses chunk by chunk, with back-pressure), and validators keep working: conditional GETs are answered
 * before any body is compressed, and Vary: Accept-Encoding is set on everything that could be compressed.
 */
import { constants } from 'node:zlib';
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

/** Media types sent without compression: formats compressed already. */
const ALREADY_COMPRESSED = new Set([
  'application/warc', 'application/wacz', 'application/zip', 'application/gzip', 'application/x-gzip',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/x-icon', 'image/vnd.microsoft.icon',
]);

/** Text media types the package's list does not know as compressible: the JSON Lines exports. */
const ALSO_COMPRESSIBLE = new Set(['application/x-ndjson', 'application/jsonl']);

/** File name endings of compressed downloads (checked in Content-Disposition, whatever the media type says). */
const COMPRESSED_FILE = /\.(?:gz|wacz|zip|br|zst)"?\s*$/i;

/** Brotli quality: 4 compresses text almost as well as gzip -9 at a fraction of the CPU of the default 11. */
const BROTLI_QUALITY = 4;

/** True when a response should be considered for compression (the package still checks size and Accept-Encoding). */
export function shouldCompress(req: Request, res: Response): boolean {
  const type = String(res.getHeader('Content-Type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (ALREADY_COMPRESSED.has(type)) return false;
  if (COMPRESSED_FILE.test(String(res.getHeader('Content-Disposition') ?? ''))) return false;
  return ALSO_COMPRESSIBLE.has(type) || compression.filter(req, res);
}

/** The compression middleware of the app. */
export function compressionMiddleware(): RequestHandler {
  return compression({
    filter: shouldCompress,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
  });
}
