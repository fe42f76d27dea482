/** Turning "--article <id>" / "--source <slug>" into the selection the export queries take. */
import type { ExportSelection, Store } from '../store/index.js';

/** What to export, as a caller names it: one article by id, one source by slug, or (neither) everything. */
export interface ExportScope {
  articleId?: number;
  sourceSlug?: string;
}

/** A selection resolved against the database, with the description written into an export's header. */
export interface ResolvedScope {
  selection: ExportSelection;
  /** For headers and warcinfo: `{ article: url }`, `{ source: slug }` or `{}` for everything. */
  described: { article?: string; source?: string };
}

/** Raised when the scope names something the database does not have. */
export class ScopeError extends Error {}

/** Resolves a scope; throws ScopeError for an unknown article or source, or when both are given. */
export async function resolveScope(store: Store, scope: ExportScope): Promise<ResolvedScope> {
  if (scope.articleId !== undefined && scope.sourceSlug !== undefined) {
    throw new ScopeError('export: give either an article or a source, not both');
  }
  if (scope.articleId !== undefined) {
    // An id no database can hold is simply not there (PostgreSQL would reject it as out of range instead).
    const a = Number.isSafeInteger(scope.articleId) && scope.articleId > 0 ? await store.getArticle(scope.articleId) : null;
    if (!a) throw new ScopeError(`export: no article with id ${scope.articleId}`);
    return { selection: { articleId: a.id }, described: { article: a.url } };
  }
  if (scope.sourceSlug !== undefined) {
    const id = await store.findSourceId(scope.sourceSlug);
    if (id === null) throw new ScopeError(`export: no source "${scope.sourceSlug}"`);
    return { selection: { sourceId: id }, described: { source: scope.sourceSlug } };
  }
  return { selection: {}, described: {} };
}

/** Number of articles and versions an export of this scope covers (for progress bars). */
export async function exportSize(store: Store, scope: ExportScope = {}): Promise<{ articles: number; versions: number }> {
  return store.countExport((await resolveScope(store, scope)).selection);
}
