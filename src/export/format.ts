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
 * document bytes, base64 (`body`), or since format version 2 optionally gzip-compressed first (`bodyGzip`, a
 * fifth of the size); `bodySha256` and `bodyLength` (of the document) let the importer verify them. JSON columns (stats,
 * metadata, source config) are exported parsed.
 *
 * The importer holds a file to what Palimpsest itself would have stored: every time is a real ISO 8601 date (points
 * in time with a zone, normalised to UTC), URLs are http(s) without credentials, version numbers run 1..n.
 */
import { z } from 'zod';
import { urlRuleError } from '../common/urls.js';

/** Name written in the header line. */
export const FORMAT_NAME = 'palimpsest-jsonl';

/**
 * Version of the format this code writes with compressed bodies (`bodyGzip`, version 2) and the newest it reads.
 * With bodies as base64 of the document (`body`, the default) it writes version 1, which every reader of version 1
 * reads as before.
 */
export const FORMAT_VERSION = 2;

/** The format version a file whose bodies are written as `bodies` carries. */
export function formatVersionFor(bodies: BodyEncoding): number {
  return bodies === 'raw' ? 1 : 2;
}

/** How an export writes response bodies: `body` (base64 of the document) or `bodyGzip` (base64 of its gzip). */
export type BodyEncoding = 'raw' | 'gzip';

const nullableString = z.string().nullable();
const count = z.number().int().nonnegative();
const jsonObject = z.record(z.string(), z.unknown());

// YYYY-MM-DD, then optionally Thh:mm[:ss[.fraction]] and a zone (Z or +hh:mm).
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?)?$/;

/** Whether `s` is a real ISO 8601 date or date-time (no February 30th, no hour 24); `instant`: a time and zone are required. */
export function isIsoTime(s: string, instant: boolean): boolean {
  const m = ISO_8601.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec, zone, zh, zm] = m;
  if (instant && zone === undefined) return false;
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return false;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59)) return false;
  return zh === undefined || (Number(zh) <= 23 && Number(zm) <= 59);
}

/**
 * A point in time as the store writes it: an ISO 8601 date-time with a zone, normalised to UTC
 * (`2024-05-01T08:00:00.000Z`), because the database compares and sorts these as text, and feeds format them as
 * dates (one that is not a date would make them fail). Years 0000-9999 only.
 */
const instant = z.string().refine((s) => isIsoTime(s, true) && /^\d{4}-/.test(new Date(s).toISOString()),
  'expected an ISO 8601 date and time with a zone, e.g. 2024-05-01T08:00:00.000Z')
  .transform((s) => new Date(s).toISOString());
const nullableInstant = instant.nullable();

/** A date the extractor read from a page: an ISO 8601 date, or a date-time with or without a zone. Kept as given. */
const pageDate = z.string().refine((s) => isIsoTime(s, false), 'expected an ISO 8601 date or date-time, e.g. 2024-05-01 or 2024-05-01T08:00:00Z').nullable();

/** A URL the site links to or Palimpsest fetched: http(s), with a host, without credentials (see src/common/urls.ts). */
const webUrl = z.string().min(1).superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a valid absolute URL' });
    return;
  }
  const err = urlRuleError(u, s);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});

/** Line 1 of an export. */
export const headerSchema = z.object({
  format: z.literal(FORMAT_NAME),
  formatVersion: z.number().int().positive(),
  exportedAt: instant,
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
  createdAt: instant,
  lastPolled: nullableInstant,
  nextPoll: nullableInstant,
  pollCount: count,
  errorCount: count,
  lastError: nullableString,
});

/** One captured HTTP response of an article. */
export const responseSchema = z.object({
  requestedUrl: webUrl,
  url: webUrl,
  fetchedAt: instant,
  status: z.number().int(),
  statusText: z.string(),
  httpVersion: z.string(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  requestHeaders: z.array(z.tuple([z.string(), z.string()])),
  bodyLength: count,
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
  /** The document, base64 (format version 1, and version 2 by default). */
  body: z.base64().optional(),
  /** The document gzip-compressed, base64 (format version 2, `export --bodies gzip`). */
  bodyGzip: z.base64().optional(),
}).refine((r) => (r.body === undefined) !== (r.bodyGzip === undefined), 'expected exactly one of body and bodyGzip');

/** One version of an article. */
export const versionSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  byline: nullableString,
  publishedAt: pageDate,
  capturedAt: instant,
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
  /** When the version's content was seen again (an alternating article's variant), oldest first; absent when never. */
  sightings: z.array(instant).optional(),
  /** The correction or update notice the version added; absent when none. */
  correction: z.string().optional(),
  /** The DOM as rendered in a browser, which the text was extracted from (rendered sources only; absent otherwise). */
  rendered: z.object({ html: z.string(), renderer: z.string(), renderedAt: instant, requests: jsonObject }).optional(),
  /** The full-page screenshot of a rendered version (an image only: it is served as such), base64; absent when none. */
  screenshot: z.object({
    mime: z.enum(['image/jpeg', 'image/png']), width: z.number().int().positive(), height: z.number().int().positive(), capturedAt: instant, bytes: z.base64(),
  }).optional(),
});

/**
 * An article event (absent, redirected, returned), oldest first in an article line; `events` is absent when none.
 * A redirect's `detail.location` is held to the rules of fetched URLs; a `status`, when given, is an integer.
 */
export const eventSchema = z.object({
  kind: z.enum(['absent', 'returned', 'redirected']),
  at: instant,
  detail: jsonObject,
}).superRefine((e, ctx) => {
  if (e.detail.status !== undefined && !Number.isInteger(e.detail.status)) ctx.addIssue({ code: 'custom', path: ['detail', 'status'], message: 'expected an integer HTTP status' });
  if (e.kind !== 'redirected') return;
  const r = webUrl.safeParse(e.detail.location);
  if (!r.success) ctx.addIssue({ code: 'custom', path: ['detail', 'location'], message: `a redirect needs its location, an http(s) URL: ${r.error.issues[0]?.message ?? 'missing'}` });
});

/** One entry of an article's check log. */
export const checkSchema = z.object({
  checkedAt: instant,
  outcome: z.enum(['new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'flipflop', 'rejected', 'held_back']),
  httpStatus: z.number().int().nullable(),
  error: nullableString,
  durationMs: z.number().int().nullable(),
  /** Content hash of the capture, when the check extracted one. */
  contentHash: nullableString.optional(),
});

/** An article line. */
export const articleSchema = z.object({
  type: z.literal('article'),
  url: webUrl,
  source: nullableString,
  title: nullableString,
  status: z.enum(['active', 'stopped', 'paused', 'blocked']),
  firstSeen: instant,
  lastChecked: nullableInstant,
  lastChanged: nullableInstant,
  nextCheck: instant,
  checkIntervalS: z.number().nonnegative(),
  checkCount: count,
  errorCount: count,
  totalErrors: count,
  lastError: nullableString,
  lastErrorAt: nullableInstant,
  etag: nullableString,
  lastModified: nullableString,
  lastBodySha256: nullableString,
  versions: z.array(versionSchema),
  responses: z.array(responseSchema),
  checks: z.array(checkSchema),
  events: z.array(eventSchema).optional(),
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
/** An event inside an article line. */
export type EventLine = z.infer<typeof eventSchema>;
