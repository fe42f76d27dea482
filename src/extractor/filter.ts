/** Drops blocks inside the article container that are furniture after all: link lists, ad labels, bylines, repeated lines. */
import { linkDensity, HEADING_TAGS, type Block } from './blocks.js';
import type { ParentNode } from './dom.js';
import { looseKey } from './text.js';

// Whole-block furniture phrases seen across news templates, in the corpus's languages and the common ones.
const FURNITURE_LINE = new RegExp(
  '^(?:' +
    [
      'sponsored( content)?', 'paid content', 'anzeige', 'werbung', 'publicidad', 'publicidade', 'pubblicità', 'publicité', 'реклама', '广告', '広告', '광고',
      'continue reading( (below|the story|this article|after (the )?(ad|advertisement)))?',
      '(story|article) continues (below|after)( (the )?(advertisement|ad))?',
      'read more:.*', 'more:.*', 'read next', 'see also:?.*', 'related( (articles?|stories|story|coverage|content|news|links|reading|video|topics))?:?.*',
      'leia (também|mais).*', 'veja (também|mais).*', 'leggi anche.*', 'lesen sie (auch|mehr).*', 'lire aussi.*', 'читайте (также|еще).*',
      'share( this( article| story| post)?)?( on .*)?', 'share (on|via) .*', 'comments? \\(\\d+\\)',
      '[\\d.,]+\\s?[km]?\\s(shares?|comments?|views?|likes?|reactions?|replies)', 'click here.*', 'tap here.*', 'follow us( on)?.*',
      'sign up.*', 'subscribe( now| today)?.*', 'get (the|our) .*newsletter.*', '.*newsletter.*sign ?up.*', 'sign ?up for .*',
      '(watch|video|photo|photos|image|images|gallery|graphic|credit|source|pictured|caption):\\s.{0,80}',
      'image (copyright|caption)\\s.{0,80}', '(photo|image|picture) (credit|by)\\s.{0,80}', 'getty images', 'afp( via getty images)?', 'ap photo.*',
      'loading.*', 'skip (to|advert).*', 'back to top', 'top of page',
      // A timestamp line names a time: digits, "ago", "today" ("Updated 5 minutes ago", "Published: 19 Nov 2019").
      '(last )?(updated|published|posted|modified|first published)( on| at|:)?\\s(?=.*(\\d|\\bago\\b|\\btoday\\b|\\byesterday\\b)).{0,60}',
      '(\\d+ )?(min|minute)s? read', 'reading time:? .{0,30}', 'listen to (this|the) (article|story).{0,30}',
      'you (may|might) (also )?(like|enjoy|be interested in).*', 'recommended( for you)?:?.*', 'trending( now)?:?.*', 'most (read|popular|viewed).*',
      'topics?:.*', 'tags?:.*', 'filed under:?.*', 'categories:.*', 'category:.*',
    ].join('|') +
    ')$',
  'iu',
);

// Lines made only of furniture words: share buttons ("Whatsapp Facebook Pint Baixar"), capture noise ("Photo Advertisement").
const FURNITURE_WORDS = new RegExp(
  '^(?:(?:' +
    [
      'share', 'tweet', 'email', 'e-mail', 'print', 'save', 'more', 'comments?', 'whatsapp', 'facebook', 'twitter', 'x', 'pinterest', 'pint',
      'linkedin', 'reddit', 'messenger', 'telegram', 'sms', 'flipboard', 'pocket', 'copy link', 'baixar', 'compartilhar', 'comentar', 'copiar',
      'salvar', 'advertisement', 'advertisment', 'advert', 'ads?', 'photo', 'photos', 'video', 'image', 'audio', 'listen', 'play', 'close',
      'continue reading( the main story)?', 'reuters', 'ap', 'afp', 'getty images',
    ].join('|') +
    ')[\\s,|•·/]*)+$',
  'iu',
);

