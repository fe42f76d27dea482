/**
 * One entry point per format name, with the HTTP media type and file extension of each, so the CLI and the web
 * layer (download links on article and source pages) pick a format the same way.
 */
import type { Writable } from 'node:stream';
import type { Store } from '../store/index.js';
import { exportCsv } from './csv.js';
import { exportJsonl } from './jsonl.js';
import type { ExportOptions, ExportSummary } from './types.js';
import { exportWacz } from './wacz.js';
import { exportWarc } from './warc.js';

/** The export formats. */
export const EXPORT_FORMATS = ['jsonl', 'csv', 'warc', 'wacz'] as const;

/** An export format name. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Media type (for Content-Type) and file extension of each format. */
export const FORMAT_INFO: Record<ExportFormat, { mediaType: string; extension: string }> = {
  jsonl: { mediaType: 'application/x-ndjson; charset=utf-8', extension: 'jsonl' },
  csv: { mediaType: 'text/csv; charset=utf-8; header=present', extension: 'csv' },
  warc: { mediaType: 'application/warc', extension: 'warc.gz' },
  wacz: { mediaType: 'application/wacz', extension: 'wacz' },
};

/** True for a known format name. */
export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/**
 * Writes an export in `format` to any Writable (an Express response, a file) without ending it. Resolve the scope
 * first with resolveScope() to answer 404 before sending headers: this throws ScopeError before writing anything.
 * The WARC written this way has no CDXJ beside it (use writeWarcFile for that, or WACZ, which carries its index).
 */
export function writeExport(format: ExportFormat, store: Store, out: Writable, opts: ExportOptions = {}): Promise<ExportSummary> {
  switch (format) {
    case 'jsonl': return exportJsonl(store, out, opts);
    case 'csv': return exportCsv(store, out, opts);
    case 'warc': return exportWarc(store, out, opts);
    case 'wacz': return exportWacz(store, out, opts);
  }
}
