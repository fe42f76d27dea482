/**
 * Interning of tokens as small integers, so that the diff algorithms compare integers, not strings.
 *
 * One interner is shared by all diffs (see {@link sharedInterner}): the words of news text repeat from diff
 * to diff, and looking a known token up is much cheaper than adding it. Results never depend on the id
 * values, only on their equality, so sharing keeps the differ deterministic.
 */
import { takeInt32 } from './pool.js';
import { HASH_PRIME, HASH_SEED, isWordToken, scanTokens, TOKEN_OTHER, TOKEN_SPACE, TOKEN_WORD } from './tokens.js';

/**
 * Maps each distinct token to an id (0, 1, 2, ... in order of first sight) and remembers which ids are words
 * and which are whitespace. Tokens are looked up straight from the text they occur in (an open-addressing
 * table keyed by a hash of the characters), so a known token costs no string allocation.
 */
export class Interner {
  private readonly strings: string[] = [];
  private readonly kinds: number[] = [];
  private hashes = new Int32Array(1024);
  /** Open-addressing table of id + 1 (0 = empty); its length is a power of two, at most half full. */
  private slots = new Int32Array(2048);
  /** Id + 1 of each single-character ASCII token seen (0 = not seen yet). */
  private readonly single = new Int32Array(128);

  /** The id of `token`, assigning the next free id on first sight (`kind`, a TOKEN_* value when known, saves testing the token). */
  id(token: string, kind?: number): number {
    return this.lookup(token, 0, token.length, kind);
  }

  /** The ids of the tokens of `text`, in order (from the diff's pool, like {@link internTokens}). */
  internText(text: string): Int32Array {
    return this.internTokens(text).ids;
  }

  /**
   * The ids of the tokens of `text` and the offset where each starts (`starts` has one more entry:
   * `text.length`). Both arrays come from the diff's pool (see pool.ts).
   */
  internTokens(text: string): { ids: Int32Array; starts: Int32Array } {
    const { count, ends, kinds, hashes } = scanTokens(text);
    const ids = takeInt32(count);
    const starts = takeInt32(count + 1);
    const single = this.single;
    let start = 0;
    for (let t = 0; t < count; t++) {
      const end = ends[t] as number;
      // Single ASCII characters (spaces, punctuation: half the tokens of most text) are looked up by code.
      const c = end - start === 1 ? text.charCodeAt(start) : 128;
      const known = c < 128 ? (single[c] as number) - 1 : -1;
      ids[t] = known >= 0 ? known : this.find(text, start, end, kinds[t] as number, hashes[t] as number);
      starts[t] = start;
      start = end;
    }
    starts[count] = start;
    return { ids, starts };
  }

  /** The id of text[start, end), added when new. */
  private lookup(text: string, start: number, end: number, kind: number | undefined): number {
    let h = HASH_SEED;
    for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), HASH_PRIME);
    return this.find(text, start, end, kind, h);
  }

  /** The id of text[start, end), whose hash is `h`, added when new. */
  private find(text: string, start: number, end: number, kind: number | undefined, h: number): number {
    const len = end - start;
    const slots = this.slots;
    const hashes = this.hashes;
    const strings = this.strings;
    const mask = slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const v = slots[slot] as number;
      if (v === 0) break;
      if (hashes[v - 1] === h) {
        const s = strings[v - 1] as string;
        if (s.length === len) {
          let q = 0;
          while (q < len && s.charCodeAt(q) === text.charCodeAt(start + q)) q++;
          if (q === len) return v - 1;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.add(text, start, end, kind, h, slot);
  }

  /** Adds text[start, end) (hash `h`, free slot `slot`) as a new token. */
  private add(text: string, start: number, end: number, kind: number | undefined, h: number, slot: number): number {
    const id = this.strings.length;
    const token = start === 0 && end === text.length ? text : text.slice(start, end);
    this.strings.push(token);
    this.kinds.push(kind ?? (isWordToken(token) ? TOKEN_WORD : /^\s/.test(token) ? TOKEN_SPACE : TOKEN_OTHER));
    if (id >= this.hashes.length) {
      const grown = new Int32Array(2 * this.hashes.length);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    if (token.length === 1 && token.charCodeAt(0) < 128) this.single[token.charCodeAt(0)] = id + 1;
    if (2 * this.strings.length > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    for (let id = 0; id < this.strings.length; id++) {
      let slot = (this.hashes[id] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }

  /** The token with id `id`. */
  text(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new Error(`differ: unknown token id ${id}`);
    return s;
  }

  /** Whether the token with id `id` is a word (contains a letter or digit). */
  isWord(id: number): boolean {
    return this.kinds[id] === TOKEN_WORD;
  }

  /** Whether the token with id `id` is whitespace (whitespace tokens are whole runs of it). */
  isSpace(id: number): boolean {
    return this.kinds[id] === TOKEN_SPACE;
  }

  /** Number of distinct tokens seen. */
  get size(): number {
    return this.strings.length;
  }
}

/** Above this many distinct tokens the shared interner is replaced by a fresh one (bounds its memory). */
const SHARED_LIMIT = 1 << 18;
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
