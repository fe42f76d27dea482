/** Front-page link discovery and URL patterns. */
import { describe, it, expect } from '@jest/globals';
import { extractPageLinks, selectorError } from '../src/discovery/page.js';
import { compileUrlFilter, compileUrlPattern, isUrlPatternSyntax, passesFilter, patternError } from '../src/discovery/patterns.js';

const FRONT_PAGE = `<!DOCTYPE html>
<html><head><title>The Example Times</title><base href="https://www.example-times.com/"></head>
<body>
<header><nav class="site-nav">
  <a href="/">Home</a> <a href="/news/">News</a> <a href="/sport/">Sport</a> <a href="/news/world/">World</a>
  <a href="https://accounts.example-times.com/signin">Sign in</a>
</nav></header>
<main>
  <section class="top-stories">
    <article class="card"><h3><a href="news/2025/mar/04/budget-reaction">Budget: the reaction</a></h3>
      <a href="news/2025/mar/04/budget-reaction#comments">312 comments</a></article>
    <article class="card"><h3><a href="/news/2025/mar/04/flood-warnings?utm_source=homepage">Flood   warnings
      issued</a></h3></article>
    <article class="card"><a class="card-link" href="/news/2025/mar/03/election-analysis" title="Election analysis"><img src="a.jpg" alt=""></a></article>
    <article class="card"><h3><a href="/live/2025/mar/04/budget-live">Budget live</a></h3></article>
  </section>
  <aside class="most-read"><a href="/news/2025/feb/12/old-favourite">Old favourite</a></aside>
  <p><a href="mailto:tips@example-times.com">Send us tips</a> <a href="javascript:void(0)">Menu</a></p>
</main>
</body></html>`;

describe('front page links', () => {
  it('selects links inside the elements a CSS selector matches, resolved against <base href>, each once', () => {
    const links = extractPageLinks(FRONT_PAGE, 'https://www.example-times.com/uk', { selector: 'section.top-stories article' });
    expect(links).toEqual([
      { url: 'https://www.example-times.com/news/2025/mar/04/budget-reaction', title: 'Budget: the reaction' },
      { url: 'https://www.example-times.com/news/2025/mar/04/flood-warnings?utm_source=homepage', title: 'Flood warnings issued' },
      { url: 'https://www.example-times.com/news/2025/mar/03/election-analysis', title: 'Election analysis' },
      { url: 'https://www.example-times.com/live/2025/mar/04/budget-live', title: 'Budget live' },
    ]);
  });
  it('keeps only the links matching a URL pattern (nav, sign-in, mailto and javascript links fall away)', () => {
    const links = extractPageLinks(FRONT_PAGE, 'https://www.example-times.com/uk', { pattern: '/news/20*/*/*/*' });
    expect(links.map((l) => l.url)).toEqual([
      'https://www.example-times.com/news/2025/mar/04/budget-reaction',
      'https://www.example-times.com/news/2025/mar/04/flood-warnings?utm_source=homepage',
      'https://www.example-times.com/news/2025/mar/03/election-analysis',
      'https://www.example-times.com/news/2025/feb/12/old-favourite',
    ]);
  });
  it('combines a selector (the area) and a pattern (the URLs)', () => {
    const links = extractPageLinks(FRONT_PAGE, 'https://www.example-times.com/uk', { selector: 'main h3 a', pattern: 're:/news/\\d{4}/' });
    expect(links.map((l) => l.title)).toEqual(['Budget: the reaction', 'Flood warnings issued']);
  });
  it('resolves against the page URL when there is no <base>', () => {
    expect(extractPageLinks('<a href="story-1">One</a>', 'https://x.example/section/', {})).toEqual([{ url: 'https://x.example/section/story-1', title: 'One' }]);
  });
  it('reports invalid selectors', () => {
    expect(selectorError('main article')).toBeNull();
    expect(selectorError('main >>> [')).toMatch(/^invalid CSS selector/);
  });
});

describe('URL patterns', () => {
  const url = 'https://www.example-times.com/news/2025/mar/04/budget?page=2';
  it('path globs match path and query; * stays within a segment, ** crosses them', () => {
    expect(compileUrlPattern('/news/**')(url)).toBe(true);
    expect(compileUrlPattern('/news/*')(url)).toBe(false);
    expect(compileUrlPattern('/news/*/*/*/budget?page=2')(url)).toBe(true);
    expect(compileUrlPattern('/news/*/*/*/budget')(url)).toBe(false);
  });
  it('full-URL globs, scheme-less globs and regular expressions', () => {
    expect(compileUrlPattern('https://www.example-times.com/news/**')(url)).toBe(true);
    expect(compileUrlPattern('http://www.example-times.com/news/**')(url)).toBe(false);
    expect(compileUrlPattern('*.example-times.com/news/**')(url)).toBe(true);
    expect(compileUrlPattern('www.example-times.com/sport/**')(url)).toBe(false);
    expect(compileUrlPattern('**/2025/**')(url)).toBe(true);
    expect(compileUrlPattern('re:/\\d{4}/[a-z]{3}/')(url)).toBe(true);
    expect(compileUrlPattern('re:^http:')(url)).toBe(false);
  });
  it('dots and other regex characters in globs are literal', () => {
    expect(compileUrlPattern('www.example-times.com/**')('https://wwwXexample-times.com/a')).toBe(false);
  });
  it('include and exclude filters', () => {
    const f = compileUrlFilter(['/news/**'], ['/news/live/**', '**/video/**']);
    expect(passesFilter(f, 'https://x.example/news/a')).toBe(true);
    expect(passesFilter(f, 'https://x.example/news/live/a')).toBe(false);
    expect(passesFilter(f, 'https://x.example/news/world/video/a')).toBe(false);
    expect(passesFilter(f, 'https://x.example/sport/a')).toBe(false);
    expect(passesFilter(compileUrlFilter([], []), 'https://x.example/anything')).toBe(true);
  });
  it('validates and classifies patterns', () => {
    expect(patternError('re:(unclosed')).toMatch(/^invalid regular expression/);
    expect(patternError('  ')).toMatch(/empty/);
    expect(patternError('/news/**')).toBeNull();
    expect(isUrlPatternSyntax('/news/**')).toBe(true);
    expect(isUrlPatternSyntax('re:foo')).toBe(true);
    expect(isUrlPatternSyntax('https://x.example/*')).toBe(true);
    expect(isUrlPatternSyntax('**/news/**')).toBe(true);
    expect(isUrlPatternSyntax('main article h3 a')).toBe(false);
    expect(isUrlPatternSyntax('a[href*="/news/"]')).toBe(false);
  });
});
