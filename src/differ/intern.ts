/**
 * Interning of tokens as small integers, so that the diff algorithms compare integers, not strings.
 *
 * One interner is shared by all diffs (see {@link sharedInterner}): the words of news text repeat from diff
 * to diff, and looking a known token up is much cheaper than adding it. Results never depend on the id
 * values, only on their equality, so sharing keeps the differ deterministic.
 */
import { takeInt32 } from './pool.js';
import { HASH_PRIME, HASH_SEED, isWordToken, scanTokens, TOKEN_OTHER, TOKEN_SPACE, TOKEN_WORD, utf8Of, type ScannedTokens } from './tokens.js';

/**
 * Maps each distinct token to an id (0, 1, 2, ... in order of first sight) and remembers which ids are words
 * and which are whitespace. Tokens are looked up straight from the text they occur in (an open-addressing
 * table keyed by the hash the scanner computed), so a known token costs no string allocation; candidates are
 * compared on their UTF-8 bytes, kept for every token in one byte array (byte arrays read faster than strings).
 */
export class Interner {
  private readonly strings: string[] = [];
  private readonly kinds: number[] = [];
  private hashes = new Int32Array(1024);
  /** UTF-8 bytes of every token, one after the other; token `id` starts at byteStart[id]. */
  private bytes = new Uint8Array(1 << 14);
  private byteStart = new Int32Array(1025);
  /** Open-addressing table of id + 1 (0 = empty); its length is a power of two, at most half full. */
  private slots = new Int32Array(2048);
  /** Id + 1 of each single-character ASCII token seen (0 = not seen yet). */
  private readonly single = new Int32Array(128);

  /** The id of `token`, assigning the next free id on first sight (`kind`, a TOKEN_* value when known, saves testing the token). */
  id(token: string, kind?: number): number {
    let h = HASH_SEED;
    for (let k = 0; k < token.length; k++) h = Math.imul(h ^ token.charCodeAt(k), HASH_PRIME);
    const { bytes, length } = utf8Of(token);
    return this.find(token, 0, token.length, bytes, 0, length, kind ?? (isWordToken(token) ? TOKEN_WORD : /^\s/.test(token) ? TOKEN_SPACE : TOKEN_OTHER), h);
  }

  /** The ids of the tokens of `text`, in order (from the diff's pool, like {@link internTokens}). */
  internText(text: string): Int32Array {
    return this.internTokens(text).ids;
  }

  /**
   * The ids of the tokens of `text` and the offset where each starts (`starts` has one more entry:
   * `text.length`). Both arrays come from the diff's pool (see pool.ts).
   */
  internTokens(text: string): { ids: Int32Array; starts: Int32Array; segmented: boolean; ascii: boolean } {
    const scanned = scanTokens(text);
    const ids = takeInt32(scanned.count);
    const starts = takeInt32(scanned.count + 1);
    this.internScanned(text, 0, scanned, ids, starts, 0);
    starts[scanned.count] = text.length;
    return { ids, starts, segmented: scanned.segmented, ascii: scanned.ascii };
  }

  /**
   * Interns the tokens `scanned` found in `text` from offset `from`, writing their ids and start offsets to
   * `ids` and `starts` from index `at`.
   */
  internScanned(text: string, from: number, scanned: ScannedTokens, ids: Int32Array, starts: Int32Array, at: number): void {
    const { count, ends, bytes, byteEnds, kinds, hashes } = scanned;
    const single = this.single;
    let start = from;
    let byteAt = 0;
    for (let t = 0; t < count; t++) {
      const end = ends[t] as number;
      const byteEnd = byteEnds[t] as number;
      // Single ASCII characters (spaces, punctuation: half the tokens of most text) are looked up by code.
      const c = byteEnd - byteAt === 1 ? (bytes[byteAt] as number) : 128;
      const known = c < 128 ? (single[c] as number) - 1 : -1;
      ids[at + t] = known >= 0 ? known : this.find(text, start, end, bytes, byteAt, byteEnd, kinds[t] as number, hashes[t] as number);
      starts[at + t] = start;
      start = end;
      byteAt = byteEnd;
    }
  }

  /**
   * The id of the token text[start, end), whose UTF-8 bytes are bytes[byteAt, byteEnd), of kind `kind` and
   * hash `h`; added when new.
   */
  private find(text: string, start: number, end: number, bytes: Uint8Array, byteAt: number, byteEnd: number, kind: number, h: number): number {
    const len = byteEnd - byteAt;
    const slots = this.slots;
    const hashes = this.hashes;
    const own = this.bytes;
    const byteStart = this.byteStart;
    const mask = slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const v = slots[slot] as number;
      if (v === 0) break;
      if (hashes[v - 1] === h) {
        const at = byteStart[v - 1] as number;
        if ((byteStart[v] as number) - at === len) {
          let q = 0;
          while (q < len && own[at + q] === bytes[byteAt + q]) q++;
          // Lone surrogates are written as U+FFFD (EF BF BD), like U+FFFD itself: such tokens compare as strings.
          if (q === len && (len !== 3 || bytes[byteAt] !== 0xef || this.strings[v - 1] === text.slice(start, end))) return v - 1;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.add(text, start, end, bytes, byteAt, byteEnd, kind, h, slot);
  }

  /** Adds the token (see {@link find}) in free slot `slot`. */
  private add(text: string, start: number, end: number, bytes: Uint8Array, byteAt: number, byteEnd: number, kind: number, h: number, slot: number): number {
    const id = this.strings.length;
    const token = start === 0 && end === text.length ? text : text.slice(start, end);
    this.strings.push(token);
    this.kinds.push(kind);
    if (id + 1 >= this.hashes.length) {
      const grown = new Int32Array(2 * this.hashes.length);
      grown.set(this.hashes);
      this.hashes = grown;
      const starts = new Int32Array(grown.length + 1);
      starts.set(this.byteStart);
      this.byteStart = starts;
    }
    const at = this.byteStart[id] as number;
    const len = byteEnd - byteAt;
    if (at + len > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, at + len));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(bytes.subarray(byteAt, byteEnd), at);
    this.byteStart[id + 1] = at + len;
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

  /** The id of the one-character ASCII token with code `code`, or -1 when not seen yet. */
  singleId(code: number): number {
    return (this.single[code] as number) - 1;
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
