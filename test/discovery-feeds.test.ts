/** Feed parsing: RSS 2.0, RSS 1.0 (RDF), Atom and JSON Feed documents written as real sites publish them. */
import { describe, it, expect } from '@jest/globals';
import { parseFeed } from '../src/discovery/feeds.js';
import { parseDocument } from '../src/discovery/document.js';
import { DiscoveryError } from '../src/discovery/types.js';

const RSS2 = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet title="XSL_formatting" type="text/xsl" href="/shared/bsp/xsl/rss/nolsol.xsl"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" version="2.0">
  <channel>
    <title><![CDATA[BBC News]]></title>
    <description><![CDATA[BBC News - News Front Page]]></description>
    <link>https://www.bbc.co.uk/news</link>
    <atom:link href="https://feeds.bbci.co.uk/news/rss.xml" rel="self" type="application/rss+xml"/>
    <item>
      <title><![CDATA[Minister resigns over <em>leaked</em> memo & "cover-up"]]></title>
      <description><![CDATA[The minister said she had <b>no choice</b>.]]></description>
      <link>https://www.bbc.co.uk/news/articles/c4g0xk2xdlpo?at_medium=RSS&amp;at_campaign=rss</link>
      <guid isPermaLink="false">https://www.bbc.co.uk/news/articles/c4g0xk2xdlpo#0</guid>
      <pubDate>Tue, 04 Mar 2025 14:05:31 GMT</pubDate>
      <media:thumbnail width="240" height="135" url="https://ichef.bbci.co.uk/x.jpg"/>
    </item>
    <item>
      <title>Storm warnings &amp;amp; floods</title>
      <guid>https://www.bbc.co.uk/news/uk-68123456</guid>
      <dc:date>2025-03-04T09:00:00+01:00</dc:date>
    </item>
    <item>
      <title>Relative link</title>
      <link>/news/world-123</link>
      <pubDate>not a date</pubDate>
    </item>
    <item>
      <title>Through FeedBurner</title>
      <link>https://feedproxy.google.com/~r/example/~3/abc/</link>
      <feedburner:origLink>https://www.example.com/2025/03/04/story.html</feedburner:origLink>
    </item>
    <item>
      <title>No link at all</title>
      <guid isPermaLink="false">tag:example.com,2025:42</guid>
    </item>
  </channel>
</rss>`;

const RDF = `<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://slashdot.example/">
    <title>Slashdot</title>
    <link>https://slashdot.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://slashdot.example/story/25/03/04/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://slashdot.example/story/25/03/04/1">
    <title>Kernel 6.14 Released</title>
    <link>https://slashdot.example/story/25/03/04/1?utm_source=rss1.0mainlinkanon</link>
    <dc:date>2025-03-04T12:30:00+00:00</dc:date>
  </item>
  <item rdf:about="https://slashdot.example/story/25/03/04/2">
    <title>Only rdf:about</title>
  </item>
</rdf:RDF>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.theguardian.example/">
  <title type="text">Politics | The Guardian</title>
  <link rel="self" href="https://www.theguardian.example/politics/atom"/>
  <id>https://www.theguardian.example/politics</id>
  <updated>2025-03-04T15:00:00Z</updated>
  <entry>
    <title type="html">Budget &lt;b&gt;2025&lt;/b&gt;: what it means</title>
    <link rel="replies" type="text/html" href="https://www.theguardian.example/politics/budget#comments"/>
    <link rel="enclosure" type="image/jpeg" href="https://i.guim.example/budget.jpg"/>
    <link rel="alternate" type="application/pdf" href="https://www.theguardian.example/politics/budget.pdf"/>
    <link rel="alternate" type="text/html" href="https://www.theguardian.example/politics/2025/mar/04/budget"/>
    <id>tag:theguardian.example,2025:budget</id>
    <published>2025-03-04T11:00:00Z</published>
    <updated>2025-03-04T14:00:00Z</updated>
  </entry>
  <entry xml:base="/politics/2025/mar/">
    <title>Relative alternate without rel</title>
    <link href="04/relative"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2025-03-04T13:00:00Z</updated>
  </entry>
  <entry>
    <title>Id only</title>
    <id>https://www.theguardian.example/politics/id-only</id>
  </entry>
