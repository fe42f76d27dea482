/**
 * CSV export for spreadsheets, pandas and R: one row per version with its change statistics against the previous
 * version. RFC 4180: CRLF line ends, a header row, fields quoted when they hold a comma, quote, CR or LF. Unknown
 * values (statistics of a first version, a missing byline) are empty cells, read as NA/NaN; booleans are
 * true/false, which both read.csv and pandas recognise. No byte-order mark (pandas would keep it in the first name).
 * Text cells that a spreadsheet would run as a formula are neutralised with a leading single quote (csvField).
 */
import type { Writable } from 'node:stream';
import { countWords } from '../differ/tokens.js';
import type { ArticleRow, Store, VersionRow } from '../store/index.js';
import { resolveScope } from './scope.js';
import { Sink } from './sink.js';
import type { ExportOptions, ExportSummary } from './types.js';
import { walkArticles, walkVersions } from './walk.js';

type Cell = string | number | boolean | null | undefined;

/** The stats keys (DiffStats) and the columns they fill, in column order. */
const STAT_COLUMNS: ReadonlyArray<[string, string]> = [
  ['paragraphsAdded', 'paragraphs_added'],
  ['paragraphsRemoved', 'paragraphs_removed'],
  ['paragraphsChanged', 'paragraphs_changed'],
  ['paragraphsMoved', 'paragraphs_moved'],
  ['sentencesAdded', 'sentences_added'],
  ['sentencesDeleted', 'sentences_deleted'],
  ['sentencesEdited', 'sentences_edited'],
  ['sentencesMoved', 'sentences_moved'],
  ['changedShare', 'changed_share'],
  ['titleChanged', 'title_changed'],
];

/** The header row's column names, in order. */
export const CSV_COLUMNS: readonly string[] = [
  'article_id', 'url', 'source', 'version', 'captured_at', 'published_at', 'title', 'byline', 'word_count',
  'words_added', 'words_removed', ...STAT_COLUMNS.map(([, c]) => c), 'content_hash', 'extractor_version',
  'http_status', 'body_sha256', 'change_kind', 'minor_reason',
  // Issue 15: later sightings of the version's content (variants of an alternating article), the correction notice it added.
  'sightings', 'correction',
];

/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, hide such a leading character):
 * the OWASP "CSV injection" list.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field, quoted per RFC 4180 when needed; null and undefined become an empty field. A text cell starting with
 * =, +, -, @, tab or carriage return gets a single quote in front (OWASP's advice), so a headline such as
 * `=HYPERLINK(...)` taken from a site is shown as text by Excel, LibreOffice and Google Sheets instead of being run.
 * Numbers and booleans are written as they are (a negative number stays a number).
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF. */
export function csvRecord(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function statCell(stats: Record<string, unknown> | null, key: string): Cell {
  const v = stats?.[key];
  return typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/** Per version number of one article: its sightings count and correction notice. */
type VersionExtras = Map<number, { sightings: number; correction: string | null }>;

async function versionExtras(store: Store, articleId: number): Promise<VersionExtras> {
  const [sightings, corrections] = await Promise.all([store.summariseVersionSightings(articleId), store.listVersionCorrections(articleId)]);
  const out: VersionExtras = new Map();
  for (const s of sightings) out.set(s.versionNumber, { sightings: s.count, correction: null });
  for (const c of corrections) out.set(c.versionNumber, { sightings: out.get(c.versionNumber)?.sightings ?? 0, correction: c.notice });
  return out;
}

function versionCells(a: ArticleRow, v: VersionRow, extras: VersionExtras): Cell[] {
  const stats = v.stats === null ? null : (JSON.parse(v.stats) as Record<string, unknown>);
  // A first version has nothing to differ from: its added/removed counts are unknown, not zero.
  const diffed = stats !== null;
  return [
    a.id, a.url, a.source_slug, v.number, v.captured_at, v.published_at, v.title, v.byline, countWords(v.text),
    diffed ? v.words_added : null, diffed ? v.words_removed : null, ...STAT_COLUMNS.map(([k]) => statCell(stats, k)),
    v.content_hash, v.extractor_version, v.http_status, v.body_sha256, v.change_kind, v.minor_reason,
    extras.get(v.number)?.sightings ?? 0, extras.get(v.number)?.correction ?? null,
  ];
}

/** Writes a CSV export of the scope to `out` (not ended: the caller owns it). Throws ScopeError for an unknown scope. */
export async function exportCsv(store: Store, out: Writable, opts: ExportOptions = {}): Promise<ExportSummary> {
  const started = performance.now();
  const scope = await resolveScope(store, opts.scope ?? {});
  const sink = new Sink(out);
  await sink.write(csvRecord(CSV_COLUMNS));
  let articles = 0;
  let versions = 0;
  for await (const a of walkArticles(store, scope.selection)) {
    const extras = await versionExtras(store, a.id);
    for await (const v of walkVersions(store, a.id)) {
      await sink.write(csvRecord(versionCells(a, v, extras)));
      versions++;
      opts.onProgress?.({ articles, versions, bytes: sink.bytes });
    }
    articles++;
  }
  await sink.flush();
  return { articles, versions, bytes: sink.bytes, seconds: (performance.now() - started) / 1000 };
}
