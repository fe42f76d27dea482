/**
 * The Palimpsest JSON Lines format (version 1): the shape of every line, as zod schemas (the importer validates
 * each line with them) and the TypeScript types the exporter writes.
 *
 *   line 1      {"format":"palimpsest-jsonl","formatVersion":1,"exportedAt":...,"generator":...,"scope":...}
 *   then        {"type":"source",...}   every source the export carries (before the articles that name them)
 *   then        {"type":"article",...}  one per article: its tracking state, `versions`, `responses`, `checks`
 *
 * Database ids are not exported (they are local to a database): an article is identified by its URL, a version by
 * its number, a response by its index in the article's `responses` array (a version's `response` is that index, so
 * two versions may share a response and a response no version uses is kept too). Response bodies are the stored
 * document bytes, base64; `bodySha256` and `bodyLength` let the importer verify them. JSON columns (stats,
 * metadata, source config) are exported parsed.
 */
import { z } from 'zod';

/** Name written in the header line. */
export const FORMAT_NAME = 'palimpsest-jsonl';

/** Version of the format this code writes and the newest it reads. */
export const FORMAT_VERSION = 1;

const nullableString = z.string().nullable();
const count = z.number().int().nonnegative();
const jsonObject = z.record(z.string(), z.unknown());

/** Line 1 of an export. */
export const headerSchema = z.object({
  format: z.literal(FORMAT_NAME),
  formatVersion: z.number().int().positive(),
  exportedAt: z.string(),
  generator: z.string(),
  scope: z.object({ article: z.string().optional(), source: z.string().optional() }),
});

/** A source line. */
export const sourceSchema = z.object({
  type: z.literal('source'),
  slug: z.string().min(1),
  name: z.string(),
  kind: z.enum(['manual', 'feed', 'sitemap', 'page']),
  config: jsonObject,
  createdAt: z.string(),
  lastPolled: nullableString,
  nextPoll: nullableString,
  pollCount: count,
  errorCount: count,
  lastError: nullableString,
});

/** One captured HTTP response of an article. */
export const responseSchema = z.object({
  requestedUrl: z.string(),
  url: z.string(),
  fetchedAt: z.string(),
  status: z.number().int(),
  statusText: z.string(),
  httpVersion: z.string(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  requestHeaders: z.array(z.tuple([z.string(), z.string()])),
  bodyLength: count,
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
  body: z.base64(),
});

/** One version of an article. */
export const versionSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  byline: nullableString,
  publishedAt: nullableString,
  capturedAt: z.string(),
  text: z.string(),
  contentHash: z.string(),
  extractorVersion: z.string(),
  wordsAdded: z.number().int(),
  wordsRemoved: z.number().int(),
  stats: jsonObject.nullable(),
  metadata: jsonObject,
  /** Index into the article's `responses`, or null. */
  response: count.nullable(),
  /** 'initial', 'substantive' or 'minor' (absent in exports made before version classes: derived from the number). */
  changeKind: z.enum(['initial', 'substantive', 'minor']).optional(),
  minorReason: nullableString.optional(),
});

/** One entry of an article's check log. */
export const checkSchema = z.object({
  checkedAt: z.string(),
  outcome: z.enum(['new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'flipflop', 'rejected']),
  httpStatus: z.number().int().nullable(),
  error: nullableString,
  durationMs: z.number().int().nullable(),
  /** Content hash of the capture, when the check extracted one. */
  contentHash: nullableString.optional(),
});

/** An article line. */
export const articleSchema = z.object({
  type: z.literal('article'),
  url: z.string().min(1),
  source: nullableString,
  title: nullableString,
  status: z.enum(['active', 'stopped', 'paused', 'blocked']),
  firstSeen: z.string(),
  lastChecked: nullableString,
  lastChanged: nullableString,
  nextCheck: z.string(),
  checkIntervalS: z.number().nonnegative(),
  checkCount: count,
  errorCount: count,
  totalErrors: count,
  lastError: nullableString,
  lastErrorAt: nullableString,
  etag: nullableString,
  lastModified: nullableString,
  lastBodySha256: nullableString,
  versions: z.array(versionSchema),
  responses: z.array(responseSchema),
  checks: z.array(checkSchema),
});

/** Any line after the header. */
export const lineSchema = z.discriminatedUnion('type', [sourceSchema, articleSchema]);

/** The header line. */
export type ExportHeader = z.infer<typeof headerSchema>;
/** A source line. */
export type SourceLine = z.infer<typeof sourceSchema>;
/** An article line. */
export type ArticleLine = z.infer<typeof articleSchema>;
/** A response inside an article line. */
export type ResponseEntry = z.infer<typeof responseSchema>;
/** A version inside an article line. */
export type VersionEntry = z.infer<typeof versionSchema>;
/** A check inside an article line. */
export type CheckEntryLine = z.infer<typeof checkSchema>;
