/** Reading the corpus's real article revisions (revisions/<id>/meta.json and vN.txt). */
import fs from 'node:fs';
import path from 'node:path';
import type { OriginVersion } from './news-origin.js';

/** One article of the revisions corpus. */
export interface RevisionArticle {
  id: string;
  url: string;
  versions: OriginVersion[];
}

interface Meta {
  url: string;
  versions: Array<{ file: string; title: string; authors: string[] }>;
}

/** Every article of `<corpus>/revisions`, versions in order, paragraphs split on blank lines. */
export function loadRevisions(corpus: string): RevisionArticle[] {
  const dir = path.join(corpus, 'revisions');
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'meta.json'))).sort().map((id) => {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, id, 'meta.json'), 'utf8')) as Meta;
    return {
      id,
      url: meta.url,
      versions: meta.versions.map((v) => ({
        title: v.title,
        byline: v.authors.join(' and '),
        paragraphs: fs.readFileSync(path.join(dir, id, v.file), 'utf8').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean),
      })),
    };
  });
}

/**
 * Lines the corpus keeps from its own extraction ("Photo", "Advertisement", "Continue reading the main story"):
 * page furniture, not article text, so a version that only adds them is not a real change.
 */
const NOISE = /^(?:(?:Photo|Advertisement|Video|Continue reading the main story)\s*)+$/;

/** The version's paragraphs without the corpus's own extraction noise lines. */
export function realParagraphs(v: OriginVersion): string[] {
  return v.paragraphs.filter((p) => !NOISE.test(p));
}

/** Whitespace-folded form used to decide what counts as a real change, independently of the versioner. */
export function folded(v: OriginVersion): string {
  return `${v.title.replace(/\s+/g, ' ').trim()}|${realParagraphs(v).join(' ').replace(/\s+/g, ' ').trim()}`;
}