</feed>`;

const JSON_FEED = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'The Loopback Post',
  home_page_url: 'https://post.example/',
  feed_url: 'https://post.example/feed.json',
  items: [
    { id: '2347259', url: 'https://post.example/2025/03/04/first', title: 'First story', content_html: '<p>Hi</p>', date_published: '2025-03-04T10:00:00-05:00' },
    { id: 'https://post.example/2025/03/04/id-as-url', content_text: 'No title, id is the permalink' },
    { id: 'x', url: '/relative', external_url: 'https://elsewhere.example/linked', title: 'Link post' },
    { id: 'y', content_text: 'no URL anywhere' },
    'not an object',
  ],
});

describe('RSS 2.0', () => {
  const feed = parseFeed(RSS2, 'https://feeds.bbci.co.uk/news/rss.xml');
  it('reads CDATA titles as plain text and decodes entities in links', () => {
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('BBC News');
    expect(feed.items[0]).toEqual({
      url: 'https://www.bbc.co.uk/news/articles/c4g0xk2xdlpo?at_medium=RSS&at_campaign=rss',
      title: 'Minister resigns over leaked memo & "cover-up"',
      publishedAt: '2025-03-04T14:05:31.000Z',
    });
  });
  it('falls back to a permalink guid, reads dc:date, resolves relative links and prefers FeedBurner origLink', () => {
    expect(feed.items[1]).toEqual({ url: 'https://www.bbc.co.uk/news/uk-68123456', title: 'Storm warnings & floods', publishedAt: '2025-03-04T08:00:00.000Z' });
    expect(feed.items[2]).toEqual({ url: 'https://feeds.bbci.co.uk/news/world-123', title: 'Relative link' });
    expect(feed.items[3]?.url).toBe('https://www.example.com/2025/03/04/story.html');
  });
  it('skips items with no usable link and never takes atom:link rel=self', () => {
    expect(feed.items).toHaveLength(4);
    expect(feed.items.map((i) => i.url)).not.toContain('https://feeds.bbci.co.uk/news/rss.xml');
  });
});

describe('RSS 1.0 (RDF)', () => {
  it('reads items that are siblings of the channel, with dc:date, falling back to rdf:about', () => {
    const feed = parseFeed(RDF, 'https://slashdot.example/index.rdf');
    expect(feed.format).toBe('rdf');
    expect(feed.items).toEqual([
      { url: 'https://slashdot.example/story/25/03/04/1?utm_source=rss1.0mainlinkanon', title: 'Kernel 6.14 Released', publishedAt: '2025-03-04T12:30:00.000Z' },
      { url: 'https://slashdot.example/story/25/03/04/2', title: 'Only rdf:about' },
    ]);
  });
});

describe('Atom', () => {
  const feed = parseFeed(ATOM, 'https://www.theguardian.example/politics/atom');
  it('chooses the text/html rel=alternate link among replies, enclosures and other alternates', () => {
    expect(feed.format).toBe('atom');
    expect(feed.items[0]).toEqual({
      url: 'https://www.theguardian.example/politics/2025/mar/04/budget',
      title: 'Budget 2025: what it means',
      publishedAt: '2025-03-04T11:00:00.000Z',
    });
  });
  it('treats a link without rel as alternate, resolving it against xml:base, and uses updated when published is missing', () => {
    expect(feed.items[1]).toEqual({ url: 'https://www.theguardian.example/politics/2025/mar/04/relative', title: 'Relative alternate without rel', publishedAt: '2025-03-04T13:00:00.000Z' });
  });
  it('uses an http(s) id when there is no link', () => {
    expect(feed.items[2]).toEqual({ url: 'https://www.theguardian.example/politics/id-only', title: 'Id only' });
    expect(feed.items).toHaveLength(3);
  });
});

describe('JSON Feed 1.1', () => {
  it('takes url (never external_url), falls back to an URL id, and skips items without one', () => {
    const feed = parseFeed(JSON_FEED, 'https://post.example/feed.json');
    expect(feed.format).toBe('json-feed');
    expect(feed.title).toBe('The Loopback Post');
    expect(feed.items).toEqual([
      { url: 'https://post.example/2025/03/04/first', title: 'First story', publishedAt: '2025-03-04T15:00:00.000Z' },
      { url: 'https://post.example/2025/03/04/id-as-url' },
      { url: 'https://post.example/relative', title: 'Link post' },
    ]);
  });
  it('rejects JSON that is not a feed', () => {
    expect(() => parseFeed('{"hello": 1}', 'https://x.example/f.json')).toThrow(/discovery: .* not a JSON Feed/);
    expect(() => parseFeed('{oops', 'https://x.example/f.json')).toThrow(DiscoveryError);
  });
});

describe('format detection', () => {
  it('refuses an HTML page given as a feed, naming its root element', () => {
    expect(() => parseFeed('<!DOCTYPE html><html><body>hi</body></html>', 'https://x.example/')).toThrow('discovery: https://x.example/ is not a feed (root element <html>)');
  });
  it('parseDocument reads the format from the document, whatever the source kind', () => {
    const asSitemap = parseDocument('sitemap', { url: 'https://post.example/feed.json', body: Buffer.from(JSON_FEED), text: JSON_FEED });
    expect(asSitemap.format).toBe('json-feed');
    const rdf = parseDocument('feed', { url: 'https://slashdot.example/index.rdf', body: Buffer.from(RDF), text: '' });
    expect(rdf.format).toBe('rdf');
    expect(rdf.links).toHaveLength(2);
  });
  it('survives a stray ampersand (real feeds are not always well-formed)', () => {
    const broken = '<rss version="2.0"><channel><item><title>Fish & chips</title><link>https://x.example/a?b=1&c=2</link></item></channel></rss>';
    expect(parseFeed(broken, 'https://x.example/rss').items).toEqual([{ url: 'https://x.example/a?b=1&c=2', title: 'Fish & chips' }]);
  });
});
