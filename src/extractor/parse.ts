/**
 * HTML parsing that stays linear on deeply nested or unclosed markup.
 *
 * Two costs grew with the square of the nesting depth: htmlparser2 keeps its open-element stack with the top at
 * index 0 (`unshift`/`shift`/`indexOf`, each O(depth) per tag), and every later walk from a text block up to the
 * document is as long as the tree is deep. 100,000 unclosed `<div>` took over 5 s. Here the parser's stack is kept
 * top-last with a count per tag name (O(1) per tag), and the tree is capped at `MAX_TREE_DEPTH` as browsers cap it:
 * an element opened deeper is attached to the deepest allowed element instead, so its text is kept, in order.
 */
import { Parser, type ParserOptions } from 'htmlparser2';
import { DomHandler, type ChildNode, type Document } from 'domhandler';

/**
 * The deepest element nesting the extractor builds; deeper elements become children of the element at this depth.
 * Chromium's HTML parser uses the same limit (512) for the same reason.
 */
export const MAX_TREE_DEPTH = 512;

/** A DOM builder that attaches nodes below `MAX_TREE_DEPTH` to the deepest allowed element. */
class DepthLimitedHandler extends DomHandler {
  protected override addNode(node: ChildNode): void {
    const stack = this.tagStack;
    // tagStack[0] is the document, so an element at depth d sits at index d.
    if (stack.length <= MAX_TREE_DEPTH + 1) {
      super.addNode(node);
      return;
    }
    // Make the capped element the top for one call: addNode attaches to the top of the stack.
    stack.push(stack[MAX_TREE_DEPTH] as (typeof stack)[number]);
    try {
      super.addNode(node);
    } finally {
      stack.pop();
    }
  }
}

// htmlparser2's own tables (module-private in Parser.js, v10), needed by the replacement stack methods below. package.json
// pins htmlparser2 to one exact version because of this: after an upgrade, run test/extractor-deep.test.ts (same trees).
const formTags = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const pTag = new Set(['p']);
const tableSectionTags = new Set(['thead', 'tbody']);
const ddtTags = new Set(['dd', 'dt']);
const rtpTags = new Set(['rt', 'rp']);
const openImpliesClose = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])], ['th', new Set(['th'])], ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])], ['li', new Set(['li'])],
  ['p', pTag], ['h1', pTag], ['h2', pTag], ['h3', pTag], ['h4', pTag], ['h5', pTag], ['h6', pTag],
  ['select', formTags], ['input', formTags], ['output', formTags], ['button', formTags], ['datalist', formTags], ['textarea', formTags],
  ['option', new Set(['option'])], ['optgroup', new Set(['optgroup', 'option'])], ['dd', ddtTags], ['dt', ddtTags],
  ['address', pTag], ['article', pTag], ['aside', pTag], ['blockquote', pTag], ['details', pTag], ['div', pTag], ['dl', pTag],
  ['fieldset', pTag], ['figcaption', pTag], ['figure', pTag], ['footer', pTag], ['form', pTag], ['header', pTag], ['hr', pTag],
  ['main', pTag], ['nav', pTag], ['ol', pTag], ['pre', pTag], ['section', pTag], ['table', pTag], ['ul', pTag],
  ['rt', rtpTags], ['rp', rtpTags], ['tbody', tableSectionTags], ['tfoot', tableSectionTags],
]);
const foreignContextElements = new Set(['math', 'svg']);
const htmlIntegrationElements = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

/** The members of htmlparser2's Parser the replacement methods use (private in its type declarations). */
interface ParserState {
  stack: string[];
  foreignContext: boolean[];
  openCounts: Map<string, number>;
  tagname: string;
  openTagStart: number;
  startIndex: number;
  endIndex: number;
  htmlMode: boolean;
  lowerCaseTagNames: boolean;
  recognizeSelfClosing: boolean;
  attribs: Record<string, string> | null;
  cbs: {
    onclosetag?: (name: string, isImplied: boolean) => void;
    onopentagname?: (name: string) => void;
    onopentag?: (name: string, attribs: Record<string, string>, isImplied: boolean) => void;
    onend?: () => void;
  };
  isVoidElement(name: string): boolean;
  endOpenTag(isImplied: boolean): void;
  getSlice(start: number, end: number): string;
  emitOpenTag(name: string): void;
  closeCurrentTag(isOpenImplied: boolean): void;
  onopentagend(endIndex: number): void;
}

