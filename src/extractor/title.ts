/** Picks the headline among the page's title statements and removes a site-name prefix or suffix from it. */
import { looseKey, normalizeText } from './text.js';

// " | ", " - ", " – ", " — ", " · ", " • ", " :: ", " » ", " / ", and a bare "|" or "_" as CJK sites write them.
const SEPARATOR = /\s+(?:[|\-–—·•»/\\]|::)\s+|\s*[|｜]\s*|_(?=[^_]{1,20}$)/gu;

interface Part {
  text: string;
  /** The separator that follows this part ('' for the last). */
  sep: string;
}

function splitTitle(title: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of title.matchAll(SEPARATOR)) {
    const at = m.index ?? 0;
    if (at === 0) continue;
    parts.push({ text: title.slice(last, at), sep: m[0] });
    last = at + m[0].length;
  }
  parts.push({ text: title.slice(last), sep: '' });
  return parts.filter((p) => p.text.trim() !== '');
}

function join(parts: readonly Part[]): string {
  return parts.map((p, i) => (i < parts.length - 1 ? p.text + p.sep : p.text)).join('').trim();
}

/** Loose keys naming the site: its name(s) and the distinctive label of its host ("bbc" for www.bbc.co.uk). */
export function siteIdentities(siteNames: readonly (string | null)[], host: string | null): string[] {
  const ids = new Set<string>();
  for (const n of siteNames) if (n) ids.add(looseKey(n));
  if (host) {
    const labels = host.toLowerCase().replace(/^www\d?\./, '').split('.');
    // The registrable label is the longest one before the public suffix ("co.uk", "com.br" end in short labels).
    const main = labels.slice(0, -1).filter((l) => l.length > 3 || labels.length === 2)[0] ?? labels[0];
    if (main) ids.add(main);
  }
  ids.delete('');
  return [...ids];
}

function namesSite(part: string, ids: readonly string[]): boolean {
  const key = looseKey(part);
  if (key === '') return false;
  const squashed = key.replace(/ /g, '');
  const words = key.split(' ').length;
  for (const id of ids) {
    const idSquashed = id.replace(/ /g, '');
    if (key === id || squashed === idSquashed) return true;
    if (words <= 5 && idSquashed.length >= 3 && (squashed.includes(idSquashed) || idSquashed.includes(squashed))) return true;
  }
  return false;
}

/** `title` without a leading or trailing part that names the site, e.g. "Headline | Site Name" gives "Headline". */
export function stripSiteName(title: string, ids: readonly string[], headings: readonly string[] = []): string {
  const parts = splitTitle(title);
  if (parts.length < 2) return title;
  // When a heading of the page repeats the leading part exactly, that part is the headline.
  for (let n = parts.length - 1; n >= 1; n--) {
    const head = join(parts.slice(0, n));
    const key = looseKey(head);
    if (key !== '' && headings.some((h) => looseKey(h) === key)) return head;
  }
  let start = 0;
  let end = parts.length;
  while (end - start > 1 && namesSite((parts[end - 1] as Part).text, ids)) end--;
  while (end - start > 1 && namesSite((parts[start] as Part).text, ids)) start++;
  return join(parts.slice(start, end));
}

/** Title statements of a page, most trusted first. */
export interface TitleCandidates {
  jsonld: string | null;
  og: string | null;
  twitter: string | null;
  microdata: string | null;
  titleTag: string | null;
  h1s: readonly string[];
}

/** The headline: the first statement present, cleaned of a site-name part; '' when the page states none. */
export function chooseTitle(c: TitleCandidates, ids: readonly string[]): string {
  const raw = [c.og, c.jsonld, c.twitter, c.microdata, c.titleTag, c.h1s[0]].map((t) => (t ? normalizeText(t) : '')).find((t) => t !== '') ?? '';
  if (raw === '') return '';
  return stripSiteName(raw, ids, c.h1s);
}
