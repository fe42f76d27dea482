/** Validation of URLs given on the command line, through the web form and API, or in an imported file. */
import { canonicalUrl } from '../discovery/canonical.js';

/**
 * Why `u` may not be tracked, or null when it may: only http and https, with a host, and without a user name or
 * password (the URL is shown on public pages and in feeds, so credentials in it would be published).
 */
export function urlRuleError(u: URL, input: string): string | null {
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `only http and https URLs can be tracked: ${input}`;
  if (!u.hostname) return `the URL has no host: ${input}`;
  // The input is not echoed here: it holds the password.
  if (u.username || u.password) return 'URLs with a user name or password are not accepted (they would be shown on public pages)';
  return null;
}

/**
 * The URL in canonical form, or an error message saying what is wrong with it. The form is the one discovered
 * URLs get (src/discovery/canonical.ts): fragment dropped, host lower case, `utm_*` and the other tracking
 * parameters (fbclid, gclid, ...) removed, so a link shared from a newsletter or a social site and the same link
 * found in a feed are one article.
 */
export function parseArticleUrl(input: string): { url: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return { error: `not a valid URL: ${input}` };
  }
  const error = urlRuleError(u, input);
  if (error) return { error };
  // Never null here: the rules above are the ones canonicalUrl checks too.
  return { url: canonicalUrl(u.href) ?? u.href };
}
