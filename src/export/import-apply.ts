/**
 * Applying one validated JSON Lines record to the database: checks what zod cannot (response references, version
 * numbers 1..n, body hashes, known sources, addresses the fetcher would refuse), then inserts. Everything about a
 * line is checked before its first insert, so a bad line never leaves half an article behind (and the importer runs
 * each line in a savepoint, so a failing insert does not either). `store` is the import's transaction (or a line's
 * savepoint).
 */
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { urlRuleError } from '../common/urls.js';
import { bareHostname, isPublicAddress } from '../fetcher/address-policy.js';
import { sha256Hex, type Store } from '../store/index.js';
import type { ArticleLine, SourceLine } from './format.js';
import { storeArticleResults } from '../precompute/fill.js';
import { applyExtras } from './variants-lines.js';
import { applyRenderFields } from './render-lines.js';

/** A line whose content is wrong; the importer adds the line number. */
export class BadLine extends Error {}

/** An article whose URL the database already has; refused or skipped as the import's policy says. */
export class ExistingArticle extends Error {
  constructor(readonly url: string) {
    super(`article ${url} is already in the database`);
  }
}

/** Counts of what was inserted. */
export interface Inserted {
  articles: number;
  versions: number;
  responses: number;
  checks: number;
  sources: number;
}

/** How an import treats what the fetcher would refuse. */
export interface ApplyOptions {
  /** Keep URLs on loopback, private and link-local addresses (the --allow-private of the fetcher). */
  allowPrivate?: boolean;
}

/** Host names that always mean this machine or a cloud metadata service, whatever DNS says. */
const PRIVATE_NAMES = /^(?:localhost|.*\.localhost|metadata\.google\.internal|metadata\.goog)$/i;

/**
 * Refuses a URL the fetcher would never have fetched: by its literal address (an IP in a loopback, private,
 * link-local or metadata range, judged by the fetcher's own isPublicAddress; an IPv4 written in decimal or hex is
 * already dotted by URL parsing) or a name that always means such a host. No DNS: names are not resolved.
 */
function checkAddress(raw: string, where: string, opts: ApplyOptions): void {
  if (opts.allowPrivate) return;
  const u = new URL(raw);
  const host = bareHostname(u).toLowerCase().replace(/\.$/, '');
  if ((net.isIP(host) !== 0 && !isPublicAddress(host)) || PRIVATE_NAMES.test(host)) {
    throw new BadLine(`${where}: ${raw} is a loopback, private, link-local or metadata address, which the fetcher refuses (import with --allow-private to keep it)`);
  }
}

/** The URLs a source polls (its config's `urls`), held to the rules of tracked URLs. */
function checkSourceUrls(s: SourceLine, opts: ApplyOptions): void {
  const urls = s.config.urls;
  if (urls === undefined) return;
  if (!Array.isArray(urls)) throw new BadLine('config.urls: expected a list of URLs');
  for (const [i, raw] of urls.entries()) {
    const where = `config.urls.${i}`;
    let u: URL;
    try {
      u = new URL(String(raw));
    } catch {
      throw new BadLine(`${where}: not a valid absolute URL`);
    }
    const err = urlRuleError(u, String(raw));
    if (err) throw new BadLine(`${where}: ${err}`);
    checkAddress(String(raw), where, opts);
  }
}

/** Inserts a source unless one with its slug exists (an existing source is kept as it is); counts it when new. */
export async function applySource(store: Store, s: SourceLine, counts: Inserted, opts: ApplyOptions = {}): Promise<void> {
  checkSourceUrls(s, opts);
  if ((await store.findSourceId(s.slug)) !== null) return;
  await store.insertSourceRow({
    slug: s.slug, name: s.name, kind: s.kind, config: JSON.stringify(s.config), created_at: s.createdAt, last_polled: s.lastPolled,
    next_poll: s.nextPoll, poll_count: s.pollCount, error_count: s.errorCount, last_error: s.lastError,
  });
  counts.sources++;
}

/** A response's document from `body`, or from `bodyGzip` unpacked to at most its bodyLength (a gzip bomb stops early). */
function documentOf(r: ArticleLine['responses'][number], i: number): Buffer {
  if (r.body !== undefined) return Buffer.from(r.body, 'base64');
  try {
    return gunzipSync(Buffer.from(r.bodyGzip ?? '', 'base64'), { maxOutputLength: Math.max(1, r.bodyLength + 1) });
  } catch (err) {
    throw new BadLine(`responses.${i}: bodyGzip does not unpack to a body of ${r.bodyLength} bytes (${(err as Error).message})`);
  }
}

