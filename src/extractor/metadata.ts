/** Chooses each metadata field from the page's statements: JSON-LD first, then OpenGraph and `<meta>`, then the markup. */
import { firstDate } from './dates.js';
import { allNames, findArticleNode, firstString, indexById, isArticle, types, type LdNode } from './jsonld.js';
import type { PageSignals } from './signals.js';
import { chooseTitle, siteIdentities } from './title.js';
import { cleanOrNull, looseKey, normalizeText } from './text.js';
import type { Extracted } from './types.js';

/** Every field of `Extracted` except the body. */
export type Metadata = Omit<Extracted, 'paragraphs' | 'text'> & {
  /** The JSON-LD articleBody, when the page carries one (used to check the body, not returned). */
  ldBody: string | null;
};

function meta(s: PageSignals, ...keys: string[]): string | null {
  for (const k of keys) {
    for (const v of s.metas.get(k) ?? []) {
      const t = cleanOrNull(v);
      if (t) return t;
    }
  }
  return null;
}

function metaAll(s: PageSignals, ...keys: string[]): string[] {
  return keys.flatMap((k) => s.metas.get(k) ?? []);
}

function prop(s: PageSignals, key: string): string[] {
  return s.itemprops.get(key.toLowerCase()) ?? [];
}

/** `href` made absolute against `base`; null when it cannot be (no base for a relative URL, or not http(s)). */
function absoluteUrl(href: string | null | undefined, base: string | null): string | null {
  if (!href) return null;
  const h = href.trim();
  if (h === '' || h.startsWith('data:') || h.startsWith('javascript:')) return null;
  try {
    const u = base ? new URL(h, base) : new URL(h);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A BCP 47 tag in canonical case ("en_us" gives "en-US"), or null when `raw` is not one. */
function normalizeLang(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const tag = raw.trim().split(/[,;\s]/)[0]?.replace(/_/g, '-') ?? '';
  if (tag === '' || /^(x-default|und|zxx|mul)$/i.test(tag)) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

const BY_PREFIX = /^(?:by|written by|words by|posted by|von|por|par|di|door|av|af|от|автор:?)\s+/iu;
// What follows a name in byline markup: a date, a job title after a dash, a follow link, a bio heading.
const AFTER_NAME = /\s*(?:[|•·–—]|\s-\s|\b(?:last updated|updated|published|posted|follow|about the author|email|twitter|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\d|@).*$/iu;

/** A byline cleaned of its "By" prefix and what trails the names (dates, follow links); null when no name remains. */
export function cleanByline(raw: string): string | null {
  let t = normalizeText(raw).replace(BY_PREFIX, '');
  t = t.replace(AFTER_NAME, '').replace(/[\s,;:]+$/u, '');
  if (t === '' || t.length > 100 || /^https?:\/\//.test(t)) return null;
  if (t.split(' ').length > 12) return null;
  return t;
}

function uniqueNames(names: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const n of names) {
    const c = cleanByline(n);
    if (!c) continue;
    const k = looseKey(c);
    if (k === '' || seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

function ldString(node: LdNode | null, key: string): string | null {
  return node ? cleanOrNull(firstString(node[key])) : null;
}

/** The metadata of a page from its collected signals; `url` is the page's own address (for relative links). */
export function buildMetadata(s: PageSignals, url: string | null): Metadata {
  const article = findArticleNode(s.jsonld);
  const byId = indexById(s.jsonld);
  const base = absoluteUrl(s.baseHref, url) ?? url;
  const publisherNode = article ? article.publisher : undefined;
  const org = s.jsonld.find((n) => types(n).some((t) => /Organization$|^NewsMediaOrganization$|^WebSite$/.test(t)) && typeof n.name === 'string');

  const siteName =
    meta(s, 'og:site_name') ??
    cleanOrNull(allNames(publisherNode, byId)[0]) ??
    cleanOrNull(typeof org?.name === 'string' ? org.name : null) ??
    meta(s, 'application-name', 'apple-mobile-web-app-title', 'al:iphone:app_name');

  const canonicalUrl =
    absoluteUrl(s.links.get('canonical')?.[0], base) ??
    absoluteUrl(meta(s, 'og:url'), base) ??
    absoluteUrl(ldString(article, 'url') ?? firstString(article?.mainEntityOfPage, 'url') ?? (typeof article?.mainEntityOfPage === 'object' ? firstString((article.mainEntityOfPage as LdNode)['@id']) : null), base);

  const host = hostOf(url) ?? hostOf(canonicalUrl);
  const ldAuthors = article ? allNames(article.author ?? article.creator, byId) : [];
  const authors = uniqueNames(
    ldAuthors.length > 0
      ? ldAuthors
      : [
          ...metaAll(s, 'author', 'article:author', 'sailthru.author', 'parsely-author', 'dc.creator', 'dcterms.creator', 'byl', 'cxenseparse:author').filter((a) => !/^https?:\/\//.test(a)),
        ],
  );
  // Markup bylines repeat one another (a name link inside a byline box): the first readable one is the byline.
  const domAuthors = authors.length > 0 ? authors : uniqueNames([...prop(s, 'author'), ...s.bylines]).slice(0, 1);
  const byline = domAuthors.length > 0 ? domAuthors.slice(0, 6).join(', ') : null;

  const ids = siteIdentities([siteName, meta(s, 'application-name'), ...domAuthors], host);
  const title = chooseTitle(
    {
      jsonld: ldString(article, 'headline') ?? ldString(article, 'name'),
      og: meta(s, 'og:title'),
      twitter: meta(s, 'twitter:title'),
      microdata: cleanOrNull(prop(s, 'headline')[0]),
      titleTag: s.titleTag,
      h1s: s.h1s,
    },
    ids,
  );

  const publishedAt = firstDate([
    ldString(article, 'datePublished'),
    ...metaAll(s, 'article:published_time', 'og:article:published_time', 'datepublished', 'article.published', 'publish-date', 'publishdate', 'pubdate', 'date', 'dc.date', 'dc.date.issued', 'dcterms.created', 'dcterms.date', 'sailthru.date', 'parsely-pub-date', 'cxenseparse:recs:publishtime', 'og:pubdate', 'ptime', 'article_date_original', 'release_date'),
    ...prop(s, 'datePublished'),
    ...s.pubTimes,
    ldString(article, 'dateCreated'),
  ]);
  const modifiedAt = firstDate([
    ldString(article, 'dateModified'),
    ...metaAll(s, 'article:modified_time', 'og:updated_time', 'datemodified', 'article.updated', 'last-modified', 'dc.date.modified', 'dcterms.modified', 'utime', 'lastmod'),
    ...prop(s, 'dateModified'),
  ]);

  const section =
    meta(s, 'article:section', 'og:article:section', 'section', 'parsely-section', 'cxenseparse:recs:articlesection', 'article.section') ??
    ldString(article, 'articleSection') ??
    cleanOrNull(prop(s, 'articleSection')[0]);

  const ldImage = article ? (firstString(article.image, 'url') ?? firstString(article.thumbnailUrl, 'url')) : null;
  const image =
    absoluteUrl(meta(s, 'og:image:secure_url', 'og:image:url', 'og:image'), base) ??
    absoluteUrl(meta(s, 'twitter:image', 'twitter:image:src'), base) ??
    absoluteUrl(ldImage, base) ??
    absoluteUrl(s.links.get('image_src')?.[0], base);

  const excerpt = meta(s, 'og:description', 'description', 'twitter:description', 'dc.description') ?? ldString(article, 'description');

  const lang =
    normalizeLang(s.htmlLang) ??
    normalizeLang(meta(s, 'content-language', 'language', 'dc.language')) ??
    normalizeLang(ldString(article, 'inLanguage')) ??
    normalizeLang(meta(s, 'og:locale'));

  const ldBodyRaw = article && typeof article.articleBody === 'string' ? article.articleBody : null;
  return {
    title,
    byline,
    publishedAt,
    modifiedAt,
    lang,
    canonicalUrl,
    siteName,
    section,
    image,
    excerpt,
    ldBody: ldBodyRaw !== null && isArticle(article as LdNode) ? ldBodyRaw : null,
  };
}
