/**
 * What the search index holds of a version, shared by both backends: only what the version brought. Consecutive
 * versions of an article are nearly identical, so indexing every version's whole text stored the same words again
 * and again; instead each version is indexed by its headline when the headline changed (every version 1) and by the
 * paragraphs that were not in the version before it (all of version 1's text). A word is then found at the version
 * where it entered the article. The paragraphs are cut as the differ cuts them (src/differ's splitParagraphs: at
 * blank lines, trimmed), and compared case- and spacing-insensitively: a paragraph that only changed case or
 * spacing brings no word the search could tell apart.
 */

/** The texts a version gives the search index: its headline (empty when unchanged) and the paragraphs it added. */
export interface IndexedPassages {
  title: string;
  text: string;
}

/** A version as the index reads it. */
export interface PassageSource {
  title: string;
  text: string;
}

/** Paragraphs of a text: the same cut as the differ's splitParagraphs (text.split(/\n\s*\n/), trimmed, empty dropped). */
export function splitPassages(text: string): string[] {
  return text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');
}

const key = (p: string): string => p.replace(/\s+/g, ' ').toLowerCase();

/**
 * What version `cur` brings to the index after `prev` (null for a first version): its headline when it differs from
 * the one before, and the paragraphs `prev` did not have, joined by blank lines. Null when it brings nothing (a
 * version that only removed or reordered paragraphs): such a version has no row in the index.
 */
export function addedPassages(prev: PassageSource | null, cur: PassageSource): IndexedPassages | null {
  // Most paragraphs come back byte for byte: looked up as they are first, normalised only when that fails.
  const exact = new Set(prev ? splitPassages(prev.text) : []);
  let folded: Set<string> | null = null;
  const added: string[] = [];
  for (const p of splitPassages(cur.text)) {
    if (exact.has(p)) continue;
    folded ??= new Set([...exact].map(key));
    const k = key(p);
    if (folded.has(k)) continue;
    folded.add(k); // a paragraph repeated within the version is indexed once
    exact.add(p);
    added.push(p);
  }
  const title = prev === null || key(prev.title.trim()) !== key(cur.title.trim()) ? cur.title : '';
  if (title.trim() === '' && added.length === 0) return null;
  return { title, text: added.join('\n\n') };
}

/** How many words (as the index counts them) a version's indexed passages hold: for tests and measurements. */
export function countIndexedWords(p: IndexedPassages | null): number {
  if (p === null) return 0;
  return (`${p.title}\n${p.text}`.match(/[\p{L}\p{N}]+/gu) ?? []).length;
}