// Short lines that introduce an author rather than the story: "By Jane Roe", "Por Ana Souza | Especial", "By A and B".
const NAME = "\\p{Lu}[\\p{L}.'’-]*(?:\\s+(?:\\p{Lu}[\\p{L}.'’-]*|van|von|de|da|del|der|di|du|dos|la|le|bin|al|el))*";
const BYLINE_PREFIX = /^(?:by|von|por|par|di|de|door|av|af|autor:|author:|written by|words by|reporting by)\s+/iu;
// Case-sensitive on purpose: names are capitalised, a sentence that starts with "De acordo" or "By now" is not.
const BYLINE_NAMES = new RegExp(`^${NAME}(?:\\s*(?:,|and|&|und|e|y|et)\\s*${NAME})*(?:\\s*[|,/–—-]\\s*.{0,60})?$`, 'u');

function isByline(t: string): boolean {
  if (t.length > 100) return false;
  const m = BYLINE_PREFIX.exec(t);
  return m !== null && BYLINE_NAMES.test(t.slice(m[0].length));
}

// A line of post metadata: "05/10/2018 - Posted by: X - Category: Y - Tags: z".
const META_LINE = /(?:^|[\s|·•-])(?:posted by|published by|written by|publicado por|publicado em|publié par|pubblicato da|veröffentlicht von|опубликовано|categor(?:y|ies|ia|ie)|tags?|etiquetas|schlagworte):/iu;
const URL_ONLY = /^(?:https?:\/\/|www\.)\S+$/iu;

const HAS_WORD = /[\p{L}\p{N}]/u;

/** Context for filtering: the headline(s), to drop them where the template repeats them inside the body. */
export interface FilterContext {
  titles: readonly string[];
  /** Told of each dropped block and the rule that dropped it (explanations only; absent otherwise). */
  onDrop?: (b: Block, reason: string) => void;
}

function isFurnitureLine(b: Block): boolean {
  const t = b.text;
  if (t.length <= 160 && FURNITURE_LINE.test(t)) return true;
  if (t.length <= 120 && FURNITURE_WORDS.test(t)) return true;
  if (t.length <= 200 && META_LINE.test(t)) return true;
  if (URL_ONLY.test(t)) return true;
  if (t.length <= 300 && AFFILIATE_NOTE.test(t)) return true;
  return false;
}

// The affiliate disclosure templates print above or below every article: "Für Links auf dieser Seite erhält X ggf.
// eine Provision", "We may earn a commission from links on this page", "Als Amazon-Partner verdiene ich...".
const AFFILIATE_NOTE = /\b(erhält|erhalten|verdiene[nt]?|earns?|receives?|bekommen?)\b.{0,80}\b(provision|commission|vergütung)\b|\baffiliate[- ]links?\b.{0,80}\b(provision|commission|vergütung|earn|verdien)/iu;

function isLinkList(b: Block): boolean {
  const d = linkDensity(b);
  if (d === 0) return false;
  const len = b.size;
  // A paragraph with a few inline links is text; a block that is mostly a link is a teaser or a navigation item.
  if (len < 100) return d >= 0.5;
  return d > 0.6;
}

/** A heading made of one link ("“Rez Infinite” ($30)" linking to the game) that introduces prose, not a teaser. */
function isLinkedSubheading(b: Block, next: Block | undefined): boolean {
  return HEADING_TAGS.has(b.tag) && next !== undefined && !next.teaser && next.size >= 80 && linkDensity(next) < 0.5;
}

