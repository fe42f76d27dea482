/**
 * Recognises page furniture and article containers from markup alone (tag, class, id, role, data-* names).
 * The word lists are general conventions of news and blog templates, not rules for any one site.
 */
import { attr, type Element } from './dom.js';

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
  'follow', 'subnav', 'hidden',
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
  'post navigation', 'story tools',
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
  return ws.length > 1 && WEAK_TAIL.has(ws[ws.length - 1] as string);
}

const tokenCache = new Map<string, boolean>();

function tokenIsFurniture(token: string): boolean {
  let result = tokenCache.get(token);
  if (result === undefined) {
    const ws = words(token);
    result = !namesEmbed(ws) && !VALUE_CLASS.test(token) && wordsAreFurniture(ws, token);
    if (tokenCache.size > 50_000) tokenCache.clear();
    tokenCache.set(token, result);
  }
  return result;
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

/** True when `el`'s tag, role or names mark it as page furniture (navigation, share tools, ads, related links...). */
export function looksLikeFurniture(el: Element): boolean {
  if (FURNITURE_TAGS.has(el.name)) return true;
  const a = el.attribs;
  if (a.role && FURNITURE_ROLES.has(a.role.toLowerCase())) return true;
  if (!a.class && !a.id && !a['data-component'] && !a['data-testid'] && !a['data-module'] && !a['data-type']) return false;
  const tokens = nameTokens(el);
  // An embedded post keeps its text even when a sibling class says "widget" ("article-widget article-tweet").
  if (tokens.some((t) => namesEmbed(words(t)))) return false;
  return tokens.some(tokenIsFurniture);
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
const contentCache = new Map<string, boolean>();

function tokenIsContent(token: string): boolean {
  let hit = contentCache.get(token);
  if (hit === undefined) {
    hit = CONTENT_RE.test(token.toLowerCase().replace(/[^a-z0-9]/g, ''));
    if (contentCache.size > 50_000) contentCache.clear();
    contentCache.set(token, hit);
  }
  return hit;
}

/** True when `el` is hidden by markup (hidden attribute, aria-hidden, inline display:none or visibility:hidden). */
export function isHidden(el: Element): boolean {
  if ('hidden' in el.attribs) return true;
  if (attr(el, 'aria-hidden') === 'true') return true;
  const style = el.attribs.style;
  if (style && /(display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style)) return true;
  return false;
}
