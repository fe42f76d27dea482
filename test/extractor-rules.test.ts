/**
 * Built-in site rules on page skeletons that follow each outlet's current article template (element names,
 * data-component and class names as those sites publish them), with the furniture those templates put inside
 * the story. The corpus holds only older captures of these sites; these pages pin the newer templates.
 */
import { describe, it, expect } from '@jest/globals';
import { extract, findRule } from '../src/extractor/index.js';

function extractWithRule(html: string, url: string) {
  expect(findRule(url)).not.toBeNull();
  return extract(html, url);
}

const P1 = 'The government announced on Tuesday a plan to rebuild the flood defences along the river before next winter.';
const P2 = 'Officials said the work would start in the spring and cost about twice as much as the previous scheme did.';
const P3 = 'Residents who lost their homes last year welcomed the news but asked for a firm timetable from the council.';

function doc(body: string, title = 'Flood defences to be rebuilt'): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body>${body}</body></html>`;
}

describe('built-in site rules', () => {
  it('BBC: text blocks of the article, without image, links, byline and tag blocks', () => {
    const html = doc(`
      <header><nav><a href="/news">News</a><a href="/sport">Sport</a></nav></header>
      <main id="main-content"><article>
        <header data-component="headline-block"><h1>Flood defences to be rebuilt</h1></header>
        <div data-component="byline-block"><div>By Jane Roe</div><div>BBC News</div></div>
        <div data-component="image-block"><figure><img src="a.jpg"><figcaption>Image caption, The river burst its banks in 2023</figcaption></figure></div>
        <div data-component="text-block"><p>${P1}</p></div>
        <div data-component="links-block"><h2>Related</h2><ul><li><a href="/news/1">Flooding: what you need to know about it</a></li></ul></div>
        <div data-component="text-block"><p>${P2}</p></div>
        <div data-component="subheadline-block"><h2>Timetable</h2></div>
        <div data-component="text-block"><p>${P3}</p></div>
        <div data-component="tag-list"><ul><li><a href="/topics/floods">Floods</a></li></ul></div>
      </article>
      <section data-component="related-topics"><h2>More on this story</h2><p>Flood warnings remain in place for dozens of towns across the region this weekend.</p></section></main>`);
    const e = extractWithRule(html, 'https://www.bbc.co.uk/news/articles/c0000000000o');
    expect(e.paragraphs).toEqual([P1, P2, 'Timetable', P3]);
  });

  it('The Guardian: the commercial-selector body, without rich links and inline furniture', () => {
    const html = doc(`
      <main data-layout="StandardLayout"><div id="maincontent"><div class="article-body-commercial-selector article-body-viewer-selector">
        <p>${P1}</p>
        <gu-island name="RichLinkComponent"><aside data-component="rich-link"><a href="/x">Read more: the last flood review and what it found</a></aside></gu-island>
        <p>${P2}</p>
        <figure><img src="b.jpg"><figcaption>The river in March. Photograph: Someone/The Guardian</figcaption></figure>
        <p>${P3}</p>
      </div></div></main>
      <div class="submeta"><a href="/environment">Environment</a> <a href="/uk">UK news</a></div>`);
    const e = extractWithRule(html, 'https://www.theguardian.com/environment/2024/mar/01/flood-defences');
    expect(e.paragraphs).toEqual([P1, P2, P3]);
  });

  it('The New York Times: section[name=articleBody], without ads and inline messages', () => {
    const html = doc(`
      <article id="story"><header><h1>Flood defences to be rebuilt</h1></header>
      <section name="articleBody" itemprop="articleBody">
        <div class="StoryBodyCompanionColumn"><div><p>${P1}</p><p>${P2}</p></div></div>
        <div id="story-ad-1-wrapper"><div>Advertisement</div><div>SKIP ADVERTISEMENT</div></div>
        <div data-testid="inline-message"><p>Thank you for your patience while we verify access. Already a subscriber? Log in.</p></div>
        <div class="StoryBodyCompanionColumn"><div><p>${P3}</p></div></div>
      </section>
      <div class="bottom-of-article"><p>A version of this article appears in print on March 1, 2024, Section A, Page 1 of the New York edition.</p></div>
      </article>`);
    const e = extractWithRule(html, 'https://www.nytimes.com/2024/03/01/world/floods.html');
    expect(e.paragraphs).toEqual([P1, P2, P3]);
  });

  it('Reuters: paragraph divs of the article body, without the read-next box', () => {
    const html = doc(`
      <article><div class="article-body__content__17Yit">
        <div data-testid="paragraph-0" class="text__text__1FZLe">${P1}</div>
        <div data-testid="paragraph-1" class="text__text__1FZLe">${P2}</div>
        <div class="read-next-panel__container"><p>Read Next</p><a href="/y">Markets slide as investors weigh the outlook for rates</a></div>
        <div data-testid="paragraph-2" class="text__text__1FZLe">${P3}</div>
      </div></article>`);
    const e = extractWithRule(html, 'https://www.reuters.com/world/uk/floods-2024-03-01/');
    expect(e.paragraphs).toEqual([P1, P2, P3]);
  });

  it('AP: the rich-text story body, without enhancements (related links, embeds) and sign-up boxes', () => {
    const html = doc(`
      <main class="Page-main"><div class="RichTextStoryBody RichTextBody">
        <p>LONDON (AP) — ${P1}</p>
        <div class="Enhancement"><div class="Enhancement-item"><a href="/article/x">Related coverage: what the last flood season cost the region</a></div></div>
        <p>${P2}</p>
        <div class="Component-signup"><p>Get the morning wire newsletter delivered to your inbox every day of the week.</p></div>
        <p>${P3}</p>
      </div></main><div class="Page-below"><p>More stories you might like and that are long enough to read as prose here.</p></div>`);
    const e = extractWithRule(html, 'https://apnews.com/article/floods-0123456789abcdef');
    expect(e.paragraphs).toEqual([`LONDON (AP) — ${P1}`, P2, P3]);
  });
});
