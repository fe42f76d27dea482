/**
 * URL patterns for include/exclude filters and front-page link selection. Four forms:
 *
 * - `re:<regex>`: a regular expression in JavaScript syntax, searched (not anchored) in the full URL, e.g.
 *   `re:/20\d\d/\d\d/`. It runs on a linear-time engine (src/common/operator-regex.ts): a feed's links are the
 *   site's to choose, so no pattern may take more than linear time on them; backreferences and lookaround are refused.
 * - `/path-glob`: matched against the path and query, e.g. `/news/articles/*`, `/live/**`.
 * - `http://…` or `https://…` glob: matched against the full URL, e.g. `https://www.example.com/news/**`.
 * - any other glob: matched against the URL without its scheme (host, port, path, query), e.g.
 *   `www.example.com/news/**`, `*.example.com/sport/**`, `**\/video/**`.
 *
 * Globs match the whole string. `*` matches any run of characters except `/`, `**` matches anything including `/`.
 * No other character is special (`?` is the literal query separator). URLs are canonicalised before they are
 * matched, so hosts are lower case and tracking parameters are gone. Globs run on the same linear-time engine: as
 * backtracking regular expressions, a glob with many `**` would take polynomial time on a long link.
 */
import { compileOperatorRegex, compileRe2, operatorRegexError, re2Literal, type OperatorRegex } from '../common/operator-regex.js';

/** A compiled pattern: tests a canonical absolute URL. */
export type UrlMatcher = (url: string) => boolean;

/** Why `pattern` is invalid, or null when it compiles. */
export function patternError(pattern: string): string | null {
  if (pattern.trim() === '') return 'a URL pattern cannot be empty';
  if (pattern.startsWith('re:')) {
    const problem = operatorRegexError(pattern.slice(3));
    if (problem) return problem.invalid ? `invalid regular expression: ${problem.message}` : problem.message;
  }
  return null;
}

/** A glob as an anchored RE2 regular expression. */
function globToRegex(glob: string): OperatorRegex {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else re += re2Literal(c);
  }
  return compileRe2(`^${re}$`);
}

/** Compiles a pattern (see the module comment for the forms). Throws for a regular expression patternError refuses. */
export function compileUrlPattern(pattern: string): UrlMatcher {
  if (pattern.startsWith('re:')) {
    const re = compileOperatorRegex(pattern.slice(3));
    return (url) => re.test(url);
  }
  const re = globToRegex(pattern);
  if (pattern.startsWith('/')) {
    return (url) => {
      const u = safeUrl(url);
      return u !== null && re.test(u.pathname + u.search);
    };
  }
  if (/^https?:\/\//i.test(pattern)) return (url) => re.test(url);
  return (url) => re.test(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''));
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Include/exclude filter of a source: a URL passes when it matches an include (or there are none) and no exclude. */
export interface UrlFilter {
  include: UrlMatcher[];
  exclude: UrlMatcher[];
}

/** Compiles a source's include and exclude patterns. */
export function compileUrlFilter(include: readonly string[] = [], exclude: readonly string[] = []): UrlFilter {
  return { include: include.map(compileUrlPattern), exclude: exclude.map(compileUrlPattern) };
}

/** True when `url` passes the filter. */
export function passesFilter(filter: UrlFilter, url: string): boolean {
  if (filter.include.length > 0 && !filter.include.some((m) => m(url))) return false;
  return !filter.exclude.some((m) => m(url));
}

/**
 * True when a `--links` value is a URL pattern rather than a CSS selector: it starts with `/`, `re:`, `**` or
 * `http(s)://`. (A CSS selector never starts with those; use the object form `{ pattern }` for other globs.)
 */
export function isUrlPatternSyntax(spec: string): boolean {
  return /^(\/|re:|\*\*|https?:\/\/)/i.test(spec.trim());
}
