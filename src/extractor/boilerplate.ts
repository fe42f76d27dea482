/**
 * Recognises page furniture and article containers from markup alone (tag, class, id, role, data-* names).
 * The word lists are general conventions of news and blog templates, not rules for any one site.
 */
import { attr, isTag, isText, type AnyNode, type Element } from './dom.js';
import { TokenCache } from './token-cache.js';

/** Elements never part of article text. */
export const JUNK_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'frame', 'frameset', 'object', 'embed',
  'applet', 'canvas', 'video', 'audio', 'source', 'track', 'picture', 'img', 'map', 'area', 'input', 'select',
  'textarea', 'button', 'option', 'optgroup', 'datalist', 'link', 'meta', 'base', 'dialog', 'rt', 'rp', 'head',
  'title', 'param', 'progress', 'meter', 'output',
]);

/** Structural furniture: navigation, side columns, page headers and footers, figures (captions are not body text). */
const FURNITURE_TAGS = new Set(['nav', 'aside', 'footer', 'header', 'figure', 'figcaption', 'menu']);

const FURNITURE_ROLES = new Set([
  'navigation', 'complementary', 'banner', 'contentinfo', 'search', 'dialog', 'alertdialog', 'menu', 'menubar',
  'toolbar', 'tablist', 'button', 'note',
]);

// A word anywhere in a class or id word list marks furniture ("share-tools", "relatedStories", "ad-slot").
const ANY_WORD = new Set([
  'share', 'sharing', 'shares', 'sharebar', 'sharetools', 'social', 'socials', 'sociallinks', 'related',
  'relatedposts', 'newsletter', 'newsletters', 'promo', 'promos', 'promotion', 'promoted', 'advert', 'adverts',
  'advertisement', 'advertising', 'advertorial', 'ad', 'ads', 'adslot', 'adunit', 'adwrapper', 'adcontainer',
  'dfp', 'gpt', 'sponsor', 'sponsored', 'sponsors', 'comment', 'comments', 'disqus', 'sidebar', 'widget',
  'widgets', 'breadcrumb', 'breadcrumbs', 'subscribe', 'subscription', 'signup', 'outbrain', 'taboola', 'recirc',
  'recirculation', 'recommended', 'recommendations', 'recommendation', 'popular', 'trending', 'caption',
  'captions', 'figcaption', 'credit', 'credits', 'byline', 'bylines', 'dateline', 'timestamp', 'toolbar',
  'masthead', 'navbar', 'navigation', 'nav', 'menu', 'paywall', 'cookie', 'cookies', 'consent', 'modal', 'popup',
  'overlay', 'lightbox', 'gallery', 'slideshow', 'carousel', 'slider', 'teaser', 'teasers', 'pagination',
  'pager', 'rating', 'ratings', 'disclaimer', 'copyright', 'skiplink', 'skiplinks', 'tooltip', 'print', 'email',
  'follow', 'subnav', 'hidden', 'hovercard', 'hovercards', 'popover', 'popovers', 'swiper', 'slick', 'splide', 'flickity', 'fotorama', 'lightgallery', 'photoswipe',
  'offscreen', 'sronly', 'visuallyhidden', 'screenreader', 'banner', 'promobox', 'newsticker', 'ticker',
  'infobox', 'factbox', 'ai2html', 'infographic', 'tags', 'tagcloud', 'taglist', 'keywords', 'topics', 'inline', 'embed', 'embedded',
  'video', 'videos', 'player', 'audio', 'podcast', 'podcasts', 'playlist', 'author', 'authors', 'bio',
  'timestamps', 'date', 'dates', 'meta', 'metadata', 'postmeta', 'entrymeta', 'headline', 'headlines', 'title',
]);

