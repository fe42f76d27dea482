/**
 * The schema of a source as users write it (sources.yaml, `source add`, POST /api/sources) and as it is stored
 * (the sources row: slug, name and kind as columns, the rest as the JSON `config`).
 */
import { z } from 'zod';
import { isUrlPatternSyntax, patternError } from '../discovery/patterns.js';
import { operatorRegexError } from '../common/operator-regex.js';
import { selectorError } from '../discovery/page.js';
import type { Config } from '../config/index.js';
import type { Source } from '../store/index.js';
import { siteRuleSchema } from '../extractor/rules.js';

/** Thrown for an invalid source definition; the message starts with "sources:" and lists every problem. */
export class SourceConfigError extends Error {
  constructor(message: string) {
    super(`sources: ${message}`);
    this.name = 'SourceConfigError';
  }
}

/** A slug from a name: lower-case ASCII letters and digits joined by single hyphens ('' when nothing is left). */
export function slugify(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const httpUrl = z.string().trim().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL').refine((s) => {
  // Source URLs are shown on public pages: a password in one would be published.
  try {
    const u = new URL(s);
    return !u.username && !u.password;
  } catch {
    return true;
  }
}, 'must not hold a user name or password (it would be shown on public pages)');

const urlPattern = z.string().superRefine((p, ctx) => {
  const err = patternError(p);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});

const cssSelector = z.string().trim().min(1).superRefine((s, ctx) => {
  const err = selectorError(s);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});

/**
 * `links` of a page source: `{ selector, pattern }` (either or both), or a string: a URL pattern when it looks like
 * one (starts with `/`, `re:`, `**` or `http(s)://`), else a CSS selector.
 */
const linksSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (isUrlPatternSyntax(v) ? { pattern: v.trim() } : { selector: v.trim() }) : v),
  z.object({ selector: cssSelector.optional(), pattern: urlPattern.optional() }).strict()
    .refine((l) => l.selector !== undefined || l.pattern !== undefined, 'give a selector, a pattern or both'),
);

/** Per-source overrides of the article check schedule (see Config.scheduler). */
const scheduleSchema = z.object({
  afterChangeS: z.number().positive().optional(),
  growth: z.number().min(1).optional(),
  maxIntervalS: z.number().positive().optional(),
}).strict();

/** The schema of one source definition. */
export const sourceSchema = z.object({
  /** Display name, e.g. "The Guardian, politics". */
  name: z.string({ error: 'a source needs a name' }).trim().min(1, 'a source needs a name'),
  /** URL-safe identifier; derived from the name when absent. */
  slug: z.string().regex(SLUG, 'a slug is lower-case letters and digits joined by single hyphens').optional(),
  kind: z.enum(['feed', 'sitemap', 'page'], { error: 'kind must be feed, sitemap or page' }),
  /** Feed, sitemap (or sitemap index) or front-page URLs. */
  urls: z.array(httpUrl, { error: 'urls must be a list of URLs' }).min(1, 'give at least one URL'),
  /** Page sources only: how article links are found. */
  links: linksSchema.optional(),
  /** Only URLs matching one of these are tracked (all when empty). */
  include: z.array(urlPattern).default([]),
  /** URLs matching any of these are never tracked. */
  exclude: z.array(urlPattern).default([]),
  /** Seconds between polls. */
  intervalS: z.number().int().min(60, 'poll at most once a minute (intervalS >= 60)').default(600),
  schedule: scheduleSchema.optional(),
  /** Extra query parameters to strip when canonicalising (exact names or `prefix*`). */
  stripParams: z.array(z.string().trim().min(1)).default([]),
  /** Child sitemaps of a sitemap index fetched per poll (the most recently modified). */
  maxChildSitemaps: z.number().int().min(1).max(1000).default(10),
  /** Links published (or last modified) more than this many days ago are skipped. */
  maxAgeDays: z.number().positive().optional(),
  /**
   * How the source's articles are loaded: 'browser' renders them in Chromium before extraction (pages whose text is
   * written by JavaScript), 'off' fetches them over plain HTTP; absent: the configuration's render.default.
   */
  render: z.enum(['off', 'browser'], { error: 'render must be off or browser' }).optional(),
  /** Rendered articles only: keep a full-page screenshot of each new version (absent: render.screenshots). */
  screenshot: z.boolean().optional(),
  /** Site rules for the extractor (CSS selectors for body, title, byline and elements to drop), per domain. */
  rules: z.array(siteRuleSchema).default([]),
  /**
   * Regular expressions (JavaScript syntax, run on a linear-time engine: no backreferences or lookaround): body
   * paragraphs matching any of them are noise and never count as text.
   */
  ignore: z.array(z.string().superRefine((s, ctx) => {
    // Checked as the tracker runs them: JavaScript syntax with the u flag, on the linear-time engine.
    const problem = operatorRegexError(s, { unicode: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem.invalid ? `not a valid regular expression: ${problem.message}` : problem.message });
  })).default([]),
}).strict().superRefine((s, ctx) => {
  if (s.kind === 'page' && s.links === undefined) {
    ctx.addIssue({ code: 'custom', path: ['links'], message: 'a page source needs links: a CSS selector or a URL pattern' });
  }
  if (s.kind !== 'page' && s.links !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['links'], message: `links only applies to page sources, not ${s.kind} sources` });
  }
  if (s.slug === undefined && slugify(s.name) === '') {
    ctx.addIssue({ code: 'custom', path: ['slug'], message: `cannot derive a slug from the name ${JSON.stringify(s.name)}; give one` });
  }
}).transform((s) => ({ ...s, slug: s.slug ?? slugify(s.name) }));

/** A validated source definition. */
export type SourceDefinition = z.output<typeof sourceSchema>;

/** A source definition as written by a user (defaults not applied). */
export type SourceDefinitionInput = z.input<typeof sourceSchema>;

/** Readable lines for zod issues, each naming its field (`urls[0]: must be...`). */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((i) => {
    const path = i.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
    return `${path || '(source)'}: ${i.message}`;
  });
}

/** Validates one source definition; throws SourceConfigError naming `where` and every bad field. */
export function parseSourceDefinition(input: unknown, where = 'source'): SourceDefinition {
  const r = sourceSchema.safeParse(input);
  if (r.success) return r.data;
  throw new SourceConfigError(`${where} is invalid:\n${formatIssues(r.error.issues).map((l) => `  - ${l}`).join('\n')}`);
}

/** The parts of a definition stored in the sources row. */
export function toStoredSource(def: SourceDefinition): { slug: string; name: string; kind: SourceDefinition['kind']; config: Record<string, unknown> } {
  const { slug, name, kind, ...config } = def;
  return { slug, name, kind, config };
}

/** The definition of a stored source (re-validated: the stored JSON may predate a schema change). */
export function definitionOf(source: Source): SourceDefinition {
  if (source.kind === 'manual') throw new SourceConfigError(`source ${source.slug} is a manual source and is not polled`);
  const config = typeof source.config === 'object' && source.config !== null ? source.config : {};
  return parseSourceDefinition({ ...config, slug: source.slug, name: source.name, kind: source.kind }, `source ${source.slug}`);
}

/** The article check schedule for articles of a source: the global settings with the source's overrides. */
export function checkScheduleFor(base: Config['scheduler'], def: Pick<SourceDefinition, 'schedule'> | null): Config['scheduler'] {
  return def?.schedule ? { ...base, ...Object.fromEntries(Object.entries(def.schedule).filter(([, v]) => v !== undefined)) } : base;
}