/** The blocks of the article body that survive the block-level furniture filters, as paragraph strings. */
export function filterBlocks(blocks: readonly Block[], ctx: FilterContext): string[] {
  const titleKeys = new Set(ctx.titles.map(looseKey).filter((k) => k !== ''));
  const titleLengths = ctx.titles.map((t) => t.length);
  const seen = new Map<string, ParentNode | null>();
  const kept: Block[] = [];
  const drop = ctx.onDrop;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as Block;
    if (b.teaser || isFurnitureLine(b)) {
      drop?.(b, b.teaser ? 'teaser: summary under a linked headline' : 'furniture line (label, share, timestamp, "read more"...)');
      continue;
    }
    if (isLinkList(b) && !isLinkedSubheading(b, blocks[i + 1])) {
      drop?.(b, `link density ${linkDensity(b).toFixed(2)}`);
      continue;
    }
    if (!HAS_WORD.test(b.text)) {
      drop?.(b, 'no words');
      continue;
    }
    // Only a block about as long as a headline can repeat it; keying every block would be wasted work.
    if (titleLengths.some((n) => Math.abs(n - b.text.length) <= 12) && titleKeys.has(looseKey(b.text))) {
      drop?.(b, 'repeats the headline');
      continue;
    }
    const key = b.text.toLowerCase();
    if (isByline(b.text)) {
      drop?.(b, 'byline');
      continue;
    }
    // A line seen before is a pull quote, a repeated widget or a duplicated caption; but a line repeated among its
    // own siblings (a plan giving the same instruction for six days, a table's repeated cells) is content.
    if (b.text.length >= 20) {
      const first = seen.get(key);
      if (first !== undefined && first !== containerOf(b)) {
        drop?.(b, 'duplicate of an earlier line');
        continue;
      }
      if (first === undefined) seen.set(key, containerOf(b));
    }
    kept.push(b);
  }
  const result = trimEdges(cutRecirculation(kept));
  if (drop && result.length < kept.length) {
    const left = new Set(result);
    for (const b of kept) if (!left.has(b)) drop(b, 'cut: recirculation list or scrap at the edge of the body');
  }
  return result.map((b) => b.text);
}

/** The element whose children the block's owner is one of: repeats among siblings share it. */
function containerOf(b: Block): ParentNode | null {
  return b.owner.parent;
}

// A short line announcing more stories ("Mehr zum Thema", "You may also like", "Zobacz także"): a recirculation box
// left at the end of the body, in the corpus's languages and the common ones.
const RECIRCULATION = new RegExp(
  '^(?:' +
    [
      'mehr (zu(m| diesem)? thema|aus der rubrik|zum autor).*', 'weitere (artikel|beiträge|themen|nachrichten|meldungen|news|informationen|tipps|tourentipps|links|geschichten|homestorys|rezepte)\\b.*',
      '(das|dies) (könnte|dürfte) (dich|sie|euch) auch interessieren.*', '(das )?könnte (dich|sie|euch) auch interessieren.*', 'auch interessant.*', 'ähnliche (artikel|beiträge|themen).*',
      'empfohlene(r)? (redaktionelle(r)? )?(inhalt|artikel|beiträge).*', 'empfehlungen (aus|der|für).*', 'entdecke (weitere|mehr).*',
      'explore further', 'more (on|from|about|in) .{1,60}', '(you|we) (may|might) also like.*', 'related (articles?|stories|posts|content|reading)',
      'zobacz (także|też|również).*', 'czytaj (też|także|również).*', 'à lire aussi.*', 'voir aussi.*', 'lee también.*', 'te puede interesar.*',
      'ver también.*', 'leggi anche.*', 'potrebbe interessarti.*',
    ].join('|') +
    ')$',
  'iu',
);

/**
 * The blocks before a recirculation heading that starts the tail of the body (after at least one prose block,
 * and followed by less text than precedes it): what follows such a heading is a box of other stories.
 */
function cutRecirculation(blocks: Block[]): Block[] {
  const prose = (b: Block): number => (!HEADING_TAGS.has(b.tag) && b.size >= 80 && linkDensity(b) < 0.5 ? b.size : 0);
  let before = 0;
  let total = 0;
  for (const b of blocks) total += prose(b);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i] as Block;
    // Prose after the line, or right below it, means the story goes on: an inline "Read also" link, a
    // "More on this" paragraph, not the recirculation box.
    const next = blocks[i + 1];
    const opensProse = next !== undefined && prose(next) > 0 && linkDensity(next) < 0.2;
    if (before > 0 && b.size <= 80 && !opensProse && RECIRCULATION.test(b.text.replace(/[:.…»›>]+$/u, '').trim()) && total - before < 0.2 * before) {
      return blocks.slice(0, i);
    }
    before += prose(b);
  }
  return blocks;
}

function isProse(b: Block): boolean {
  const len = b.size;
  return len >= 120 || (len >= 40 && /[.!?…。！？"'”’“‘«»)]$/u.test(b.text));
}

function isScrap(b: Block): boolean {
  return !b.inList && b.size < 40 && !/[.!?…。！？"'”’“‘«»)]$/u.test(b.text);
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