function push(p: ParserState, name: string): void {
  p.stack.push(name);
  p.openCounts.set(name, (p.openCounts.get(name) ?? 0) + 1);
}

function pop(p: ParserState): string {
  const name = p.stack.pop() as string;
  p.openCounts.set(name, (p.openCounts.get(name) ?? 1) - 1);
  return name;
}

/**
 * Parser.js's stack methods rewritten with the stack's top at the end, behaving as the originals do (same events
 * in the same order). Each mirrors the method of the same name in htmlparser2 10.x.
 */
const stackMethods = {
  emitOpenTag(this: ParserState, name: string): void {
    this.openTagStart = this.startIndex;
    this.tagname = name;
    const impliesClose = this.htmlMode && openImpliesClose.get(name);
    if (impliesClose) {
      while (this.stack.length > 0 && impliesClose.has(this.stack[this.stack.length - 1] as string)) {
        this.cbs.onclosetag?.(pop(this), true);
      }
    }
    if (!this.isVoidElement(name)) {
      push(this, name);
      if (this.htmlMode) {
        if (foreignContextElements.has(name)) this.foreignContext.push(true);
        else if (htmlIntegrationElements.has(name)) this.foreignContext.push(false);
      }
    }
    this.cbs.onopentagname?.(name);
    if (this.cbs.onopentag) this.attribs = {};
  },

  onclosetag(this: ParserState, start: number, endIndex: number): void {
    this.endIndex = endIndex;
    let name = this.getSlice(start, endIndex);
    if (this.lowerCaseTagNames) name = name.toLowerCase();
    if (this.htmlMode && (foreignContextElements.has(name) || htmlIntegrationElements.has(name))) this.foreignContext.pop();
    if (!this.isVoidElement(name)) {
      if ((this.openCounts.get(name) ?? 0) > 0) {
        // Close everything above the nearest open element of that name; all but it are closed implicitly.
        for (;;) {
          const element = pop(this);
          this.cbs.onclosetag?.(element, element !== name);
          if (element === name) break;
        }
      } else if (this.htmlMode && name === 'p') {
        this.emitOpenTag('p');
        this.closeCurrentTag(true);
      }
    } else if (this.htmlMode && name === 'br') {
      this.cbs.onopentagname?.('br');
      this.cbs.onopentag?.('br', {}, true);
      this.cbs.onclosetag?.('br', false);
    }
    this.startIndex = endIndex + 1;
  },

  onselfclosingtag(this: ParserState, endIndex: number): void {
    this.endIndex = endIndex;
    if (this.recognizeSelfClosing || this.foreignContext[this.foreignContext.length - 1]) {
      this.closeCurrentTag(false);
      this.startIndex = endIndex + 1;
    } else {
      this.onopentagend(endIndex);
    }
  },

  closeCurrentTag(this: ParserState, isOpenImplied: boolean): void {
    const name = this.tagname;
    this.endOpenTag(isOpenImplied);
    if (this.stack[this.stack.length - 1] === name) {
      this.cbs.onclosetag?.(name, !isOpenImplied);
      pop(this);
    }
  },

  onend(this: ParserState): void {
    if (this.cbs.onclosetag) {
      this.endIndex = this.startIndex;
      for (let i = this.stack.length - 1; i >= 0; i--) this.cbs.onclosetag(this.stack[i] as string, true);
    }
    this.cbs.onend?.();
  },
};

/** htmlparser2's Parser with an O(1) open-element stack (see `stackMethods`). */
class FlatStackParser extends Parser {
  constructor(cbs: DomHandler, options: ParserOptions) {
    super(cbs, options);
    (this as unknown as ParserState).openCounts = new Map();
  }

  override reset(): void {
    super.reset();
    (this as unknown as ParserState).openCounts.clear();
  }
}
Object.assign(FlatStackParser.prototype, stackMethods);

/** Parses `html` into a domhandler document in time linear in its size, however deep its markup nests. */
export function parseLinear(html: string, options: ParserOptions): Document {
  const handler = new DepthLimitedHandler(undefined, options);
  new FlatStackParser(handler, options).end(html);
  return handler.root;
}