// Pairs of consecutive words that mark furniture although each word alone does not.
const WORD_PAIRS = new Set([
  'read more', 'readmore', 'more stories', 'more articles', 'more news', 'see also', 'also read', 'most read',
  'most viewed', 'you may', 'you might', 'sr only', 'visually hidden', 'screen reader', 'skip to', 'next article',
  'next story', 'up next', 'further reading', 'top stories', 'more from', 'latest news', 'article footer',
  'story footer', 'article tools', 'article meta', 'post meta', 'entry meta', 'story meta', 'article info',
  'post navigation', 'story tools', 'hover card', 'person card', 'profile card',
]);

// Too common in container names to count anywhere in a name ("inline-content", "embed-body", "author-page")...
const WEAK_ALONE = new Set(['inline', 'embed', 'embedded', 'video', 'player', 'audio', 'title', 'headline', 'date', 'print', 'email', 'hidden', 'meta', 'bio', 'author', 'authors', 'tags', 'topics']);
// ...but as the last word of a name they name that part of the page ("article-meta", "post-author", "story-date").
const WEAK_TAIL = new Set([...WEAK_ALONE].filter((w) => w !== 'inline' && w !== 'title' && w !== 'headline'));

// WordPress-style value classes ("tag-politics", "category-social-media") name the post's topics, not furniture.
const VALUE_CLASS = /^(tag|tags|category|categories|cat|post|type|format|status|topic|section|author|postid|page|parent|template|single|lang|language|locale|theme|node|view|page-id|term)[-_]/i;

const EMBED_WORDS = new Set(['embed', 'embedded', 'tweet', 'instagram', 'oembed']);

/** Splits a class or id token into lower-case words: "relatedStories" and "related-stories" give [related, stories]. */
function words(token: string): string[] {
  const out: string[] = [];
  for (const part of token.split(/[^A-Za-z0-9]+/)) {
    const m = part.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g);
    if (m) for (const w of m) out.push(w.toLowerCase());
  }
  return out;
}

// Embedded posts (tweets, Instagram) quote the story's sources: they are text, even inside "social-embed".
function namesEmbed(ws: readonly string[]): boolean {
  return ws.some((w) => EMBED_WORDS.has(w)) && !ws.includes('share') && !ws.includes('follow');
}

function wordsAreFurniture(ws: readonly string[], token: string): boolean {
  const squashed = ws.join('');
  if (ANY_WORD.has(squashed) && (ws.length > 1 || !WEAK_ALONE.has(squashed) || token.length <= 12)) return true;
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    if (ANY_WORD.has(w) && !WEAK_ALONE.has(w)) return true;
    if (i + 1 < ws.length && WORD_PAIRS.has(`${w} ${ws[i + 1] as string}`)) return true;
  }
  if (ws.length < 2) return false;
  const last = ws[ws.length - 1] as string;
  // "field-label-hidden", "title-hidden": a part of the element is hidden, not the element.
  if (last === 'hidden' && HIDDEN_PARTS.has(ws[ws.length - 2] as string)) return false;
  return WEAK_TAIL.has(last);
}

// Parts of an element that templates hide on their own, leaving the element (a Drupal field, a box) visible.
const HIDDEN_PARTS = new Set(['label', 'labels', 'title', 'heading', 'caption', 'icon', 'image', 'img', 'overflow', 'scroll', 'x', 'y', 'border', 'bullet', 'marker']);

// Keyed by fresh copies and bounded: tokens sliced from a page would otherwise keep the page alive (see token-cache.ts).
const tokenCache = new TokenCache<boolean>(10_000);

// Page builders name every unit of a page "widget" or "module" ("elementor-widget-text-editor", "et_pb_module"):
// after their prefix those words say nothing, the words after them say what the unit is.
const BUILDER_PREFIX = new Set(['elementor', 'et', 'vc', 'wpb', 'fl', 'fusion', 'siteorigin', 'so', 'kc', 'tve', 'brxe', 'jet', 'uagb', 'kadence', 'wp']);
const BUILDER_UNITS = new Set(['widget', 'widgets', 'module', 'modules', 'element', 'pb']);
// State classes name what a container has or lacks ("has-sidebar", "no-comments"), not what it is.
const STATE_PREFIX = new Set(['has', 'with', 'no', 'without']);

