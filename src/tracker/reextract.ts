/**
 * Re-extraction of history: every version is derived again from its stored raw response with today's extractor.
 * Versions that become identical to the one before them are merged into it; no version is ever added, so a better
 * extractor improves the whole history instead of creating false changes.
 */
import { diffArticles, splitParagraphs, type DiffStats } from '../differ/index.js';
import { extract as defaultExtract, EXTRACTOR_VERSION } from '../extractor/index.js';
import { decodeBody, headerValue } from '../fetcher/index.js';
import type { Store, StoredResponse, Version } from '../store/index.js';
import { contentHash, versionText } from '../versioner/index.js';
import { classifyChange } from '../versioner/classify.js';
import { correctionRules, findCorrectionNotice } from '../versioner/corrections.js';
import { metadataOf } from './capture.js';
import type { ExtractFn } from './check.js';
import type { Config } from '../config/index.js';
import { recoverHeldCaptures, withSourceRules, type HeldRecovery } from '../health/recover.js';
import { sourceContext } from './source-context.js';
import { changeResult, encodeResult, firstResult, type VersionResult } from '../precompute/version-result.js';

/** What re-extracting one article did. */
export interface ReextractReport {
  articleId: number;
  versionsBefore: number;
  versionsAfter: number;
  /** Versions whose title or text changed. */
  textsChanged: number;
  /** Versions kept as they were because they have no stored response or it no longer yields text. */
  kept: number;
  /** What became of the article's held-back captures (src/health), when `config` was given. */
  held?: HeldRecovery;
}

/** Options of a re-extraction. */
export interface ReextractOptions {
  extract?: ExtractFn;
  extractorVersion?: string;
  /**
   * With the configuration, the article's source rules and ignore patterns apply (as when checking), and captures
   * held back from a degraded source are extracted again and made versions when they now look healthy.
   */
  config?: Config;
}

interface Derived {
  version: Version;
  title: string;
  byline: string | null;
  publishedAt: string | null;
  text: string;
  metadata: Record<string, unknown>;
  rederived: boolean;
}

/**
 * A version derived again from its stored response (null: none), or kept as it is; a version rendered in a browser
 * is derived from its rendered DOM (`rendered`), which is what its text came from. Pure.
 */
function derive(v: Version, res: StoredResponse | null, extract: ExtractFn, rendered: string | null = null): Derived {
  const asIs: Derived = { version: v, title: v.title, byline: v.byline, publishedAt: v.publishedAt, text: v.text, metadata: v.metadata, rederived: false };
  if (!res) return asIs;
  const html = rendered ?? decodeBody(res.body, headerValue(res.headers, 'content-type') ?? undefined).text;
  const e = extract(html, res.url);
  if (e.paragraphs.length === 0) return asIs;
  return { version: v, title: e.title, byline: e.byline, publishedAt: e.publishedAt, text: versionText(e.paragraphs), metadata: metadataOf(e, res.url), rederived: true };
}

/** Re-extracts every version of one article in one transaction and returns what changed. */
export async function reextractArticle(store: Store, articleId: number, opts: ReextractOptions = {}): Promise<ReextractReport> {
  const article = opts.config ? await store.getArticle(articleId) : null;
  const extract = opts.config && article ? withSourceRules(opts.extract ?? defaultExtract, await sourceContext(store, opts.config, article)) : (opts.extract ?? defaultExtract);
  const extractorVersion = opts.extractorVersion ?? EXTRACTOR_VERSION;
  const rules = correctionRules(opts.config?.corrections);
  const versions = await store.listVersions(articleId);
  const derived: Derived[] = [];
  for (const v of versions) {
    const res = v.responseId === null ? null : await store.getResponse(v.responseId);
    derived.push(derive(v, res, extract, res ? (await store.getRenderedPage(v.id))?.html ?? null : null));
  }
  const report: ReextractReport = { articleId, versionsBefore: versions.length, versionsAfter: 0, textsChanged: 0, kept: 0 };
  await store.transaction(async (tx) => {
    let prev: (Derived & { hash: string }) | null = null;
    const survivors: number[] = [];
    // What the feeds need of each survivor's diff, from the diff computed here anyway; stored once renumbered.
    const results: Array<[number, VersionResult, DiffStats | null]> = [];
    for (const d of derived) {
      const hash = contentHash({ title: d.title, paragraphs: splitParagraphs(d.text) });
      if (prev && hash === prev.hash) {
        await tx.deleteVersion(d.version.id);
        if (d.version.responseId !== null) await tx.deleteResponse(d.version.responseId);
        continue;
      }
      if (!d.rederived) report.kept++;
      if (d.title !== d.version.title || d.text !== d.version.text) report.textsChanged++;
      const before = prev ? { title: prev.title, paragraphs: splitParagraphs(prev.text) } : null;
      const after = { title: d.title, paragraphs: splitParagraphs(d.text) };
      const diff = before ? diffArticles(before, after) : null;
      const stats = diff?.stats ?? null;
      results.push([d.version.id, prev && diff ? changeResult(prev.title, { contentHash: hash }, diff) : firstResult({ contentHash: hash, text: d.text }), stats]);
      const minor = before ? classifyChange(before, after) : null;
      await tx.updateVersionContent(d.version.id, {
        title: d.title, byline: d.byline, publishedAt: d.publishedAt, text: d.text, contentHash: hash,
        extractorVersion: d.rederived ? extractorVersion : d.version.extractorVersion,
        wordsAdded: stats?.wordsAdded ?? 0, wordsRemoved: stats?.wordsRemoved ?? 0, stats, metadata: d.metadata,
        changeKind: before ? (minor ? 'minor' : 'substantive') : 'initial', minorReason: minor,
      });
      // The correction flag follows the new text: a notice the version adds now, or none.
      const notice = diff ? findCorrectionNotice(diff.sentences, rules, after.paragraphs) : null;
      if (notice !== null) await tx.setVersionCorrection(d.version.id, articleId, notice);
      else await tx.clearVersionCorrection(d.version.id);
      survivors.push(d.version.id);
      prev = { ...d, hash };
    }
    // Two passes keep UNIQUE(article_id, number) satisfied while the numbers close the gaps left by merges.
    for (const [i, id] of survivors.entries()) await tx.setVersionNumber(id, -(i + 1));
    for (const [i, id] of survivors.entries()) await tx.setVersionNumber(id, i + 1);
    // Signalled: feeds cached from the old results (or validated by them) must change.
    for (const [id, r, st] of results) await tx.putVersionDiff(encodeResult(id, r, st as Record<string, unknown> | null), true);
    report.versionsAfter = survivors.length;
    await tx.refreshArticleSummary(articleId);
  });
  if (opts.config) report.held = await recoverHeldCaptures(store, opts.config, articleId, { ...(opts.extract ? { extract: opts.extract } : {}), extractorVersion });
  return report;
}
