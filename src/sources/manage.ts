/** Creating and removing sources (the CLI's `source add`/`remove` and the web API's POST /api/sources). */
import type { Db } from '../store/db.js';
import { countSourceArticles, deleteSource, getSourceBySlug, insertSource, type Source } from '../store/sources.js';
import { parseSourceDefinition, SourceConfigError, toStoredSource } from './schema.js';

/**
 * Validates a source definition (as JSON from a form or API call, or built from CLI flags) and stores it, due for
 * polling at once. Throws SourceConfigError for an invalid definition or a slug already in use.
 */
export function createSource(db: Db, input: unknown, now: Date = new Date()): Source {
  const def = parseSourceDefinition(input);
  if (getSourceBySlug(db, def.slug)) {
    throw new SourceConfigError(`a source with slug "${def.slug}" already exists; choose another name or give a slug`);
  }
  return insertSource(db, toStoredSource(def), now.toISOString());
}

/** Removes the source with this slug; its articles stay tracked without a source. Null when there is no such source. */
export function removeSource(db: Db, slug: string): { source: Source; articlesKept: number } | null {
  const source = getSourceBySlug(db, slug);
  if (!source) return null;
  const articlesKept = countSourceArticles(db, source.id);
  deleteSource(db, source.id);
  return { source, articlesKept };
}
