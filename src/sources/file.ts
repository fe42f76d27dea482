/**
 * The sources file users keep in version control: YAML or JSON, either a list of sources or `{ sources: [...] }`.
 * Every problem is reported at once, naming the file, the source (index and name) and the field.
 */
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Store } from '../store/index.js';
import { formatIssues, sourceSchema, SourceConfigError, toStoredSource, type SourceDefinition } from './schema.js';

/** Parses and validates the text of a sources file; `file` names it in errors (`.json` selects JSON, else YAML). */
export function parseSourcesFile(text: string, file: string): SourceDefinition[] {
  const json = /\.json$/i.test(file);
  let doc: unknown;
  try {
    doc = json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SourceConfigError(`${file} is not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (doc == null) return [];
  const list = Array.isArray(doc) ? doc : (doc as { sources?: unknown }).sources;
  if (!Array.isArray(list)) throw new SourceConfigError(`${file} must hold a list of sources, or an object with a "sources" list`);
  const problems: string[] = [];
  const defs: SourceDefinition[] = [];
  const slugs = new Map<string, number>();
  list.forEach((raw, i) => {
    const label = `source ${i + 1}${describe(raw)}`;
    const r = sourceSchema.safeParse(raw);
    if (!r.success) {
      for (const line of formatIssues(r.error.issues)) problems.push(`${label}: ${line}`);
      return;
    }
    const prev = slugs.get(r.data.slug);
    if (prev !== undefined) problems.push(`${label}: slug: "${r.data.slug}" is already used by source ${prev + 1}; give one of them another slug`);
    slugs.set(r.data.slug, i);
    defs.push(r.data);
  });
  if (problems.length > 0) throw new SourceConfigError(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return defs;
}

function describe(raw: unknown): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() ? ` ("${name.trim()}")` : '';
}

/** Reads and validates a sources file. */
export function loadSourcesFile(file: string): SourceDefinition[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SourceConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseSourcesFile(text, file);
}

/** What a sync did, by slug. */
export interface SyncResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Sources in the database that the file does not mention (left alone; remove them with `source remove`). */
  notInFile: string[];
}

/**
 * Upserts the given definitions by slug, in one transaction. A changed source is made due at once so its new
 * configuration is polled; its poll history and articles are kept.
 */
export async function syncSources(store: Store, defs: readonly SourceDefinition[], now: Date = new Date()): Promise<SyncResult> {
  const at = now.toISOString();
  const result: SyncResult = { created: [], updated: [], unchanged: [], notInFile: [] };
  await store.transaction(async (tx) => {
    for (const def of defs) {
      const stored = toStoredSource(def);
      const existing = await tx.getSourceBySlug(def.slug);
      if (!existing) {
        await tx.insertSource(stored, at);
        result.created.push(def.slug);
      } else if (existing.name !== stored.name || existing.kind !== stored.kind || !sameJson(existing.config, stored.config)) {
        await tx.updateSource(existing.id, stored);
        await tx.setSourceNextPoll(existing.id, at);
        result.updated.push(def.slug);
      } else result.unchanged.push(def.slug);
    }
  });
  const inFile = new Set(defs.map((d) => d.slug));
  result.notInFile = (await store.listSources()).filter((s) => s.kind !== 'manual' && !inFile.has(s.slug)).map((s) => s.slug);
  return result;
}

/**
 * Whether two JSON values are equal, object keys in any order: a database may hand stored JSON back with its keys
 * reordered (PostgreSQL jsonb sorts them). Pure.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Reads, validates and upserts a sources file (nothing is written when any source is invalid). */
export async function syncSourcesFromFile(store: Store, file: string, now: Date = new Date()): Promise<SyncResult> {
  return syncSources(store, loadSourcesFile(file), now);
}
