/**
 * Operator regular expressions (`re:` URL patterns, `ignore` line patterns) and URL globs run on a linear-time
 * engine: catastrophic patterns finish on long site-controlled text, patterns mean what they mean in JavaScript,
 * and what the engine cannot run (backreferences, lookaround) is refused at configuration time, naming the field.
 */
import { describe, expect, it } from '@jest/globals';
import { compileOperatorRegex, operatorRegexError } from '../src/common/operator-regex.js';
import { compileUrlFilter, compileUrlPattern, passesFilter, patternError } from '../src/discovery/patterns.js';
import { parseSourceDefinition, parseSourcesFile } from '../src/sources/index.js';
import { dropIgnored } from '../src/tracker/source-context.js';

const RUN = 'a'.repeat(50_000);

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('test: expected an error');
}

describe('catastrophic patterns on long site-controlled text', () => {
  // No wall-clock bound is asserted: on a backtracking engine these calls never return, so finishing is the test.
  it('a re: include pattern against a feed link of 50,000 a and "!"', () => {
    const link = `https://news.example/${RUN}!`;
    expect(compileUrlPattern('re:(a+)+$')(link)).toBe(false);
    expect(compileUrlPattern('re:(a+)+$')(`https://news.example/${RUN}`)).toBe(true);
    expect(passesFilter(compileUrlFilter(['re:(a|aa)+$'], ['re:^(\\w+\\s?)*$']), link)).toBe(false);
  });
  it('an ignore pattern against a long paragraph', () => {
    const paragraphs = ['A short first paragraph.', `One protester held a banner that simply read: ${RUN}!`, 'Ends in an a'];
    const ignore = ['(a+)+$', '^(([a-z])+.)+[A-Z]([a-z])+$'].map((p) => compileOperatorRegex(p, { unicode: true }));
    expect(dropIgnored(paragraphs, ignore)).toEqual(paragraphs.slice(0, 2));
  });
  it('globs with many ** against a long link', () => {
    expect(compileUrlPattern('/**a**a**a**a**a**a**a**b')(`https://news.example/${RUN}`)).toBe(false);
    expect(compileUrlPattern('**a**a**a**a**a**a**b')(`https://news.example/${RUN}b`)).toBe(true);
  });
});

describe('patterns keep their JavaScript meaning', () => {
  const patterns = ['^Share this article$', '^Reading time: \\d+ min', '\\s+', '^\\S+$', '[\\s\\S]+x', 'a.b', '[^]', '[^\\s]',
    '(?<year>\\d{4})-\\d\\d', '\\u00e9', '\\p{L}+$', '\\bword\\b', 'x|y', '^$', '\\/story\\/\\d+', '[.]', 'a{2,}'];
  const inputs = ['Share this article', 'Share\u00a0this', 'Reading time: 5 min', 'a\nb', 'a\u2028b', 'a\rb', 'axb', 'é', '2024-05', ' ', '',
    'word up', 'ab\u00a0', '/story/12', 'x\u3000x', 'aaa', '.'];
  it.each(patterns)('%s matches what RegExp matches', (p) => {
    const ours = compileOperatorRegex(p, { unicode: true });
    const js = new RegExp(p, 'u');
    expect(inputs.map((i) => ours.test(i))).toEqual(inputs.map((i) => js.test(i)));
  });
  it('globs and re: patterns as before', () => {
    const url = 'https://www.example-times.com/news/2025/mar/04/budget?page=2';
    expect(compileUrlPattern('/news/*/*/*/budget?page=2')(url)).toBe(true);
    expect(compileUrlPattern('www.example-times.com/**')('https://wwwXexample-times.com/a')).toBe(false);
    expect(compileUrlPattern('re:/\\d{4}/[a-z]{3}/')(url)).toBe(true);
  });
});

describe('patterns the linear-time engine cannot run are refused when configured', () => {
  it('names the feature and why', () => {
    expect(operatorRegexError('(a)\\1')?.message).toMatch(/^backreferences \(\\1, \\k<name>\) are not supported: patterns run on a linear-time engine/);
    expect(operatorRegexError('(?<x>a)\\k<x>', { unicode: true })?.message).toMatch(/^backreferences/);
    for (const p of ['(?=a)b', 'a(?!b)', '(?<=a)b', '(?<!a)b']) expect(operatorRegexError(p)?.message).toMatch(/^lookahead and lookbehind/);
    expect(operatorRegexError('[(?=a)]\\\\1')).toBeNull();
    expect(operatorRegexError('(unclosed')).toMatchObject({ invalid: true });
    expect(patternError('re:(a)\\1')).toMatch(/^backreferences/);
    expect(() => compileOperatorRegex('(?=a)')).toThrow(/^regex: "\(\?=a\)": lookahead/);
  });
  it('in a source definition, naming the field', () => {
    const msg = errorOf(() => parseSourceDefinition({
      name: 'Hostile', kind: 'feed', urls: ['https://x.example/rss'],
      include: ['re:(\\w+)-\\1'], exclude: ['re:live(?!-blog)'], ignore: ['^(?<=x)Share'],
    }, 'source "hostile"'));
    expect(msg).toMatch(/^sources: source "hostile" is invalid:/);
    expect(msg).toMatch(/include\[0\]: backreferences/);
    expect(msg).toMatch(/exclude\[0\]: lookahead and lookbehind/);
    expect(msg).toMatch(/ignore\[0\]: lookahead and lookbehind/);
    expect(errorOf(() => parseSourceDefinition({ name: 'P', kind: 'page', urls: ['https://x.example/'], links: 're:/(\\d+)/\\1' })))
      .toMatch(/links\.pattern: backreferences/);
  });
  it('in a sources file, naming the file, the source and the field', () => {
    const yaml = 'sources:\n  - name: Hostile daily\n    kind: feed\n    urls: [https://x.example/rss]\n    ignore: ["(a)\\\\1$"]\n';
    expect(errorOf(() => parseSourcesFile(yaml, 'sources.yaml')))
      .toMatch(/^sources: sources\.yaml has 1 problem:\n {2}- source 1 \("Hostile daily"\): ignore\[0\]: backreferences/);
  });
});
