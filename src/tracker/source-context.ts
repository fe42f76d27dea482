/**
 * What an article's source adds to checking it: site rules for the extractor, ignore patterns for noise lines,
 * the source's check-schedule overrides and the query parameters stripped when canonicalising.
 */
import type { Config } from '../config/index.js';
import type { SiteRule } from '../extractor/index.js';
import { checkScheduleFor, definitionOf } from '../sources/index.js';
import { getSource, type Article, type Db } from '../store/index.js';

/** The source-derived settings of one article. */
export interface SourceContext {
  rules: SiteRule[];
  ignore: RegExp[];
  scheduler: Config['scheduler'];
  stripParams: string[];
}

/** The context for `article`: its source's settings, or the global ones for an article without a source. */
export function sourceContext(db: Db, config: Config, article: Article): SourceContext {
  const plain: SourceContext = { rules: [], ignore: [], scheduler: config.scheduler, stripParams: [] };
  if (article.sourceId === null) return plain;
  const source = getSource(db, article.sourceId);
  if (!source || source.kind === 'manual') return plain;
  const def = definitionOf(source);
  return {
    rules: def.rules,
    ignore: def.ignore.map((p) => new RegExp(p, 'u')),
    scheduler: checkScheduleFor(config.scheduler, def),
    stripParams: def.stripParams,
  };
}

/** Paragraphs without the ones matching an ignore pattern. */
export function dropIgnored(paragraphs: string[], ignore: RegExp[]): string[] {
  return ignore.length === 0 ? paragraphs : paragraphs.filter((p) => !ignore.some((re) => re.test(p)));
}
