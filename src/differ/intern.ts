/**
 * Interning of tokens as small integers, so that the diff algorithms compare integers, not strings.
 *
 * One interner is shared by all diffs (see {@link sharedInterner}): the words of news text repeat from diff
 * to diff, and looking a known token up is much cheaper than adding it. Results never depend on the id
 * values, only on their equality, so sharing keeps the differ deterministic.
 */
import { isWordToken, tokenizeFlagged, TOKEN_SPACE, TOKEN_WORD } from './tokens.js';

/** Maps each distinct token to an id (0, 1, 2, ... in order of first sight) and remembers which ids are words. */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly wordFlags: boolean[] = [];
  private readonly spaceFlags: boolean[] = [];

  /** The id of `token`, assigning the next free id on first sight (`kind`, a TOKEN_* value when known, saves testing the token). */
  id(token: string, kind?: number): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(token, id);
      this.strings.push(token);
      this.wordFlags.push(kind === undefined ? isWordToken(token) : kind === TOKEN_WORD);
      this.spaceFlags.push(kind === undefined ? /^\s/.test(token) : kind === TOKEN_SPACE);
    }
    return id;
  }

  /** The ids of the tokens of `text`, in order. */
  internText(text: string): Int32Array {
    const { tokens, kinds } = tokenizeFlagged(text);
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.id(tokens[i] as string, kinds[i]);
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

/** Above this many distinct tokens the shared interner is replaced by a fresh one (bounds its memory). */
const SHARED_LIMIT = 1 << 20;
let shared: Interner | undefined;

/** The interner shared by all diffs; call it once at the start of a diff, never in the middle of one. */
export function sharedInterner(): Interner {
  if (!shared || shared.size > SHARED_LIMIT) shared = new Interner();
  return shared;
}

/** Drops the shared interner (tests use it to check that results do not depend on earlier diffs). */
export function resetSharedInterner(): void {
  shared = undefined;
}
