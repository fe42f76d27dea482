/**
 * The comparison baseline: Mozilla Readability on a linkedom DOM, the extractor Palimpsest must beat.
 * Used by the corpus test and the benchmark only; the pipeline never calls it.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** Readability's article text for `html` (its textContent), or '' when it finds no article or fails. */
export function readabilityText(html: string): string {
  try {
    const { document } = parseHTML(html);
    // linkedom's document implements the subset of the DOM Readability uses; the DOM lib types are not loaded here.
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
    return article?.textContent ?? '';
  } catch {
    return '';
  }
}
