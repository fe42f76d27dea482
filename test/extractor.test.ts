import { describe, it, expect } from '@jest/globals';
import { extract, findRule, siteRuleSchema, EXTRACTOR_VERSION, type SiteRule } from '../src/extractor/index.js';
import { toIsoDate } from '../src/extractor/dates.js';
import { stripSiteName, siteIdentities } from '../src/extractor/title.js';
import { scorePage, scoreCorpus } from '../src/extractor/score.js';

const LONG_A = 'The first paragraph of the story tells what happened in the city on Friday morning, when crowds gathered downtown.';
const LONG_B = 'The second paragraph goes on with more detail about the event and what the officials said to the reporters afterwards.';
const LONG_C = 'A third paragraph closes the story with a quote from a witness who saw everything from a window across the street.';

function page(head: string, body: string, lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
}

describe('extractor metadata', () => {
  it('reads JSON-LD @graph with @id references, arrays and nested objects', () => {
    const ld = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebSite', name: 'The Daily Planet' },
        {
          '@type': ['NewsArticle'],
          headline: 'Crowds gather downtown',
          author: [{ '@id': '#p1' }, { '@type': 'Person', name: 'Lois Lane' }],
          datePublished: '2024-03-01T10:00:00+01:00',
          dateModified: '2024-03-01T12:30:00+01:00',
          articleSection: ['Metropolis', 'City'],
          image: [{ '@type': 'ImageObject', url: '/img/lead.jpg' }],
          publisher: { '@type': 'NewsMediaOrganization', name: 'Daily Planet Media' },
          inLanguage: 'en-US',
        },
        { '@type': 'Person', '@id': '#p1', name: 'Clark Kent' },
      ],
    };
    const html = page(`<title>Crowds gather downtown | The Daily Planet</title><script type="application/ld+json">${JSON.stringify(ld)}</script>`, `<p>${LONG_A}</p>`, '');
    const e = extract(html, 'https://www.dailyplanet.example/news/1');
    expect(e.title).toBe('Crowds gather downtown');
    expect(e.byline).toBe('Clark Kent, Lois Lane');
    expect(e.publishedAt).toBe('2024-03-01T09:00:00.000Z');
    expect(e.modifiedAt).toBe('2024-03-01T11:30:00.000Z');
    expect(e.section).toBe('Metropolis');
    expect(e.image).toBe('https://www.dailyplanet.example/img/lead.jpg');
    expect(e.siteName).toBe('Daily Planet Media');
    expect(e.lang).toBe('en-US');
  });

  it('falls back to OpenGraph and <meta> when there is no JSON-LD, resolving relative URLs against <base>', () => {
    const head = [
      '<base href="https://cdn.example.org/site/">',
      '<title>Ignored title tag - Example News</title>',
      '<meta property="og:title" content="  The   OpenGraph headline ">',
      '<meta property="og:site_name" content="Example News">',
      '<meta property="og:image" content="images/lead.png">',
      '<meta name="description" content="A short standfirst.">',
      '<meta property="article:published_time" content="2019-11-19T08:15:00-05:00">',
      '<meta property="article:modified_time" content="20191119T101500Z">',
      '<meta property="article:section" content="Science">',
      '<meta name="author" content="Jane Roe">',
      '<link rel="canonical" href="story.html">',
    ].join('');
    const e = extract(page(head, `<p>${LONG_A}</p>`, 'pt_br'), 'https://example.org/a/b');
    expect(e.title).toBe('The OpenGraph headline');
    expect(e.siteName).toBe('Example News');
    expect(e.image).toBe('https://cdn.example.org/site/images/lead.png');
    expect(e.canonicalUrl).toBe('https://cdn.example.org/site/story.html');
    expect(e.excerpt).toBe('A short standfirst.');
    expect(e.publishedAt).toBe('2019-11-19T13:15:00.000Z');
    expect(e.modifiedAt).toBe('2019-11-19T10:15:00.000Z');
    expect(e.section).toBe('Science');
    expect(e.byline).toBe('Jane Roe');
    expect(e.lang).toBe('pt-BR');
  });

  it('takes the byline from markup when no metadata names the author, without its date', () => {
    const body = `<article><h1>A headline</h1><div class="byline">By Jane Roe | Updated March 3, 2020</div><p>${LONG_A}</p></article>`;
    const e = extract(page('<title>A headline</title>', body), null);
    expect(e.byline).toBe('Jane Roe');
    expect(e.paragraphs).toEqual([LONG_A]);
  });

  it('leaves fields null (and the title empty) when the page states nothing, and never resolves a relative URL without a base', () => {
    const e = extract('<p>just text</p>', null);
    expect(e).toMatchObject({ title: '', byline: null, publishedAt: null, modifiedAt: null, lang: null, canonicalUrl: null, siteName: null, section: null, image: null, excerpt: null });
    const rel = extract(page('<link rel="canonical" href="/x">', ''), null);
    expect(rel.canonicalUrl).toBeNull();
  });

  it('normalises dates to ISO 8601 without inventing a time zone', () => {
    expect(toIsoDate('2019-11-19')).toBe('2019-11-19');
    expect(toIsoDate('2019-11-19T10:04:05')).toBe('2019-11-19T10:04:05');
    expect(toIsoDate('2019-11-19 10:04:05.123456')).toBe('2019-11-19T10:04:05.123');
    expect(toIsoDate('2019-11-19T10:04:05+0200')).toBe('2019-11-19T08:04:05.000Z');
    expect(toIsoDate('Tue, 19 Nov 2019 10:04:05 GMT')).toBe('2019-11-19T10:04:05.000Z');
    expect(toIsoDate('1574157845')).toBe('2019-11-19T10:04:05.000Z');
    expect(toIsoDate('2019-02-30')).toBeNull();
    expect(toIsoDate('November 19')).toBeNull();
    expect(toIsoDate('')).toBeNull();
  });

  it('strips a site-name prefix or suffix only when it names the site, an author or the heading says so', () => {
    const ids = siteIdentities(['BBC News'], 'www.bbc.co.uk');
    expect(stripSiteName('Obama speaks on guns - BBC News', ids)).toBe('Obama speaks on guns');
    expect(stripSiteName('BBC | Obama speaks on guns', ids)).toBe('Obama speaks on guns');
    expect(stripSiteName('Review - Xbox One X', ids)).toBe('Review - Xbox One X');
    expect(stripSiteName('Part one - part two | Whatever Site', [], ['Part one - part two'])).toBe('Part one - part two');
    expect(siteIdentities([], 'www.theguardian.com')).toContain('theguardian');
    expect(stripSiteName('Whale strandings worry tribes | The Guardian', siteIdentities([], 'www.theguardian.com'))).toBe('Whale strandings worry tribes');
  });
});

