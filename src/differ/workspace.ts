/**
 * Per-comparison scratch state: the two paragraph lists with lazily computed token ids, word sets and word
 * counts, all interned in one Interner so ids are comparable across both versions. Only paragraphs that
 * are not unchanged are ever tokenized, which keeps long, mostly unchanged texts cheap.
 */
import { sharedInterner, type Interner } from './intern.js';
import { resetPool, takeInt32 } from './pool.js';
import { countWords, scanTokens, type ScannedTokens } from './tokens.js';
import { sortedWordSet, wordSet } from './similarity.js';
import type { TokenSource } from './worddiff.js';

/** Which version a paragraph belongs to. */
export type SideName = 'old' | 'new';

/** Paragraph text and lazily computed derived data of one version. */
export class Side {
  private readonly ids: (Int32Array | undefined)[];
  private readonly sets: (Int32Array | undefined)[];
  private readonly words: (number | undefined)[];
  private readonly normal: (string | undefined)[];
  private readonly starts: (Int32Array | undefined)[];
  /** Paragraphs holding a run cut by Intl.Segmenter; paragraphs known to be all ASCII. */
  private readonly segmented = new Set<number>();
  private readonly ascii = new Set<number>();

  constructor(
    readonly paras: readonly string[],
    private readonly interner: Interner,
  ) {
    this.ids = new Array<Int32Array | undefined>(paras.length);
    this.sets = new Array<Int32Array | undefined>(paras.length);
    this.words = new Array<number | undefined>(paras.length);
    this.normal = new Array<string | undefined>(paras.length);
    this.starts = new Array<Int32Array | undefined>(paras.length);
  }

  /** Text of paragraph `i`. */
  text(i: number): string {
    const t = this.paras[i];
    if (t === undefined) throw new Error(`differ: paragraph index ${i} out of range`);
    return t;
  }

  /** Token ids of paragraph `i`. */
  tokens(i: number): Int32Array {
    let ids = this.ids[i];
    if (!ids) {
      const t = this.interner.internTokens(this.text(i));
      ids = t.ids;
      this.ids[i] = ids;
      this.starts[i] = t.starts;
      if (t.segmented) this.segmented.add(i);
      if (t.ascii) this.ascii.add(i);
    }
    return ids;
  }

  /** Whether paragraph `i`, already tokenized, is all ASCII (false when unknown). */
  isAscii(i: number): boolean {
    return this.ascii.has(i);
  }

