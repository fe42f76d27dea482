/** Page furniture that changes between fetches, and injecting it inside an article's body, for no-false-version tests. */

/** Inserts `furniture` after the first closing </p> that follows a paragraph of the extracted text, or returns null. */
export function injectAfterParagraph(html: string, paragraphs: readonly string[], furniture: string): string | null {
  for (const p of paragraphs.slice(0, 8)) {
    if (p.length < 60) continue;
    for (const probe of [p.slice(0, 30), p.slice(10, 40), p.slice(-30)]) {
      const at = html.indexOf(probe);
      if (at < 0) continue;
      const close = html.indexOf('</p>', at);
      if (close < 0 || close - at > 5000) continue;
      return html.slice(0, close + 4) + furniture + html.slice(close + 4);
    }
  }
  return null;
}

/** Page furniture that differs on every fetch: related links, an "updated" line, ads, share counts, with and without class names. */
export function furniture(n: number): string[] {
  const headline = `Officials announce plan number ${n} for the region after the long meeting`;
  return [
    `<div class="related-links"><h3>Related</h3><ul><li><a href="/r/${n}">${headline}</a></li><li><a href="/r/${n + 1}">Another story ${n} people are reading today</a></li></ul></div>` +
      `<p class="updated">Updated ${n} minutes ago</p><div class="ad-slot"><span>Advertisement</span></div>` +
      `<div class="share-bar"><a href="#">Share</a> <span>${n * 37} shares</span></div>`,
    `<p>Updated ${n} minutes ago</p><p>Advertisement</p><p><a href="/x/${n}">Read more: ${headline}</a></p>` +
      `<div><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div><p>${n * 13} comments</p>`,
  ];
}
