/** URL canonicalisation and the rel=canonical merge decision. */
import { describe, it, expect } from '@jest/globals';
import { canonicalMergeTarget, canonicalUrl, registrableDomain } from '../src/discovery/canonical.js';

describe('canonicalUrl', () => {
  it.each([
    ['drops the fragment', 'https://x.example/a#comments', 'https://x.example/a'],
    ['lower-cases the host, keeps the path case', 'HTTPS://WWW.Example.COM/News/Story', 'https://www.example.com/News/Story'],
    ['removes the http default port', 'http://x.example:80/a', 'http://x.example/a'],
    ['removes the https default port', 'https://x.example:443/a', 'https://x.example/a'],
    ['keeps other ports', 'https://x.example:8443/a', 'https://x.example:8443/a'],
    ['drops a trailing dot of the host', 'https://x.example./a', 'https://x.example/a'],
    ['strips utm_* in any case', 'https://x.example/a?utm_source=rss&UTM_Medium=feed&utm_campaign=x', 'https://x.example/a'],
    ['strips fbclid, gclid, mc_cid, mc_eid, ocid, cmpid', 'https://x.example/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ocid=5&CMPID=6', 'https://x.example/a'],
    ['keeps other parameters in order, encoded as given', 'https://x.example/s?q=a%20b&utm_source=x&page=2&sort=new+first', 'https://x.example/s?q=a%20b&page=2&sort=new+first'],
    ['keeps valueless parameters and drops empty pieces', 'https://x.example/a?amp&&utm_term=z', 'https://x.example/a?amp'],
    ['drops an empty query', 'https://x.example/a?', 'https://x.example/a'],
    ['keeps the trailing slash and the scheme', 'http://x.example/a/', 'http://x.example/a/'],
    ['trims spaces', '  https://x.example/a  ', 'https://x.example/a'],
  ])('%s', (_name, input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('strips configured parameters: exact names and prefixes, case-insensitively', () => {
    expect(canonicalUrl('https://x.example/a?at_medium=RSS&at_campaign=rss&id=7&Ref=home', { stripParams: ['at_*', 'ref'] })).toBe('https://x.example/a?id=7');
  });
  it('does not strip look-alikes', () => {
    expect(canonicalUrl('https://x.example/a?utmost=1&gclid_x=2&xfbclid=3')).toBe('https://x.example/a?utmost=1&gclid_x=2&xfbclid=3');
  });
  it('returns null for what is not an http(s) URL', () => {
    expect(canonicalUrl('mailto:a@b.example')).toBeNull();
    expect(canonicalUrl('/relative/path')).toBeNull();
    expect(canonicalUrl('ftp://x.example/f')).toBeNull();
  });
  it('is idempotent', () => {
    const once = canonicalUrl('https://X.example:443/a?b=1&utm_source=2#c') as string;
    expect(canonicalUrl(once)).toBe(once);
  });
});

describe('registrableDomain', () => {
  it.each([
    ['www.bbc.co.uk', 'bbc.co.uk'],
    ['feeds.bbci.co.uk', 'bbci.co.uk'],
    ['edition.cnn.com', 'cnn.com'],
    ['www.abc.net.au', 'abc.net.au'],
    ['example.com', 'example.com'],
    ['alice.github.io', 'alice.github.io'],
    ['127.0.0.1', '127.0.0.1'],
    ['WWW.Le-Monde.FR', 'le-monde.fr'],
  ])('%s -> %s', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});

describe('canonicalMergeTarget', () => {
  const article = 'https://edition.example.com/2025/03/04/story/index.html?utm_source=feed';
  it('merges into a rel=canonical on the same registrable domain, canonicalised', () => {
    expect(canonicalMergeTarget(article, 'https://www.example.com/2025/03/04/story?utm_medium=x#top')).toBe('https://www.example.com/2025/03/04/story');
  });
  it('resolves a relative canonical against the article URL', () => {
    expect(canonicalMergeTarget('https://www.example.com/amp/story', '/story')).toBe('https://www.example.com/story');
  });
  it('keeps the article when the canonical is the same URL after canonicalisation', () => {
    expect(canonicalMergeTarget('https://www.example.com/story?utm_source=x', 'https://WWW.example.com/story#a')).toBeNull();
  });
  it('ignores a canonical on another domain (syndication) or a shared-hosting neighbour', () => {
    expect(canonicalMergeTarget('https://news.partner.example/copy', 'https://www.original.example/story')).toBeNull();
    expect(canonicalMergeTarget('https://alice.github.io/post', 'https://bob.github.io/post')).toBeNull();
  });
  it('ignores a canonical pointing at the home page, and missing or invalid ones', () => {
    expect(canonicalMergeTarget('https://www.example.com/story', 'https://www.example.com/')).toBeNull();
    expect(canonicalMergeTarget('https://www.example.com/story', null)).toBeNull();
    expect(canonicalMergeTarget('https://www.example.com/story', 'javascript:alert(1)')).toBeNull();
  });
  it('never lets a page downgrade https to http, or move the article to another port', () => {
    expect(canonicalMergeTarget('https://www.example.com/story', 'http://www.example.com/story')).toBeNull();
    expect(canonicalMergeTarget('https://www.example.com/amp/story', 'http://www.example.com/story')).toBeNull();
    expect(canonicalMergeTarget('https://www.example.com/story', 'https://www.example.com:8443/story')).toBeNull();
    expect(canonicalMergeTarget('https://www.example.com:8443/amp/story', 'https://www.example.com/story')).toBeNull();
    expect(canonicalMergeTarget('http://www.example.com/amp/story', 'http://www.example.com:8080/story')).toBeNull();
    // Upgrades are followed; default ports written out are the same port.
    expect(canonicalMergeTarget('http://www.example.com/amp/story', 'https://www.example.com/story')).toBe('https://www.example.com/story');
    expect(canonicalMergeTarget('https://www.example.com/amp/story', 'https://www.example.com:443/story')).toBe('https://www.example.com/story');
    expect(canonicalMergeTarget('https://www.example.com:8443/amp/story', 'https://news.example.com:8443/story')).toBe('https://news.example.com:8443/story');
  });
  it('never merges into a URL with a user name or password', () => {
    expect(canonicalMergeTarget('https://www.example.com/amp/story', 'https://editor:secret@www.example.com/story')).toBeNull();
    expect(canonicalUrl('https://editor:secret@www.example.com/story')).toBeNull();
    expect(canonicalUrl('https://editor@www.example.com/story')).toBeNull();
  });
  it('applies configured stripped parameters on both sides', () => {
    expect(canonicalMergeTarget('https://www.example.com/story?at_medium=rss', 'https://www.example.com/story', { stripParams: ['at_*'] })).toBeNull();
  });
});