// Ad words in a BEM modifier mark a layout variant that holds ad slots ("Section--Ads"); the slots name themselves.
const AD_WORDS = new Set(['ad', 'ads', 'advert', 'adverts', 'advertisement', 'advertising', 'adslot', 'adunit', 'dfp', 'gpt']);

function builderWords(ws: string[]): string[] {
  return ws.length > 1 && BUILDER_PREFIX.has(ws[0] as string) ? ws.filter((w) => !BUILDER_UNITS.has(w)) : ws;
}

/**
 * Whether a BEM modifier ("rail--trending", "field--label-hidden") makes its element furniture: a modifier names a
 * variant, so only strong furniture words count in it, never a trailing weak word ("label-hidden": the field's
 * label is hidden, not the field) nor an ad word.
 */
function modifierIsFurniture(modifier: string): boolean {
  const ws = words(modifier);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    if (ANY_WORD.has(w) && !WEAK_ALONE.has(w) && !AD_WORDS.has(w)) return true;
    if (i + 1 < ws.length && WORD_PAIRS.has(`${w} ${ws[i + 1] as string}`)) return true;
  }
  return false;
}

function tokenIsFurniture(token: string): boolean {
  return tokenCache.get(token, (t) => {
    const cut = t.indexOf('--');
    const ws = builderWords(words(cut > 0 ? t.slice(0, cut) : t));
    if (ws.length > 1 && STATE_PREFIX.has(ws[0] as string)) return false;
    if (namesEmbed(ws) || VALUE_CLASS.test(t)) return false;
    return wordsAreFurniture(ws, t) || (cut > 0 && modifierIsFurniture(t.slice(cut + 2)));
  });
}

/** The class, id and component names of `el` as separate tokens. */
function nameTokens(el: Element): string[] {
  const out: string[] = [];
  for (const key of ['class', 'id', 'data-component', 'data-testid', 'data-module', 'data-type']) {
    const v = el.attribs[key];
    if (v) for (const t of v.split(/\s+/)) if (t) out.push(t);
  }
  return out;
}

/** Microdata properties whose value is the text of the item (its description, body, ingredients, steps). */
const TEXT_ITEMPROP = /^(description|articlebody|text|reviewbody|recipeingredient|ingredients|recipeinstructions|abstract)$/i;

/**
 * Whether `el` sits inside an `<article>` or `<main>`: a header there is the story's own header (headline,
 * standfirst, byline), not the site's banner; its headline and byline are dropped line by line later.
 */
function insideArticle(el: Element): boolean {
  for (let n = el.parent; n; n = n.parent) if ('name' in n && (n.name === 'article' || n.name === 'main')) return true;
  return false;
}

/** Whether `el` holds a sentence-long run of text outside links (a standfirst, not a kicker or a headline link). */
function holdsProse(el: Element): boolean {
  const stack: AnyNode[] = [...el.children];
  while (stack.length > 0) {
    const n = stack.pop() as AnyNode;
    if (isText(n)) {
      if (n.data.trim().length >= 100) return true;
    } else if (isTag(n) && n.name !== 'a' && !JUNK_TAGS.has(n.name)) for (const c of n.children) stack.push(c);
  }
  return false;
}

/** True when `el`'s tag, role or names mark it as page furniture (navigation, share tools, ads, related links...). */
export function looksLikeFurniture(el: Element, pageKinds?: ReadonlySet<string>): boolean {
  const a = el.attribs;
  // Microdata states what an element is; that outranks a guess from its class ("teaser-text" holding the description).
  if (a.itemprop && TEXT_ITEMPROP.test(a.itemprop)) return false;
  if (el.name === 'header' && insideArticle(el) && holdsProse(el)) return false;
  if (FURNITURE_TAGS.has(el.name)) return true;
  if (a.role && FURNITURE_ROLES.has(a.role.toLowerCase())) return true;
  if (!a.class && !a.id && !a['data-component'] && !a['data-testid'] && !a['data-module'] && !a['data-type']) return false;
  const tokens = nameTokens(el);
  // An embedded post keeps its text even when a sibling class says "widget" ("article-widget article-tweet").
  if (tokens.some((t) => namesEmbed(words(t)))) return false;
  // On a slideshow or gallery page ("/slideshow/123.cms") the slideshow is the content, not furniture beside it.
  if (pageKinds && pageKinds.size > 0) return tokens.some((t) => tokenIsFurniture(t) && !words(t).some((w) => pageKinds.has(w)));
  return tokens.some(tokenIsFurniture);
}

