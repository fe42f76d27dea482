/** Creating and removing sources (the CLI's `source add`/`remove` and the web API's POST /api/sources). */
import type { Source, Store } from '../store/index.js';
import { parseSourceDefinition, SourceConfigError, toStoredSource } from './schema.js';

/**
 * Validates a source definition (as JSON from a form or API call, or built from CLI flags) and stores it, due for
 * polling at once. Throws SourceConfigError for an invalid definition or a slug already in use.
 */
export async function createSource(store: Store, input: unknown, now: Date = new Date()): Promise<Source> {
  const def = parseSourceDefinition(input);
  if (await store.getSourceBySlug(def.slug)) {
    throw new SourceConfigError(`a source with slug "${def.slug}" already exists; choose another name or give a slug`);
  }
  return store.insertSource(toStoredSource(def), now.toISOString());
}

/** Removes the source with this slug; its articles stay tracked without a source. Null when there is no such source. */
export async function removeSource(store: Store, slug: string): Promise<{ source: Source; articlesKept: number } | null> {
  const source = await store.getSourceBySlug(slug);
  if (!source) return null;
  const articlesKept = await store.countSourceArticles(source.id);
  await store.deleteSource(source.id);
  return { source, articlesKept };
}