describe('extractor body', () => {
  it('keeps headings, lists and paragraphs of the article and drops furniture around and inside it', () => {
    const body = `
      <header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
      <main><article>
        <h1>Crowds gather downtown</h1>
        <p class="byline">By Clark Kent</p>
        <div class="article-body">
          <p>${LONG_A}</p>
          <figure><img src="x.jpg"><figcaption>A caption that is not body text. Photo: Someone</figcaption></figure>
          <p>Advertisement</p>
          <h2>What comes next</h2>
          <p>${LONG_B}</p>
          <div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <span>1,024 shares</span></div>
          <div class="newsletter-signup"><p>Sign up for our daily newsletter to get the news in your inbox every morning.</p></div>
          <ul><li>One listed point of the story</li><li>Another listed point</li></ul>
          <p>${LONG_C}</p>
        </div>
        <aside class="related"><h3>Related</h3><ul><li><a href="/a">Some other story headline here</a></li></ul></aside>
      </article></main>
      <footer><p>Copyright 2024 The Daily Planet. All rights reserved. Terms of use and privacy policy apply here.</p></footer>`;
    const e = extract(page('<title>Crowds gather downtown</title>', body), 'https://example.com/x');
    expect(e.paragraphs).toEqual([LONG_A, 'What comes next', LONG_B, 'One listed point of the story', 'Another listed point', LONG_C]);
    expect(e.text).toBe(e.paragraphs.join('\n\n'));
  });

  it('tells furniture lines inside the body from sentences that merely start like them', () => {
    const verdicts: [string, 'keep' | 'drop'][] = [
      ['By Jane Roe', 'drop'],
      ['By JANE ROE and John van Doe', 'drop'],
      ['Por Ana de Souza | Especial', 'drop'],
      ['By now the crowd had gone home.', 'keep'],
      ['De acordo com a polícia', 'keep'],
      ['Updated 5 minutes ago', 'drop'],
      ['Published: 19 Nov 2019, 10:04', 'drop'],
      ['Updated guidance will be published next week.', 'keep'],
      ['Photo Advertisement Continue reading the main story', 'drop'],
      ['Advertisement', 'drop'],
      ['Story continues below advertisement', 'drop'],
      ['1,234 shares', 'drop'],
      ['Whatsapp Facebook Pint Baixar', 'drop'],
      ['Photo: Getty Images', 'drop'],
      ['Watch out for the rain tomorrow.', 'keep'],
      ['Read more: Officials announce a new plan', 'drop'],
      ['https://example.com/some/page', 'drop'],
    ];
    for (const [line, verdict] of verdicts) {
      const e = extract(page('', `<div class="article-body"><p>${LONG_A}</p><p>${line}</p><p>${LONG_B}</p></div>`), null);
      expect([line, e.paragraphs.includes(line) ? 'keep' : 'drop']).toEqual([line, verdict]);
    }
  });

  it('drops teaser cards (headline link plus summary) that sit beside the story', () => {
    const teasers = Array.from({ length: 4 }, (_, i) =>
      `<div class="card"><h3><a href="/s${i}">Another story number ${i} with a long enough headline</a></h3><p>Summary of story ${i}: it is long enough to look like a paragraph of prose, with a full sentence.</p></div>`,
    ).join('');
    const body = `<div id="main"><div class="story"><p>${LONG_A}</p><p>${LONG_B}</p><p>${LONG_C}</p></div><div class="more">${teasers}</div></div>`;
    const e = extract(page('', body), null);
    expect(e.paragraphs).toEqual([LONG_A, LONG_B, LONG_C]);
  });

  it('normalises text: NFC, invisible characters removed, whitespace collapsed, two <br> split a paragraph', () => {
    const body = `<div class="entry-content"><p>Cafe\u0301 \u00a0 au\u200b lait,\n\t served   hot in the morning to every single guest of the hotel.<br><br>Then a second part of the paragraph, long enough to count as prose.</p><p>${LONG_A}</p></div>`;
    const e = extract(page('', body), null);
    expect(e.paragraphs[0]).toBe('Café au lait, served hot in the morning to every single guest of the hotel.');
    expect(e.paragraphs[1]).toBe('Then a second part of the paragraph, long enough to count as prose.');
    for (const p of e.paragraphs) expect(p).toBe(p.normalize('NFC'));
  });

  it('reads a table row as one paragraph and keeps repeated short cells', () => {
    const rows = [1, 2, 3].map((i) => `<tr><td>${i}</td><td>Driver ${i}</td><td>0</td><td>0</td></tr>`).join('');
    const body = `<div class="article-body"><p>${LONG_A}</p><table>${rows}</table><p>${LONG_B}</p></div>`;
    const e = extract(page('', body), null);
    expect(e.paragraphs).toEqual([LONG_A, '1 Driver 1 0 0', '2 Driver 2 0 0', '3 Driver 3 0 0', LONG_B]);
  });

  it('keeps embedded posts (tweets) that quote the story\'s sources', () => {
    const body = `<div class="article-body"><p>${LONG_A}</p><div class="social-media-embed"><blockquote class="twitter-tweet"><p>This tweet is quoted by the story and belongs to it, says the annotated benchmark.</p>— Someone (@someone) November 18, 2019</blockquote></div><p>${LONG_B}</p></div>`;
    const e = extract(page('', body), null);
    expect(e.text).toContain('This tweet is quoted by the story');
  });

  it('keeps the standfirst printed above the body container when it repeats the page description', () => {
    const lead = 'Three people died during protests against the interim government, after clashes between supporters and the police.';
    const body = `<article><h1>Headline</h1><div class="summary">${lead}</div><div class="article-text"><p>${LONG_A}</p><p>${LONG_B}</p></div></article>`;
    const e = extract(page(`<meta name="description" content="${lead}">`, body), null);
    expect(e.paragraphs).toEqual([lead, LONG_A, LONG_B]);
  });

  it('keeps a heading that is one link when prose follows it, and drops link-only lines otherwise', () => {
    const body = `<div class="article-body"><p>${LONG_A}</p><h3><a href="https://example.com/game">“Rez Infinite” ($30)</a></h3><p>${LONG_B}</p><p><a href="/other">Some other story people read</a></p><p>${LONG_C}</p></div>`;
    const e = extract(page('', body), null);
    expect(e.paragraphs).toEqual([LONG_A, '“Rez Infinite” ($30)', LONG_B, LONG_C]);
  });

  it('falls back to the JSON-LD articleBody when the markup holds no story (script-rendered pages)', () => {
    const text = `${LONG_A}\n\n${LONG_B}\n${LONG_C}\n${LONG_A.replace('first', 'fourth')}\n${LONG_B.replace('second', 'fifth')}`;
    const ld = JSON.stringify({ '@type': 'NewsArticle', headline: 'Rendered later', articleBody: text });
    const e = extract(page(`<script type="application/ld+json">${ld}</script>`, '<div id="app">Loading…</div>'), null);
    expect(e.title).toBe('Rendered later');
    expect(e.paragraphs).toEqual(text.split(/\n+/));
  });

  it('survives malformed and empty input', () => {
    expect(extract('', null).paragraphs).toEqual([]);
    expect(extract('<div><p>unclosed <b>bold <i>italic</div></span></p>', null).title).toBe('');
    const deep = '<div>'.repeat(5000) + LONG_A + '</div>'.repeat(5000);
    expect(extract(deep, null).text).toBe(LONG_A);
  });

  it('gives the same output for the same input (no hidden state between calls)', () => {
    const html = page('<title>T</title>', `<article><p>${LONG_A}</p><p>${LONG_B}</p></article>`);
    expect(extract(html, 'https://example.com/a')).toEqual(extract(html, 'https://example.com/a'));
  });
});

