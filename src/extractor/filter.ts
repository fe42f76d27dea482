/** Drops blocks inside the article container that are furniture after all: link lists, ad labels, bylines, repeated lines. */
import { linkDensity, HEADING_TAGS, type Block } from './blocks.js';
import { effectiveLength } from './scores.js';
import { looseKey } from './text.js';

// Whole-block furniture phrases seen across news templates, in the corpus's languages and the common ones.
const FURNITURE_LINE = new RegExp(
  '^(?:' +
    [
      'advertisement', 'advertisment', 'advert', 'ad', 'ads', 'sponsored( content)?', 'paid content', 'publicidad', 'publicidade',
      'anzeige', 'werbung', 'pubblicità', 'publicité', 'реклама', '广告', '広告', '광고',
      'continue reading( (below|the main story|the story|this article|after (the )?(ad|advertisement)))?',
      'story continues (below|after)( (the )?(advertisement|ad))?', 'article continues (below|after)( (the )?(advertisement|ad))?',
      'read more', 'read more:.*', 'more:.*', 'read next', 'see also:?.*', 'related( (articles?|stories|story|coverage|content|news|links|reading|video|topics))?:?.*',
      'leia (também|mais).*', 'veja (também|mais).*', 'leggi anche.*', 'lesen sie (auch|mehr).*', 'lire aussi.*', 'читайте (также|еще).*',
      'share( this( article| story| post)?)?( on .*)?', 'share (on|via) .*', 'tweet', 'email', 'print', 'comments?', 'comments? \\(\\d+\\)',
      '(\\d+ )?comments?', 'click here.*', 'tap here.*', 'follow us( on)?.*', 'sign up.*', 'subscribe( now| today)?.*',
      'get (the|our) .*newsletter.*', '.*newsletter.*sign ?up.*', 'sign ?up for .*', 'watch:? .{0,80}', 'video:? .{0,80}', 'photo:? .{0,80}',
      'image( copyright| caption)?:? .{0,80}', 'image', 'photo', 'video', 'credit:? .{0,80}', '(photo|image|picture) (credit|by):? .{0,80}',
      'getty images', 'afp( via getty images)?', 'reuters', 'ap photo.*', 'loading.*', 'skip (to|advert).*', 'back to top', 'top of page',
      'updated:? .{0,60}', 'published:? .{0,60}', 'posted:? .{0,60}', 'last (updated|modified):? .{0,60}', 'first published:? .{0,60}',
      '(\\d+ )?(min|minute)s? read', 'reading time:? .{0,30}', 'listen( to (this|the) (article|story))?.{0,30}',
      'you (may|might) (also )?(like|enjoy|be interested in).*', 'recommended( for you)?:?.*', 'trending( now)?:?.*', 'most (read|popular|viewed).*',
      'topics?:.*', 'tags?:.*', 'filed under:?.*', 'categories:.*', 'category:.*',
      'whatsapp', 'facebook', 'twitter', 'pinterest', 'linkedin', 'reddit', 'messenger', 'telegram',
    ].join('|') +
    ')$',
  'iu',
);

// Short lines that introduce an author or a date rather than the story.
const BYLINE = /^(?:by|von|por|par|di|de|door|av|af|por:|autor:|author:|written by|words by|reporting by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+[\p{L}.'’-]+){0,5}(?:\s*(?:,|and|&|und|e|y|et)\s*\p{Lu}[\p{L}.'’-]*(?:\s+[\p{L}.'’-]+){0,4})*(?:\s*[|,/–—-]\s*.{0,60})?$/u;
const SOCIAL_WORDS = /^(?:(?:share|tweet|email|print|whatsapp|facebook|twitter|pinterest|linkedin|reddit|pint|baixar|compartilhar|comentar|copy link|copiar|save|salvar|messenger|telegram|sms|flipboard|pocket|more)\s*)+$/iu;

// A line of post metadata: "05/10/2018 - Posted by: X - Category: Y - Tags: z".
const META_LINE = /(?:^|[\s|·•-])(?:posted by|published by|written by|publicado por|publicado em|publié par|pubblicato da|veröffentlicht von|опубликовано|categor(?:y|ies|ia|ie)|tags?|etiquetas|schlagworte):/iu;
const URL_ONLY = /^(?:https?:\/\/|www\.)\S+$/iu;

/** Context for filtering: the headline, to drop it where the template repeats it inside the body. */
export interface FilterContext {
  title: string;
}

function isFurnitureLine(b: Block): boolean {
  const t = b.text;
  if (t.length <= 160 && FURNITURE_LINE.test(t)) return true;
  if (t.length <= 120 && SOCIAL_WORDS.test(t)) return true;
  if (t.length <= 200 && META_LINE.test(t)) return true;
  if (URL_ONLY.test(t)) return true;
  return false;
}

function isLinkList(b: Block): boolean {
  const d = linkDensity(b);
  if (d === 0) return false;
  const len = effectiveLength(b.text);
  // A paragraph with a few inline links is text; a block that is mostly a link is a teaser or a navigation item.
  if (len < 100) return d >= 0.5 || (b.inList && d > 0.3);
  return d > 0.6;
}

/** The blocks of the article body that survive the block-level furniture filters, as paragraph strings. */
export function filterBlocks(blocks: readonly Block[], ctx: FilterContext): string[] {
  const titleKey = looseKey(ctx.title);
  const seen = new Set<string>();
  const kept: Block[] = [];
  for (const b of blocks) {
    if (b.teaser || isLinkList(b) || isFurnitureLine(b)) continue;
    const key = looseKey(b.text);
    if (key === '') continue;
    if (titleKey !== '' && key === titleKey) continue;
    if (b.text.length <= 100 && BYLINE.test(b.text)) continue;
    // A line seen before is a pull quote, a repeated widget or a duplicated caption.
    if (b.text.length >= 20) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    kept.push(b);
  }
  return trimEdges(kept).map((b) => b.text);
}

function isProse(b: Block): boolean {
  const len = effectiveLength(b.text);
  return len >= 120 || (len >= 40 && /[.!?…。！？"'”’»)]$/u.test(b.text));
}

function isScrap(b: Block): boolean {
  return !b.inList && effectiveLength(b.text) < 40 && !/[.!?…。！？"'”’»)]$/u.test(b.text);
}

/** Drops short non-sentence scraps (section labels, dates, "Tags") before the first and after the last prose block. */
function trimEdges(blocks: Block[]): Block[] {
  let start = 0;
  while (start < blocks.length && isScrap(blocks[start] as Block)) start++;
  let end = blocks.length;
  while (end > start && (isScrap(blocks[end - 1] as Block) || HEADING_TAGS.has((blocks[end - 1] as Block).tag))) end--;
  if (start >= end) return blocks.filter(isProse);
  return blocks.slice(start, end);
}
