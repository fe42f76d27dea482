/**
 * The JSON Lines fields of variants, corrections and article events (issue 15.2, 15.3): a version's `sightings`
 * (the times its content was seen again, oldest first) and `correction` (the notice it added), an article's
 * `events` (absent / redirected / returned). Written only when there is something to write, so files of articles
 * without them are as before; read back exactly (the next export writes the same bytes).
 */
import type { Store } from '../store/index.js';
import type { EventLine } from './format.js';

/** What an article's versions and line carry besides the rest: per version number, and the article's events. */
export interface ArticleExtrasLines {
  versions: Map<number, { sightings?: string[]; correction?: string }>;
  events: EventLine[];
}

/** Reads an article's sightings, correction flags and events for its export line. */
export async function readExtrasForExport(store: Store, articleId: number): Promise<ArticleExtrasLines> {
  const [sightings, corrections, events] = await Promise.all([
    store.listVersionSightings(articleId), store.listVersionCorrections(articleId), store.listArticleEvents(articleId),
  ]);
  const versions = new Map<number, { sightings?: string[]; correction?: string }>();
  const entry = (n: number): { sightings?: string[]; correction?: string } => {
    let e = versions.get(n);
    if (!e) versions.set(n, (e = {}));
    return e;
  };
  for (const s of sightings) (entry(s.versionNumber).sightings ??= []).push(s.seenAt);
  for (const c of corrections) entry(c.versionNumber).correction = c.notice;
  return { versions, events: events.map((e) => ({ kind: e.kind, at: e.at, detail: e.detail })) };
}

/** The version entry's extra fields (none when it has neither sightings nor a correction). */
export function versionExtras(x: ArticleExtrasLines, number: number): { sightings?: string[]; correction?: string } {
  return x.versions.get(number) ?? {};
}

/** What an imported article line carries of them. */
export interface ImportedExtras {
  versions: ReadonlyArray<{ number: number; sightings?: readonly string[] | undefined; correction?: string | undefined }>;
  events?: readonly EventLine[] | undefined;
}

/** Inserts an imported article's sightings, correction flags and events, after its versions. */
export async function applyExtras(store: Store, articleId: number, a: ImportedExtras): Promise<void> {
  const needsIds = a.versions.some((v) => (v.sightings?.length ?? 0) > 0 || v.correction !== undefined);
  if (needsIds) {
    const ids = new Map((await store.listVersionSummaries(articleId)).map((v) => [v.number, v.id]));
    for (const v of a.versions) {
      const id = ids.get(v.number);
      if (id === undefined) continue;
      for (const at of v.sightings ?? []) await store.insertVersionSighting(articleId, id, at);
      if (v.correction !== undefined) await store.setVersionCorrection(id, articleId, v.correction);
    }
  }
  for (const e of a.events ?? []) await store.insertArticleEvent(articleId, e.kind, e.at, e.detail);
}