describe('extractor site rules', () => {
  const html = page(
    '<title>Generic title</title>',
    `<div class="story"><h1 class="hed">Rule headline</h1><span class="who">Reporter One</span><span class="who">Reporter Two</span>
     <div class="txt"><p>${LONG_A}</p><p class="promo">Read our exclusive offer, it is a long enough promotional paragraph that looks like prose.</p><p>${LONG_B}</p></div>
     <div class="other"><p>${LONG_C}</p><p>${LONG_C.replace('third', 'fourth')}</p><p>${LONG_C.replace('third', 'fifth')}</p></div></div>`,
  );
  const rule: SiteRule = { domain: 'example.net', body: ['.missing', '.txt'], title: '.hed', byline: '.who', drop: ['.promo'] };

  it('applies the user rule of the matching host: body, title, byline and drop selectors', () => {
    const e = extract(html, 'https://www.example.net/story', { rules: [rule] });
    expect(e.title).toBe('Rule headline');
    expect(e.byline).toBe('Reporter One, Reporter Two');
    expect(e.paragraphs).toEqual([LONG_A, LONG_B]);
  });

  it('ignores rules of other hosts and falls back to the generic extractor when the rule body is missing', () => {
    const other = extract(html, 'https://example.org/story', { rules: [rule] });
    expect(other.title).toBe('Generic title');
    const stale = extract(html, 'https://example.net/story', { rules: [{ domain: 'example.net', body: ['.gone'] }] });
    expect(stale.paragraphs.length).toBeGreaterThan(0);
  });

  it('prefers user rules to built-in ones and the longest matching domain', () => {
    expect(findRule('https://www.bbc.co.uk/news/1')?.domain).toBe('bbc.co.uk');
    expect(findRule('https://www.bbc.co.uk/news/1', [{ domain: 'bbc.co.uk', body: ['.x'] }])?.body).toEqual(['.x']);
    expect(findRule('https://a.b.example.com/', [{ domain: 'example.com' }, { domain: 'b.example.com' }])?.domain).toBe('b.example.com');
    expect(findRule('https://notbbc.co.uk/')).toBeNull();
    expect(findRule(null)).toBeNull();
  });

  it('validates user rules and rejects invalid selectors', () => {
    expect(siteRuleSchema.parse({ domain: ' Example.COM ', body: ['article .text'] })).toEqual({ domain: 'example.com', body: ['article .text'] });
    expect(() => siteRuleSchema.parse({ domain: 'example.com', body: ['div[['] })).toThrow(/not a valid CSS selector/);
  });

  it('has a version string to record with every extraction', () => {
    expect(EXTRACTOR_VERSION).toMatch(/^palimpsest-extractor\/\d+$/);
  });
});