// Furniture words that can also name what a whole page is; only these are read from the page's address.
const PAGE_KIND_WORDS = new Set(['slideshow', 'slideshows', 'gallery', 'galleries', 'carousel', 'podcast', 'podcasts', 'video', 'videos', 'liveblog', 'ticker', 'newsticker']);

/** The kind words in `url`'s path ("/slideshow/", "/photo-gallery/"): the page is such a thing, so its elements so named are content. */
export function pageKinds(url: string | null | undefined): Set<string> {
  const out = new Set<string>();
  if (!url) return out;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return out;
  }
  for (const w of words(path)) if (PAGE_KIND_WORDS.has(w)) out.add(w);
  return out;
}

/** Why `looksLikeFurniture(el)` holds, for explanations: its tag, its role, or the first furniture-like name. */
export function furnitureReason(el: Element): string {
  if (FURNITURE_TAGS.has(el.name)) return `tag <${el.name}>`;
  const role = el.attribs.role?.toLowerCase();
  if (role && FURNITURE_ROLES.has(role)) return `role "${role}"`;
  for (const key of ['class', 'id', 'data-component', 'data-testid', 'data-module', 'data-type']) {
    const v = el.attribs[key];
    if (v) for (const t of v.split(/\s+/)) if (t && tokenIsFurniture(t)) return `${key} "${t}"`;
  }
  return 'class or id names';
}

const CONTENT_SQUASHED = [
  'articlebody', 'articlecontent', 'articletext', 'articlecopy', 'storybody', 'storycontent', 'storytext',
  'entrycontent', 'entrybody', 'postcontent', 'postbody', 'posttext', 'postentry', 'bodytext', 'bodycopy',
  'richtext', 'contentbody', 'textbody', 'newsbody', 'newscontent', 'newstext', 'detailbody', 'detailcontent',
  'articledetail', 'articleinner', 'storyinner', 'maincontentbody', 'bodycontent', 'contenttext', 'articlebd',
  'blogpost', 'blogcontent', 'singlecontent', 'pagecontent', 'fulltext', 'artbody', 'artcontent', 'articlewrap',
];

/** How strongly `el`'s markup says "this is the article body": 2 for schema.org articleBody, 1 for a body-like class or id, else 0. */
export function contentSignal(el: Element): number {
  if (el.name === 'body' || el.name === 'html') return 0;
  const a = el.attribs;
  if ((a.itemprop && /articlebody/i.test(a.itemprop)) || (a.property && /articlebody/i.test(a.property)) || (a.name && /^articlebody$/i.test(a.name))) return 2;
  if (!a.class && !a.id && !a['data-component'] && !a['data-testid'] && !a['data-module'] && !a['data-type']) return 0;
  for (const t of nameTokens(el)) if (tokenIsContent(t)) return 1;
  return 0;
}

const CONTENT_RE = new RegExp(CONTENT_SQUASHED.join('|'));
const contentCache = new TokenCache<boolean>(10_000);

function tokenIsContent(token: string): boolean {
  return contentCache.get(token, (t) => CONTENT_RE.test(t.toLowerCase().replace(/[^a-z0-9]/g, '')));
}

/** True when `el` is hidden by markup (hidden attribute, aria-hidden, inline display:none or visibility:hidden). */
export function isHidden(el: Element): boolean {
  if ('hidden' in el.attribs) return true;
  if (attr(el, 'aria-hidden') === 'true') return true;
  const style = el.attribs.style;
  if (style && /(display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style)) return true;
  return false;
}