  /**
   * Token ids of paragraph `i`, which is likely an edit of paragraph `k` of `other`: the tokens of the text
   * the two share at their start and at their end are taken from `k` (the same characters give the same
   * tokens), and only the stretch between is scanned and interned. Same result as `tokens(i)`.
   */
  tokensLike(i: number, other: Side, k: number): Int32Array {
    const known = this.ids[i];
    if (known) return known;
    const theirs = other.tokens(k);
    // Intl.Segmenter cuts a run by looking at all of it: no reuse around such runs.
    if (other.segmented.has(k)) return this.tokens(i);
    const theirStarts = other.tokenStarts(k);
    const text = this.text(i);
    const their = other.text(k);
    const n = text.length;
    const m = their.length;
    const lim = Math.min(n, m);
    // Common start and end, 32 characters at a time while they agree (native compares), then one at a time.
    let prefix = 0;
    while (prefix + 32 <= lim && text.substring(prefix, prefix + 32) === their.substring(prefix, prefix + 32)) prefix += 32;
    while (prefix < lim && text.charCodeAt(prefix) === their.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (suffix + 32 <= lim - prefix && text.substring(n - suffix - 32, n - suffix) === their.substring(m - suffix - 32, m - suffix)) suffix += 32;
    while (suffix < lim - prefix && text.charCodeAt(n - 1 - suffix) === their.charCodeAt(m - 1 - suffix)) suffix++;
    // Their tokens that end two characters or more before the first difference are tokens here too (the
    // scanner decides where a token ends from the character after it, and a surrogate pair spans two).
    let head = 0;
    while (head < theirs.length && (theirStarts[head + 1] as number) <= prefix - 2) head++;
    const from = theirStarts[head] as number;
    // Past the difference, scanning can stop at the first token boundary that lies in the shared end and is a
    // boundary of theirs too: from there on, the tokens are theirs (shifted by the length difference).
    const shift = n - m;
    let firstTail = head;
    while (firstTail < theirs.length && (theirStarts[firstTail] as number) < m - suffix) firstTail++;
    const stops = takeInt32(theirs.length - firstTail);
    for (let t = firstTail; t < theirs.length; t++) stops[t - firstTail] = (theirStarts[t] as number) + shift;
    // The scan may stop right where it starts, before any token.
    let tail = -1;
    let count = 0;
    let scanned: ScannedTokens | null = null;
    let atFrom = 0;
    while (atFrom < stops.length && (stops[atFrom] as number) < from) atFrom++;
    // All ASCII when theirs is (the shared start and end are theirs) and so is what was scanned here.
    let ascii = other.ascii.has(k);
    if (atFrom < stops.length && stops[atFrom] === from) tail = firstTail + atFrom;
    else {
      scanned = scanTokens(text, from, stops);
      count = scanned.count;
      if (scanned.segmented) return this.tokens(i);
      if (scanned.stop >= 0) tail = firstTail + scanned.stop;
      ascii &&= scanned.ascii;
    }
    if (ascii) this.ascii.add(i);
    const tailCount = tail < 0 ? 0 : theirs.length - tail;
    const total = head + count + tailCount;
    const ids = takeInt32(total);
    const starts = takeInt32(total + 1);
    for (let t = 0; t < head; t++) {
      ids[t] = theirs[t] as number;
      starts[t] = theirStarts[t] as number;
    }
    if (scanned) this.interner.internScanned(text, from, scanned, ids, starts, head);
    for (let t = 0; t < tailCount; t++) {
      ids[head + count + t] = theirs[tail + t] as number;
      starts[head + count + t] = (theirStarts[tail + t] as number) + shift;
    }
    starts[total] = n;
    this.ids[i] = ids;
    this.starts[i] = starts;
    return ids;
  }

  /** Offset in the text of every token of paragraph `i`, plus the text length at the end. */
  tokenStarts(i: number): Int32Array {
    let starts = this.starts[i];
    if (!starts) {
      this.tokens(i);
      starts = this.starts[i] as Int32Array;
    }
    return starts;
  }

  /** Paragraph `i` as the source of its tokens (for word diffs that cut their ops from the text). */
  source(i: number): TokenSource {
    return { text: this.text(i), starts: this.tokenStarts(i) };
  }

  /** Distinct word ids of paragraph `i`, in order of first appearance. */
  wordSet(i: number): Int32Array {
    let set = this.sets[i];
    if (!set) {
      set = wordSet(this.tokens(i), this.interner);
      this.sets[i] = set;
    }
    return set;
  }

  /** Distinct word ids of paragraph `i`, ascending. */
  sortedWordSet(i: number): Int32Array {
    return sortedWordSet(this.tokens(i), this.interner);
  }

  /** Number of word tokens in paragraph `i` (counted without tokenizing when the paragraph was not tokenized). */
  wordCount(i: number): number {
    let n = this.words[i];
    if (n === undefined) {
      const ids = this.ids[i];
      if (ids) {
        n = 0;
        for (const id of ids) if (this.interner.isWord(id)) n++;
      } else {
        n = countWords(this.text(i));
      }
      this.words[i] = n;
    }
    return n;
  }

  /** Paragraph `i` with whitespace runs collapsed to one space and trimmed: paragraphs equal under it are unchanged. */
  normalized(i: number): string {
    let s = this.normal[i];
    if (s === undefined) {
      const ids = this.ids[i];
      // Once tokenized, a paragraph whose only whitespace is single spaces between other tokens is its own
      // normal form: a glance at its token ids instead of a pass over its characters.
      s = ids && this.regularSpacing(ids) ? this.text(i) : collapseWhitespace(this.text(i));
      this.normal[i] = s;
    }
    return s;
  }

  /** Whether every whitespace token of `ids` is a single space and none comes first or last. */
  private regularSpacing(ids: Int32Array): boolean {
    const n = ids.length;
    if (n === 0) return true;
    const interner = this.interner;
    if (interner.isSpace(ids[0] as number) || interner.isSpace(ids[n - 1] as number)) return false;
    const space = interner.singleId(0x20);
    for (let k = 1; k < n - 1; k++) {
      const id = ids[k] as number;
      if (id !== space && interner.isSpace(id)) return false;
    }
    return true;
  }
}

/** Both versions of one comparison. */
export class Workspace {
  readonly interner = sharedInterner();
  readonly old: Side;
  readonly new: Side;
  /** Token id of the paragraph separator used when a row joins several paragraphs. */
  readonly separator: number;

  constructor(oldParas: readonly string[], newParas: readonly string[]) {
    resetPool();
    this.old = new Side(oldParas, this.interner);
    this.new = new Side(newParas, this.interner);
    this.separator = this.interner.id(PARAGRAPH_SEPARATOR);
  }

  /** The side called `name`. */
  side(name: SideName): Side {
    return name === 'old' ? this.old : this.new;
  }
}

/** `text` with whitespace runs collapsed to one space and trimmed; returns `text` itself when already so (the common case, no allocation). */
export function collapseWhitespace(text: string): string {
  // A native regex test finds the rare text that needs work faster than a loop over its characters.
  const n = text.length;
  const irregular = n > 0 && (text.charCodeAt(0) === 0x20 || text.charCodeAt(n - 1) === 0x20 || IRREGULAR_SPACE.test(text));
  return irregular ? text.replace(/\s+/g, ' ').trim() : text;
}

/** Whitespace other than spaces, or two spaces in a row (with a leading or trailing space: all that collapsing changes). */
const IRREGULAR_SPACE = /[^\S ]| {2}/;

/** Text between the paragraphs of a row that spans several paragraphs (a split or a merge). */
export const PARAGRAPH_SEPARATOR = '\n\n';
