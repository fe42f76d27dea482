/**
 * Per-comparison scratch state: the two paragraph lists with lazily computed token ids, word sets and word
 * counts, all interned in one Interner so ids are comparable across both versions. Only paragraphs that
 * are not unchanged are ever tokenized, which keeps long, mostly unchanged texts cheap.
 */
import { sharedInterner, type Interner } from './intern.js';
import { countWords } from './tokens.js';
import { wordSet } from './similarity.js';

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
      ids = this.interner.internText(this.text(i));
      this.ids[i] = ids;
    }
    return ids;
  }

  /** Offset in the text of every token of paragraph `i`, plus the text length at the end. */
  tokenStarts(i: number): Int32Array {
    let starts = this.starts[i];
    if (!starts) {
      const ids = this.tokens(i);
      starts = new Int32Array(ids.length + 1);
      for (let k = 0; k < ids.length; k++) starts[k + 1] = (starts[k] as number) + this.interner.text(ids[k] as number).length;
      this.starts[i] = starts;
    }
    return starts;
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
  const n = text.length;
  let prevSpace = true;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x20) {
      if (prevSpace) return text.replace(/\s+/g, ' ').trim();
      prevSpace = true;
    } else if (c <= 0x0d || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) {
      return text.replace(/\s+/g, ' ').trim();
    } else {
      prevSpace = false;
    }
  }
  return prevSpace && n > 0 ? text.replace(/\s+/g, ' ').trim() : text;
}

/** Text between the paragraphs of a row that spans several paragraphs (a split or a merge). */
export const PARAGRAPH_SEPARATOR = '\n\n';
