/** Validation of URLs given on the command line or through the web form. */

/** The URL in canonical form (fragment dropped), or an error message saying what is wrong with it. */
export function parseArticleUrl(input: string): { url: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return { error: `not a valid URL: ${input}` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: `only http and https URLs can be tracked: ${input}` };
  u.hash = '';
  return { url: u.href };
}
