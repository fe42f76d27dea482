/**
 * Per-comparison scratch state: the two paragraph lists with lazily computed token ids, word sets and word
 * counts, all interned in one Interner so ids are comparable across both versions. Only paragraphs that
 * are not unchanged are ever tokenized, which keeps long, mostly unchanged texts cheap.
 */
import { sharedInterner, type Interner } from './intern.js';
import { resetPool } from './pool.js';
import { countWords } from './tokens.js';
import { wordSet } from './similarity.js';
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
    }
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

  /** Sorted distinct word ids of paragraph `i`. */
  wordSet(i: number): Int32Array {
    let set = this.sets[i];
    if (!set) {
      set = wordSet(this.tokens(i), this.interner);
      this.sets[i] = set;
    }
    return set;
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
      s = collapseWhitespace(this.text(i));
      this.normal[i] = s;
    }
    return s;
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
  return IRREGULAR_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/** Whitespace other than single inner spaces. */
const IRREGULAR_SPACE = /[^\S ]|  |^ | $/;

/** Text between the paragraphs of a row that spans several paragraphs (a split or a merge). */
export const PARAGRAPH_SEPARATOR = '\n\n';
