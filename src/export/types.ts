/** Options and results shared by every export format. */
import { PALIMPSEST_VERSION } from '../common/version.js';
import type { ExportScope } from './scope.js';

/** Counters reported while an export runs. */
export interface ExportProgress {
  articles: number;
  versions: number;
  /** Bytes written to the output so far (before any compression the caller adds). */
  bytes: number;
}

/** What an export did. */
export interface ExportSummary extends ExportProgress {
  seconds: number;
}

/** Options every export function accepts. */
export interface ExportOptions {
  /** What to export; everything when omitted. */
  scope?: ExportScope;
  /** Clock for the export's own timestamp (tests pin it). */
  now?: () => Date;
  /** Called after each version written (cheap; throttle in the callee). */
  onProgress?: (p: ExportProgress) => void;
}

/** The software name written into exports. */
export const GENERATOR = `palimpsest ${PALIMPSEST_VERSION}`;
