/** Exports (JSON Lines, CSV, WARC, WACZ) and the JSON Lines import, for the CLI and the web layer. */
export { exportJsonl, type JsonlOptions } from './jsonl.js';
export { exportCsv, CSV_COLUMNS, csvField, csvRecord } from './csv.js';
export { exportWarc, type CaptureEntry, type WarcOptions, type WarcSummary } from './warc.js';
export { writeWarcFile, type WarcFileSummary } from './warc-file.js';
export { exportWacz, WACZ_VERSION, type WaczOptions } from './wacz.js';
export { importJsonl, importJsonlFile, ImportError, type ImportOptions, type ImportReport, type BadLineReport } from './import.js';
export { DEFAULT_MAX_LINE_BYTES, MAX_LINE_BYTES_LIMIT } from './lines.js';
export { resolveScope, exportSize, ScopeError, type ExportScope } from './scope.js';
export { FORMAT_NAME, FORMAT_VERSION } from './format.js';
export type { ExportOptions, ExportProgress, ExportSummary } from './types.js';
export { EXPORT_FORMATS, FORMAT_INFO, isExportFormat, writeExport, type ExportFormat } from './formats.js';