function decodeBodies(a: ArticleLine): Buffer[] {
  return a.responses.map((r, i) => {
    const body = documentOf(r, i);
    if (body.length !== r.bodyLength) throw new BadLine(`responses.${i}: body is ${body.length} bytes, bodyLength says ${r.bodyLength}`);
    if (sha256Hex(body) !== r.bodySha256) throw new BadLine(`responses.${i}: body does not match its bodySha256`);
    return body;
  });
}

/** Version numbers run 1, 2, ... n in file order (pages link diffs of neighbours n-1 and n, so a gap breaks them). */
function checkVersions(a: ArticleLine): void {
  const numbers = new Set<number>();
  for (const [i, v] of a.versions.entries()) {
    if (numbers.has(v.number)) throw new BadLine(`versions.${i}: version number ${v.number} appears twice`);
    if (v.number !== i + 1) {
      throw new BadLine(`versions.${i}: version number ${v.number} where ${i + 1} was expected (versions are numbered 1 to ${a.versions.length} in order, without gaps)`);
    }
    numbers.add(v.number);
    if (v.response !== null && v.response >= a.responses.length) {
      throw new BadLine(`versions.${i}: response ${v.response} does not exist (the article has ${a.responses.length})`);
    }
  }
}

/** Validates and inserts one article with its responses, versions and checks. Throws BadLine or ExistingArticle. */
export async function applyArticle(store: Store, a: ArticleLine, counts: Inserted, opts: ApplyOptions = {}): Promise<void> {
  checkAddress(a.url, 'url', opts);
  for (const [i, r] of a.responses.entries()) {
    checkAddress(r.requestedUrl, `responses.${i}.requestedUrl`, opts);
    checkAddress(r.url, `responses.${i}.url`, opts);
  }
  for (const [i, e] of (a.events ?? []).entries()) {
    if (typeof e.detail.location === 'string') checkAddress(e.detail.location, `events.${i}.detail.location`, opts);
  }
  if (await store.articleUrlExists(a.url)) throw new ExistingArticle(a.url);
  let sourceId: number | null = null;
  if (a.source !== null) {
    sourceId = await store.findSourceId(a.source);
    if (sourceId === null) throw new BadLine(`source "${a.source}" is neither in the file (before this line) nor in the database`);
  }
  checkVersions(a);
  const bodies = decodeBodies(a);

  const articleId = await store.insertArticleRow({
    url: a.url, source_id: sourceId, title: a.title, status: a.status, first_seen: a.firstSeen, last_checked: a.lastChecked,
    last_changed: a.lastChanged, next_check: a.nextCheck, check_interval_s: a.checkIntervalS, check_count: a.checkCount,
    error_count: a.errorCount, total_errors: a.totalErrors, last_error: a.lastError, last_error_at: a.lastErrorAt,
    version_count: a.versions.length, etag: a.etag, last_modified: a.lastModified, last_body_sha256: a.lastBodySha256,
  });
  // One insert at a time, in order: response ids follow the file's order, as the next export lists them by id.
  const responseIds: number[] = [];
  for (const [i, r] of a.responses.entries()) {
    responseIds.push(await store.insertResponse({
      articleId, requestedUrl: r.requestedUrl, url: r.url, fetchedAt: r.fetchedAt, status: r.status, statusText: r.statusText,
      httpVersion: r.httpVersion, headers: r.headers, requestHeaders: r.requestHeaders, body: bodies[i]!,
    }));
  }
  for (const v of a.versions) {
    await store.insertVersionRow({
      article_id: articleId, number: v.number, title: v.title, byline: v.byline, published_at: v.publishedAt, text: v.text,
      content_hash: v.contentHash, captured_at: v.capturedAt, response_id: v.response === null ? null : responseIds[v.response]!,
      extractor_version: v.extractorVersion, words_added: v.wordsAdded, words_removed: v.wordsRemoved,
      stats: v.stats === null ? null : JSON.stringify(v.stats), metadata: JSON.stringify(v.metadata),
      change_kind: v.changeKind ?? (v.number === 1 ? 'initial' : 'substantive'), minor_reason: v.minorReason ?? null,
    });
  }
  // What the feeds need of each version's diff, computed now rather than on the first feed request.
  await storeArticleResults(store, articleId);
  await applyExtras(store, articleId, a);
  await applyRenderFields(store, articleId, a.versions);
  for (const c of a.checks) await store.insertCheck(articleId, c.checkedAt, c.outcome, c.httpStatus, c.error, c.durationMs, c.contentHash ?? null);
  counts.articles++;
  counts.versions += a.versions.length;
  counts.responses += a.responses.length;
  counts.checks += a.checks.length;
}
