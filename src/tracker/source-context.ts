/**
 * What an article's source adds to checking it: site rules for the extractor, ignore patterns for noise lines,
 * the source's check-schedule overrides and the query parameters stripped when canonicalising.
 */
import type { Config } from '../config/index.js';
import { compileOperatorRegex, type OperatorRegex } from '../common/operator-regex.js';
import type { SiteRule } from '../extractor/index.js';
import { checkScheduleFor, definitionOf } from '../sources/index.js';
import type { Article, Source, Store } from '../store/index.js';

/** The source-derived settings of one article. */
export interface SourceContext {
  rules: SiteRule[];
  /** Linear-time matchers: a page's paragraphs are the site's to choose (see src/common/operator-regex.ts). */
  ignore: OperatorRegex[];
  scheduler: Config['scheduler'];
  stripParams: string[];
  /** Render the article in a browser before extraction (source `render`, else render.default), and keep screenshots of new versions. */
  render: { browser: boolean; screenshot: boolean };
}

/** The global settings: the context of an article without a source. */
export function plainContext(config: Config): SourceContext {
  return { rules: [], ignore: [], scheduler: config.scheduler, stripParams: [], render: renderChoice(config, {}) };
}

/** The context given by an article's source (null: none, or a manual one); throws when its settings do not validate. Pure. */
export function contextOfSource(config: Config, source: Source | null): SourceContext {
  if (!source || source.kind === 'manual') return plainContext(config);
  const def = definitionOf(source);
  return {
    rules: def.rules,
    ignore: def.ignore.map((p) => compileOperatorRegex(p, { unicode: true })),
    scheduler: checkScheduleFor(config.scheduler, def),
    stripParams: def.stripParams,
    render: renderChoice(config, def),
  };
}

/** Whether to render (the source's `render`, else render.default) and to keep screenshots (likewise). Pure. */
export function renderChoice(config: Config, def: { render?: 'off' | 'browser' | undefined; screenshot?: boolean | undefined }): SourceContext['render'] {
  const browser = (def.render ?? config.render.default) === 'browser';
  return { browser, screenshot: browser && (def.screenshot ?? config.render.screenshots) };
}

/** The context for `article`: its source's settings, or the global ones for an article without a source. */
export async function sourceContext(store: Store, config: Config, article: Article): Promise<SourceContext> {
  if (article.sourceId === null) return plainContext(config);
  return contextOfSource(config, await store.getSource(article.sourceId));
}

/** Paragraphs without the ones matching an ignore pattern. */
export function dropIgnored(paragraphs: string[], ignore: readonly OperatorRegex[]): string[] {
  return ignore.length === 0 ? paragraphs : paragraphs.filter((p) => !ignore.some((re) => re.test(p)));
}
