/**
 * URL canonicalisation, so one article reached through a feed, a sitemap and a front page (with tracking
 * parameters, a fragment, an upper-case host) is tracked once. Deliberately conservative: only parameters that are
 * known never to select content are stripped; the path, the scheme and every other parameter (in order, encoded
 * exactly as given) are kept, because some sites do serve different articles for them.
 */

/** Tracking parameters stripped from every URL (exact names, compared case-insensitively), besides `utm_*`. */
export const TRACKING_PARAMS: readonly string[] = ['fbclid', 'gclid', 'mc_cid', 'mc_eid', 'ocid', 'cmpid'];

/** Options of canonicalUrl. */
export interface CanonicalOptions {
  /**
   * Extra parameters to strip (a source's `stripParams`): exact names, or a prefix ending in `*` (`at_*`).
   * Compared case-insensitively.
   */
  stripParams?: readonly string[];
}

function paramStripper(extra: readonly string[] = []): (name: string) => boolean {
  const exact = new Set(TRACKING_PARAMS);
  const prefixes = ['utm_'];
  for (const p of extra) {
    const l = p.trim().toLowerCase();
    if (l.endsWith('*')) prefixes.push(l.slice(0, -1));
    else if (l) exact.add(l);
  }
  return (name) => {
    const n = name.toLowerCase();
    return exact.has(n) || prefixes.some((p) => n.startsWith(p));
  };
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The canonical form of an absolute http(s) URL, or null when `input` is not one or carries a user name or password
 * (never tracked: the URL is shown on public pages): fragment dropped, host lower case without a trailing dot,
 * default port removed (both by WHATWG URL parsing), `utm_*`, TRACKING_PARAMS and `stripParams` removed from the
 * query, the other parameters kept in order and byte for byte, an empty query dropped.
 */
export function canonicalUrl(input: string, opts: CanonicalOptions = {}): string | null {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password) return null;
  u.hash = '';
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.slice(0, -1);
  // Work on the raw query: URLSearchParams would re-encode the parameters that are kept (e.g. %20 -> +).
  // Always assigned: a bare "?" has an empty .search but stays in .href until the query is set.
  const strip = paramStripper(opts.stripParams);
  const kept = u.search.slice(1).split('&').filter((part) => part !== '' && !strip(decodeName(part.split('=')[0] ?? '')));
  u.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return u.href;
}

/** Second-level labels under which country-code TLDs register names (example.co.uk, example.com.au). */
const CC_SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'ne', 'or', 'go', 'gob', 'nic', 'mil', 'ltd', 'plc', 'sch', 'nhs', 'nom', 'info', 'biz']);

/** Shared hosting suffixes where every subdomain belongs to someone else. */
const PRIVATE_SUFFIXES = new Set(['github.io', 'blogspot.com', 'wordpress.com', 'substack.com', 'medium.com', 'tumblr.com', 'netlify.app', 'vercel.app', 'pages.dev', 'herokuapp.com', 'appspot.com', 'cloudfront.net', 'azurewebsites.net']);

/**
 * The registrable domain of a host name, approximately (no full Public Suffix List): the last two labels, or three
 * under a country-code second level (`co.uk`) or a shared-hosting suffix. IP addresses are returned unchanged.
 */
export function registrableDomain(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[')) return host;
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const lastTwo = labels.slice(-2).join('.');
  const tld = labels[labels.length - 1] as string;
  const sld = labels[labels.length - 2] as string;
  if (PRIVATE_SUFFIXES.has(lastTwo) || (tld.length === 2 && CC_SECOND_LEVEL.has(sld))) return labels.slice(-3).join('.');
  return lastTwo;
}

/**
 * What the tracker should merge an article into after extraction found `<link rel="canonical">`: the canonical URL
 * (canonicalised, resolved against the article URL) when it is a different http(s) URL on the same registrable
 * domain, else null (keep the article as it is). A canonical pointing at the site's home page from an article is
 * a common template bug and is ignored, as is one on another domain (syndicated copies point at the original).
 * The page is not trusted to lower security or move the article to another service: a canonical that turns https
 * into http, or names another port than the article's (explicit or default), is ignored; http to https is followed.
 */
export function canonicalMergeTarget(articleUrl: string, extractedCanonical: string | null | undefined, opts: CanonicalOptions = {}): string | null {
  if (!extractedCanonical) return null;
  const from = canonicalUrl(articleUrl, opts);
  if (!from) return null;
  let resolved: string;
  try {
    resolved = new URL(extractedCanonical.trim(), from).href;
  } catch {
    return null;
  }
  const to = canonicalUrl(resolved, opts);
  if (!to || to === from) return null;
  const a = new URL(from);
  const b = new URL(to);
  if (registrableDomain(a.hostname) !== registrableDomain(b.hostname)) return null;
  if (a.protocol === 'https:' && b.protocol === 'http:') return null;
  // Default ports compare equal ('' on both sides), so http://x/ -> https://x/ is the same port in this sense.
  if (a.port !== b.port) return null;
  if (b.pathname === '/' && b.search === '' && a.pathname !== '/') return null;
  return to;
}
