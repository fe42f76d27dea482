/**
 * Re-extraction of history: every version is derived again from its stored raw response with today's extractor.
 * Versions that become identical to the one before them are merged into it; no version is ever added, so a better
 * extractor improves the whole history instead of creating false changes.
 */
import { diffArticles, splitParagraphs } from '../differ/index.js';
import { extract as defaultExtract, EXTRACTOR_VERSION } from '../extractor/index.js';
import { decodeBody, headerValue } from '../fetcher/index.js';
import type { Store, StoredResponse, Version } from '../store/index.js';
import { contentHash, versionText } from '../versioner/index.js';
import { classifyChange } from '../versioner/classify.js';
import { metadataOf } from './capture.js';
import type { ExtractFn } from './check.js';

/** What re-extracting one article did. */
export interface ReextractReport {
  articleId: number;
  versionsBefore: number;
  versionsAfter: number;
  /** Versions whose title or text changed. */
  textsChanged: number;
  /** Versions kept as they were because they have no stored response or it no longer yields text. */
  kept: number;
}

/** Options of a re-extraction. */
export interface ReextractOptions {
  extract?: ExtractFn;
  extractorVersion?: string;
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

/** A version derived again from its stored response (null: none), or kept as it is. Pure. */
function derive(v: Version, res: StoredResponse | null, extract: ExtractFn): Derived {
  const asIs: Derived = { version: v, title: v.title, byline: v.byline, publishedAt: v.publishedAt, text: v.text, metadata: v.metadata, rederived: false };
  if (!res) return asIs;
  const { text: html } = decodeBody(res.body, headerValue(res.headers, 'content-type') ?? undefined);
  const e = extract(html, res.url);
  if (e.paragraphs.length === 0) return asIs;
  return { version: v, title: e.title, byline: e.byline, publishedAt: e.publishedAt, text: versionText(e.paragraphs), metadata: metadataOf(e, res.url), rederived: true };
}

/** Re-extracts every version of one article in one transaction and returns what changed. */
export async function reextractArticle(store: Store, articleId: number, opts: ReextractOptions = {}): Promise<ReextractReport> {
  const extract = opts.extract ?? defaultExtract;
  const extractorVersion = opts.extractorVersion ?? EXTRACTOR_VERSION;
  const versions = await store.listVersions(articleId);
  const derived: Derived[] = [];
  for (const v of versions) derived.push(derive(v, v.responseId === null ? null : await store.getResponse(v.responseId), extract));
  const report: ReextractReport = { articleId, versionsBefore: versions.length, versionsAfter: 0, textsChanged: 0, kept: 0 };
  await store.transaction(async (tx) => {
    let prev: (Derived & { hash: string }) | null = null;
    const survivors: number[] = [];
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
      const stats = before ? diffArticles(before, after).stats : null;
      const minor = before ? classifyChange(before, after) : null;
      await tx.updateVersionContent(d.version.id, {
        title: d.title, byline: d.byline, publishedAt: d.publishedAt, text: d.text, contentHash: hash,
        extractorVersion: d.rederived ? extractorVersion : d.version.extractorVersion,
        wordsAdded: stats?.wordsAdded ?? 0, wordsRemoved: stats?.wordsRemoved ?? 0, stats, metadata: d.metadata,
        changeKind: before ? (minor ? 'minor' : 'substantive') : 'initial', minorReason: minor,
      });
      survivors.push(d.version.id);
      prev = { ...d, hash };
    }
    // Two passes keep UNIQUE(article_id, number) satisfied while the numbers close the gaps left by merges.
    for (const [i, id] of survivors.entries()) await tx.setVersionNumber(id, -(i + 1));
    for (const [i, id] of survivors.entries()) await tx.setVersionNumber(id, i + 1);
    report.versionsAfter = survivors.length;
    await tx.refreshArticleSummary(articleId);
  });
  return report;
}
