/** Interning of tokens and strings as small integers, so that the diff algorithms compare integers, not strings. */
import { isWordToken, tokenizeFlagged } from './tokens.js';

/** Maps each distinct token to an id (0, 1, 2, ... in order of first sight) and remembers which ids are words. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly wordFlags: boolean[] = [];
  private readonly spaceFlags: boolean[] = [];

  /** The id of `token`, assigning the next free id on first sight (`word`, when known, saves testing the token). */
  id(token: string, word?: boolean): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(token, id);
      this.strings.push(token);
      this.wordFlags.push(word ?? isWordToken(token));
      this.spaceFlags.push(/^\s/.test(token));
    }
    return id;
  }

  /** The ids of the tokens of `text`, in order. */
  internText(text: string): Int32Array {
    const { tokens, words } = tokenizeFlagged(text);
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.id(tokens[i] as string, words[i] === 1);
    return out;
  }

  /** The token with id `id`. */
  text(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new Error(`differ: unknown token id ${id}`);
    return s;
  }

  /** Whether the token with id `id` is a word (contains a letter or digit). */
  isWord(id: number): boolean {
    return this.wordFlags[id] === true;
  }

  /** Whether the token with id `id` is whitespace (whitespace tokens are whole runs of it). */
  isSpace(id: number): boolean {
    return this.spaceFlags[id] === true;
  }

  /** Number of distinct tokens seen. */
  get size(): number {
    return this.strings.length;
  }
}
