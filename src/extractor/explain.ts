/**
 * The optional trace of one extraction (`extract(html, url, { explain: true })`, `palimpsest extract --explain`):
 * which elements were removed and which text blocks were kept or dropped, each with the rule that decided, and
 * the chosen body container. Nothing here runs unless a trace is asked for.
 */
import { isTag, rawText, type Element, type ParentNode } from './dom.js';
import type { Block } from './blocks.js';
import { normalizeText } from './text.js';

/** One decision of the extractor. */
export interface ExplainEntry {
  /** 'element': a whole element removed before blocks were cut; 'block': one text block of the page. */
  kind: 'element' | 'block';
  kept: boolean;
  /** The rule that decided ("furniture: class \"sidebar\"", "link density 0.83", "kept: in the body container"). */
  reason: string;
  /** The element (tag#id.class) or, for a block, the element that owns it. */
  element: string;
  /** Characters of normalised text concerned. */
  chars: number;
  /** The start of that text (at most 80 characters). */
  text: string;
}

/** The trace of one extraction. */
export interface Explanation {
  /** How the body was found: 'site rule', 'markup and text density', 'JSON-LD articleBody'. */
  method: string;
  /** The chosen body container (tag#id.class), or '' when none was chosen. */
  container: string;
  /** Every removed element and every text block, in the order the extractor met them. */
  entries: ExplainEntry[];
  /** One line: what was kept, and which rules removed the most text. */
  summary: string;
}

const PREVIEW = 80;

/** A short name for an element: its tag, id and first classes ("div#main.article-body.wide"). */
export function describeElement(node: ParentNode): string {
  if (!isTag(node)) return node.type === 'root' ? '#document' : String(node.type);
  const id = node.attribs.id ? `#${node.attribs.id.trim().split(/\s+/)[0]}` : '';
  const classes = (node.attribs.class ?? '').trim().split(/\s+/).filter((c) => c !== '').slice(0, 3).map((c) => `.${c}`).join('');
  return `${node.name}${id}${classes}`;
}

function preview(text: string): string {
  return text.length <= PREVIEW ? text : `${text.slice(0, PREVIEW - 1)}…`;
}

/** Collects the decisions of one extraction; passed down only when an explanation was asked for. */
export class ExplainTrace {
  method = 'markup and text density';
  container = '';
  private readonly entries: ExplainEntry[] = [];
  private readonly blockReasons = new Map<Block, string>();

  /** Records an element removed with its whole subtree (site rule drop, hidden, furniture). */
  removed(el: Element, reason: string): void {
    const text = normalizeText(rawText(el));
    if (text === '') return; // an empty element removed changes no text: not worth a line
    this.entries.push({ kind: 'element', kept: false, reason, element: describeElement(el), chars: text.length, text: preview(text) });
  }

  /** Records why a block is dropped (the first reason given wins). */
  dropBlock(b: Block, reason: string): void {
    if (!this.blockReasons.has(b)) this.blockReasons.set(b, reason);
  }

  /** Adds an entry for every block of the page: dropped with its recorded reason, else kept. */
  blocks(all: readonly Block[], keptReason: string): void {
    for (const b of all) {
      const reason = this.blockReasons.get(b);
      this.entries.push({ kind: 'block', kept: reason === undefined, reason: reason ?? keptReason, element: describeElement(b.owner), chars: b.text.length, text: preview(b.text) });
    }
  }

  /** Replaces the block entries when the body came from elsewhere (JSON-LD): the markup's blocks were all set aside. */
  replaceBody(method: string, paragraphs: readonly string[]): void {
    this.method = method;
    for (const e of this.entries) {
      if (e.kind === 'block' && e.kept) {
        e.kept = false;
        e.reason = `not used: ${method} holds more text`;
      }
    }
    for (const p of paragraphs) this.entries.push({ kind: 'block', kept: true, reason: `kept: ${method}`, element: 'json-ld', chars: p.length, text: preview(p) });
  }

  /** The finished explanation. */
  result(): Explanation {
    return { method: this.method, container: this.container, entries: this.entries, summary: summarize(this.entries) };
  }
}

/**
 * One line on an explanation's entries: the text kept, then the rules that removed the most text, largest first
 * ("kept 0 of 5 blocks (0 chars); removed: 3 blocks (1,240 chars) furniture: class \"sidebar\"; ...").
 */
export function summarize(entries: readonly ExplainEntry[]): string {
  const blocks = entries.filter((e) => e.kind === 'block');
  const kept = blocks.filter((e) => e.kept);
  const keptChars = kept.reduce((n, e) => n + e.chars, 0);
  const byReason = new Map<string, { count: number; chars: number; element: boolean }>();
  for (const e of entries) {
    if (e.kept) continue;
    const r = byReason.get(e.reason) ?? { count: 0, chars: 0, element: e.kind === 'element' };
    r.count++;
    r.chars += e.chars;
    byReason.set(e.reason, r);
  }
  const top = [...byReason].sort((a, b) => b[1].chars - a[1].chars).slice(0, 3);
  const head = `kept ${kept.length} of ${blocks.length} blocks (${keptChars.toLocaleString('en-US')} chars)`;
  if (top.length === 0) return head;
  const parts = top.map(([reason, r]) => `${r.count} ${r.element ? (r.count === 1 ? 'element' : 'elements') : r.count === 1 ? 'block' : 'blocks'} (${r.chars.toLocaleString('en-US')} chars) ${reason}`);
  return `${head}; removed most: ${parts.join('; ')}`;
}