describe('extractor output', () => {
  it('never carries a NUL character (browsers drop it; PostgreSQL cannot store it)', () => {
    const para = 'A paragraph long enough to be the body of an article, with a NUL\u0000 inside it and more words after it to count.';
    const html = `<html><head><title>Head\u0000line</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Head\\u0000line","author":{"name":"Ann\\u0000 Writer"}}</script></head>
      <body><article><h1>Head\u0000line</h1><p>${para}</p><p>${para}</p><p>${para}</p></article></body></html>`;
    const e = extract(html, 'https://news.example/nul');
    expect(JSON.stringify(e)).not.toContain('\\u0000');
    expect(e.title).toBe('Headline');
    expect(e.paragraphs.length).toBeGreaterThan(0);
    expect(e.text).toContain('a NUL inside it');
  });
});

describe('benchmark scoring', () => {
  it('scores 4-gram shingles as the article-extraction benchmark does', () => {
    expect(scorePage('a b c d e', 'a b c d e')).toEqual({ precision: 1, recall: 1 });
    const s = scorePage('one two three four five', 'one two three four six');
    expect(s.precision).toBeCloseTo(0.5);
    expect(s.recall).toBeCloseTo(0.5);
    expect(scorePage('short text', 'short text')).toEqual({ precision: 1, recall: 1 });
    expect(scorePage('Ação é útil agora mesmo', 'Ação é útil agora mesmo')).toEqual({ precision: 1, recall: 1 });
    expect(scorePage('one two three four', '')).toEqual({ precision: 0, recall: 0 });
    const c = scoreCorpus([{ precision: 1, recall: 0.5 }, { precision: 0.5, recall: 1 }]);
    expect(c.f1).toBeCloseTo(0.75);
  });
});
