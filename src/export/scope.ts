/** Turning "--article <id>" / "--source <slug>" into the selection the export queries take. */
import { getArticle, type Db } from '../store/index.js';
import { countExport, findSourceId, type ExportSelection } from '../store/export-queries.js';

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
export function resolveScope(db: Db, scope: ExportScope): ResolvedScope {
  if (scope.articleId !== undefined && scope.sourceSlug !== undefined) {
    throw new ScopeError('export: give either an article or a source, not both');
  }
  if (scope.articleId !== undefined) {
    const a = getArticle(db, scope.articleId);
    if (!a) throw new ScopeError(`export: no article with id ${scope.articleId}`);
    return { selection: { articleId: a.id }, described: { article: a.url } };
  }
  if (scope.sourceSlug !== undefined) {
    const id = findSourceId(db, scope.sourceSlug);
    if (id === null) throw new ScopeError(`export: no source "${scope.sourceSlug}"`);
    return { selection: { sourceId: id }, described: { source: scope.sourceSlug } };
  }
  return { selection: {}, described: {} };
}

/** Number of articles and versions an export of this scope covers (for progress bars). */
export function exportSize(db: Db, scope: ExportScope = {}): { articles: number; versions: number } {
  return countExport(db, resolveScope(db, scope).selection);
}
