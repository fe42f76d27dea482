/**
 * Regular expressions an operator writes (a source's `re:` URL patterns and `ignore` line patterns), run on text a
 * site controls (feed links, page paragraphs). They are written in JavaScript syntax but run on RE2 (re2js, a pure
 * JavaScript port), whose matching time is linear in the text: JavaScript's backtracking engine takes exponential
 * time on `(a+)+$` against a long run of `a`s and blocks its thread, so one hostile page or feed could stall the
 * scheduler (and with it SIGTERM). What RE2 cannot run in linear time (backreferences, lookaround) is refused when
 * the pattern is configured, with a message saying why.
 *
 * The translation keeps JavaScript's meaning where the two engines differ on common patterns: `\s` and `\S` use
 * JavaScript's whitespace (RE2's `\s` is ASCII only, so a no-break space would stop matching), `.` excludes every
 * JavaScript line terminator, and RE2JS.translateRegExp handles `\uXXXX`, `\u{X}`, `\cX`, `[^]`, `[]`, `(?<name>`.
 */
import { RE2JS } from 're2js';

/** A compiled operator regular expression: `test` searches (unanchored) like RegExp.prototype.test. */
export interface OperatorRegex {
  /** The pattern as the operator wrote it. */
  readonly source: string;
  /** True when the pattern matches anywhere in `text`; time linear in the length of `text`. */
  test(text: string): boolean;
}

/** How a pattern is read. */
export interface OperatorRegexOptions {
  /** Validate as JavaScript with the `u` flag (ignore patterns are; URL patterns are not). */
  unicode?: boolean;
}

/** JavaScript's WhiteSpace and LineTerminator code points (what `\s` matches), as inclusive ranges. */
const JS_SPACE: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f],
  [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
/** JavaScript's line terminators, which `.` does not match. */
const JS_LINE_END: ReadonlyArray<readonly [number, number]> = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];

const hex = (c: number): string => `\\x{${c.toString(16)}}`;
/** Ranges as the inside of an RE2 character class. */
const classBody = (ranges: ReadonlyArray<readonly [number, number]>): string =>
  ranges.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');

/** The code points outside `ranges` (sorted, disjoint), for `\S` inside a class where `[^...]` cannot nest. */
function complement(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

const SPACE = classBody(JS_SPACE);
const NOT_SPACE = classBody(complement(JS_SPACE));
const NOT_LINE_END = `[^${classBody(JS_LINE_END)}]`;

/** RE2 syntax (from RE2JS.translateRegExp) with `\s`, `\S` and `.` given their JavaScript meaning. */
function withJsClasses(re2: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < re2.length; i++) {
    const c = re2[i] as string;
    if (c === '\\') {
      const next = re2[i + 1] ?? '';
      i++;
      if (next === 's') out += inClass ? SPACE : `[${SPACE}]`;
      else if (next === 'S') out += inClass ? NOT_SPACE : `[^${SPACE}]`;
      else out += c + next;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (re2[i + 1] === '^') out += re2[++i];
      // In RE2 a `]` right after `[` or `[^` is a literal (translateRegExp has already turned JavaScript's `[]` into a class).
      if (re2[i + 1] === ']') out += re2[++i];
    } else out += c === '.' ? NOT_LINE_END : c;
  }
  return out;
}

/** Why RE2 cannot run `source` (a JavaScript pattern) in linear time: a backreference or lookaround; null otherwise. */
function unsupportedFeature(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<'))) {
        return 'backreferences (\\1, \\k<name>) are not supported';
      }
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(' && /^\(\?(?:=|!|<=|<!)/.test(source.slice(i, i + 4))) {
      return 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported';
    }
  }
  return null;
}

const WHY = 'patterns run on a linear-time engine (RE2) so that no page or feed can stall Palimpsest';

/** Why a pattern cannot run: not valid JavaScript (`invalid`, with the engine's message), or beyond RE2. */
export interface RegexProblem {
  /** True when JavaScript itself refuses the pattern (a syntax error); false when only RE2 cannot run it. */
  invalid: boolean;
  message: string;
}

/** The RE2 form of a JavaScript pattern, or the reason it has none. */
function translate(source: string, opts: OperatorRegexOptions): { re2: string } | { problem: RegexProblem } {
  try {
    new RegExp(source, opts.unicode ? 'u' : '');
  } catch (err) {
    return { problem: { invalid: true, message: (err as Error).message } };
  }
  const feature = unsupportedFeature(source);
  if (feature) return { problem: { invalid: false, message: `${feature}: ${WHY}` } };
  const re2 = withJsClasses(RE2JS.translateRegExp(source));
  try {
    RE2JS.compile(re2);
  } catch (err) {
    return { problem: { invalid: false, message: `RE2 cannot run this regular expression (${(err as Error).message}); ${WHY}` } };
  }
  return { re2 };
}

/** Why `source` cannot be an operator pattern (invalid JavaScript, or beyond RE2), or null when it can. */
export function operatorRegexError(source: string, opts: OperatorRegexOptions = {}): RegexProblem | null {
  const t = translate(source, opts);
  return 'problem' in t ? t.problem : null;
}

/** Compiled patterns by source and options: a source's ignore patterns are compiled again for every check. */
const cache = new Map<string, OperatorRegex>();
const CACHE_MAX = 512;

/** Compiles an operator pattern (JavaScript syntax) to run on RE2. Throws "regex: ..." when operatorRegexError would. */
export function compileOperatorRegex(source: string, opts: OperatorRegexOptions = {}): OperatorRegex {
  const key = `${opts.unicode ? 'u' : '-'}${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const t = translate(source, opts);
  if ('problem' in t) throw new Error(`regex: ${JSON.stringify(source)}: ${t.problem.invalid ? 'invalid regular expression: ' : ''}${t.problem.message}`);
  const re = RE2JS.compile(t.re2);
  const compiled: OperatorRegex = { source, test: (text) => re.test(text) };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** Compiles a pattern already in RE2 syntax (built by Palimpsest, e.g. from a glob); `test` is linear-time too. */
export function compileRe2(re2: string): OperatorRegex {
  const re = RE2JS.compile(re2);
  return { source: re2, test: (text) => re.test(text) };
}

/** `text` as an RE2 pattern matching it literally. */
export function re2Literal(text: string): string {
  return RE2JS.quote(text);
}
