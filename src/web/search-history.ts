/**
 * For the search page: in which version a found passage first appeared and, when the latest version no longer has
 * it, in which version it was removed. The search index tells the first (it indexes what each version brought) and
 * whether the latest version still has it; the removing version is read from the texts of the hits shown only,
 * within a budget of versions and characters.
 */
import type { SearchHit, Store, Version } from '../store/index.js';
import { diffPath, versionPath } from './paths.js';

/** Most versions of one article read to place a passage. */
export const HISTORY_MAX_VERSIONS = 40;
/** Most characters of text read for one page of results. */
export const HISTORY_MAX_CHARS = 4_000_000;

/** Where a passage came from and went. */
export interface PassageHistory {
  passage: string;
  firstNumber: number;
  firstHref: string;
  /** The version without the passage after the last one that brought it, when the latest version lacks it. */
  removedNumber: number | null;
  removedHref: string | null;
  /** True when the latest version no longer has the matched words (also when the removing version was not placed). */
  gone: boolean;
  /** True when placed by the index's matching versions rather than by the texts. */
  approximate: boolean;
}

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** The matched passage of a hit: from its first to its last highlighted word, in the snippet or else in the title (case kept, spaces collapsed). */
export function hitPassage(hit: SearchHit): string | null {
  for (const h of [hit.snippet, hit.title]) {
    const first = h.highlights[0];
    const last = h.highlights[h.highlights.length - 1];
    if (!first || !last) continue;
    const whole = h.text.slice(first[0], last[1]);
    // A passage spanning half the snippet is no longer "a passage": keep the first matched words then.
    return (whole.length <= 160 ? whole : h.text.slice(first[0], first[1])).replace(/\s+/g, ' ').trim();
  }
  return null;
}

/** The first and removing versions of `passage` (case and spacing aside) among `versions` (oldest first); null when no version has it. */
export function placePassage(passage: string, versions: ReadonlyArray<Pick<Version, 'number' | 'title' | 'text'>>): { first: number; removed: number | null } | null {
  const key = norm(passage);
  let first: number | null = null;
  let lastWith: number | null = null;
  for (const v of versions) {
    if (norm(`${v.title}\n${v.text}`).includes(key)) {
      first ??= v.number;
      lastWith = v.number;
    }
  }
  if (first === null || lastWith === null) return null;
  const after = versions.find((v) => v.number > lastWith);
  return { first, removed: after ? after.number : null };
}

/** The diff that brought version `n` (version 1's page for the first). */
const changeHref = (articleId: number, n: number): string => (n > 1 ? diffPath(articleId, n - 1, n) : versionPath(articleId, 1));

/**
 * The histories of the hits of a page, in order (null for a hit whose passage cannot be told). The index says where
 * the matching text first entered (the first version that brought it) and whether the latest version still has the
 * words; when it does not, the versions after the last one that brought the text are read, oldest first, up to the
 * first without the passage: usually the very next one, within a budget of versions and characters.
 */
export async function passageHistories(store: Store, hits: readonly SearchHit[]): Promise<Array<PassageHistory | null>> {
  let budget = HISTORY_MAX_CHARS;
  const out: Array<PassageHistory | null> = [];
  for (const hit of hits) {
    const passage = hitPassage(hit);
    if (!passage) {
      out.push(null);
      continue;
    }
    let removed: number | null = null;
    if (!hit.stillPresent) {
      const key = norm(passage);
      const last = Math.min(hit.latestVersion, hit.lastMatchingVersion + HISTORY_MAX_VERSIONS);
      for (let n = hit.lastMatchingVersion + 1; n <= last && budget > 0; n++) {
        const v = await store.getVersion(hit.articleId, n);
        if (!v) continue;
        budget -= v.text.length;
        if (!norm(`${v.title}\n${v.text}`).includes(key)) {
          removed = n;
          break;
        }
      }
    }
    out.push({
      passage,
      firstNumber: hit.firstMatchingVersion,
      firstHref: changeHref(hit.articleId, hit.firstMatchingVersion),
      removedNumber: removed,
      removedHref: removed === null ? null : diffPath(hit.articleId, removed - 1, removed),
      gone: !hit.stillPresent,
      approximate: false,
    });
  }
  return out;
}
