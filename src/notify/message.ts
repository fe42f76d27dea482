/**
 * What a notification says, whatever carries it: the JSON body of a webhook (also the data of an email) for a
 * delivery, built from the store at send time. A new version carries both headlines, its statistics and the diff
 * itself as structured rows, as text (git's word-diff markers) and as HTML (inline-styled, escaped: the differ's
 * feed rendering).
 */
import { diffArticles, splitParagraphs, toFeedHtml, toUnifiedText } from '../differ/index.js';
import type { Delivery, Store } from '../store/index.js';

/** The message of a delivery: a JSON-ready object, and a one-line summary for subjects and logs. */
export interface NotifyMessage {
  body: Record<string, unknown>;
  summary: string;
  /** The diff as text and HTML, for emails (absent for events without one). */
  diffText?: string;
  diffHtml?: string;
}

/** Thrown when a delivery's event is gone (its article was deleted): retrying cannot help. */
export class GoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoneError';
  }
}

const abs = (base: string | undefined, path: string): string | null => (base ? `${base.replace(/\/+$/, '')}${path}` : null);

async function articleBody(store: Store, articleId: number, base: string | undefined): Promise<Record<string, unknown>> {
  const a = await store.getArticle(articleId);
  if (!a) throw new GoneError(`article ${articleId} no longer exists`);
  const source = a.sourceId === null ? null : await store.getSource(a.sourceId);
  return { id: a.id, url: a.url, title: a.title, source: source?.slug ?? null, page: abs(base, `/articles/${a.id}`) };
}

async function versionMessage(store: Store, d: Delivery, head: Record<string, unknown>, base: string | undefined): Promise<NotifyMessage> {
  const articleId = Number(d.event.articleId);
  const number = Number(d.event.number);
  const article = await articleBody(store, articleId, base);
  const v = await store.getVersion(articleId, number);
  if (!v) throw new GoneError(`version ${number} of article ${articleId} no longer exists`);
  const prev = number > 1 ? await store.getVersion(articleId, number - 1) : null;
  const diff = diffArticles(
    { title: prev?.title ?? '', paragraphs: prev ? splitParagraphs(prev.text) : [] },
    { title: v.title, paragraphs: splitParagraphs(v.text) },
  );
  const diffPage = prev ? abs(base, `/articles/${articleId}/diff/${prev.number}/${v.number}`) : null;
  const diffText = toUnifiedText(diff, { color: false, contextParagraphs: 1 });
  const diffHtml = toFeedHtml(diff, diffPage ? { fullDiffUrl: diffPage } : {});
  const body = {
    ...head, article,
    version: {
      number: v.number, previous: prev?.number ?? null, captured_at: v.capturedAt, change_kind: v.changeKind,
      minor_reason: v.minorReason, page: abs(base, `/articles/${articleId}/versions/${v.number}`), diff_page: diffPage,
    },
    headline: { old: prev?.title ?? null, new: v.title, changed: prev !== null && prev.title !== v.title },
    stats: { words_added: diff.stats.wordsAdded, words_removed: diff.stats.wordsRemoved, change_kind: v.changeKind, ...diff.stats },
    // Unchanged paragraphs are left out of the rows (their indices say where the changes are).
    diff: { rows: diff.rows.filter((r) => r.kind !== 'unchanged'), text: diffText, html: diffHtml },
  };
  const what = prev && prev.title !== v.title ? `headline now "${v.title}"` : `+${diff.stats.wordsAdded} −${diff.stats.wordsRemoved} words`;
  return { body, summary: `Version ${v.number} of "${v.title}": ${what}`, diffText, diffHtml };
}

/** Builds the message of a delivery (`base`: the public base URL for links, when configured). */
export async function buildMessage(store: Store, d: Delivery, base?: string): Promise<NotifyMessage> {
  // A test send (`notify test`) says so, so that a receiver can tell it from a real change.
  const head: Record<string, unknown> = { delivery: d.id, subscription: d.subscriptionId, ...(d.event.test === true ? { test: true } : {}) };
  if (d.stream === 'version') return versionMessage(store, d, { ...head, event: 'version' }, base);
  const kind = String(d.event.kind);
  if (d.stream === 'article_event') {
    const article = await articleBody(store, Number(d.event.articleId), base);
    const detail = (d.event.detail ?? {}) as Record<string, unknown>;
    const body = { ...head, event: kind, at: d.event.at, article, detail };
    const where = kind === 'redirected' && typeof detail.location === 'string' ? ` to ${detail.location}` : '';
    const verb = kind === 'absent' ? 'absent' : kind === 'returned' ? 'back' : 'redirects';
    return { body, summary: `"${String(article.title ?? article.url)}" ${verb}${where} at ${String(d.event.at)}` };
  }
  const body = { ...head, event: kind, at: d.event.at, source: { id: d.event.sourceId, slug: d.event.source }, reason: d.event.reason };
  return { body, summary: `Source ${String(d.event.source)} ${kind}: ${String(d.event.reason)}` };
}
