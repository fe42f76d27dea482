/** Numbering of distinct strings (paragraph texts) for the paragraph alignment's histogram matching. */
/**
 * Numbers distinct strings 0, 1, 2, ... in order of first sight. Paragraphs run to hundreds of characters and
 * a Map keyed by them hashes every character of every one; here the key is a hash of the length and about 17
 * characters spread over the string (an open-addressing table of chains of ids), and equal hashes are told
 * apart by comparing the strings (native and fast, and only needed when they are equal or collide). A chain
 * that collects many distinct strings (text built to collide) falls back to a Map of its own, so the cost
 * stays linear.
 */
export class StringIds {
  private readonly strings: string[] = [];
  private readonly hashes: Int32Array;
  /** Next id in the same chain, or -1. */
  private readonly next: Int32Array;
  /** Table of chain heads (id + 1, 0 = empty), keyed by hash; chainLength counts the ids of each chain. */
  private readonly heads: Int32Array;
  private readonly chainLength: Int32Array;
  private readonly mask: number;
  /** Chains that grew past CHAIN_LIMIT, by head slot: exact lookup by string. */
  private crowded: Map<number, Map<string, number>> | undefined;

  /** For at most `capacity` distinct strings. */
  constructor(capacity: number) {
    let size = 16;
    while (size < 2 * capacity) size *= 2;
    this.mask = size - 1;
    this.heads = new Int32Array(size);
    this.chainLength = new Int32Array(size);
    this.hashes = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** The id of `s`: the id it was given when first seen, or the next one. */
  id(s: string): number {
    const h = sampleHash(s);
    let slot = (h ^ (h >>> 16)) & this.mask;
    for (;;) {
      const head = this.heads[slot] as number;
      if (head === 0) {
        this.heads[slot] = this.strings.length + 1;
        this.chainLength[slot] = 1;
        return this.push(s, h, -1);
      }
      if (this.hashes[head - 1] === h) break;
      slot = (slot + 1) & this.mask;
    }
    const head = (this.heads[slot] as number) - 1;
    if ((this.chainLength[slot] as number) > CHAIN_LIMIT) {
      this.crowded ??= new Map();
      let exact = this.crowded.get(slot);
      if (!exact) {
        exact = new Map();
        for (let id = head; id >= 0; id = this.next[id] as number) exact.set(this.strings[id] as string, id);
        this.crowded.set(slot, exact);
      }
      const known = exact.get(s);
      if (known !== undefined) return known;
      exact.set(s, this.strings.length);
    } else {
      for (let id = head; id >= 0; id = this.next[id] as number) if (this.strings[id] === s) return id;
    }
    this.heads[slot] = this.strings.length + 1;
    this.chainLength[slot] = (this.chainLength[slot] as number) + 1;
    return this.push(s, h, head);
  }

  private push(s: string, h: number, next: number): number {
    const id = this.strings.length;
    this.strings.push(s);
    this.hashes[id] = h;
    this.next[id] = next;
    return id;
  }
}

/** Past this many distinct strings with one hash, a chain is looked up through a Map. */
const CHAIN_LIMIT = 8;

/** Hash of the length of `s` and of about 17 of its characters (all of them for short strings). */
function sampleHash(s: string): number {
  const n = s.length;
  let h = Math.imul(n, 0x9e3779b1);
  const step = n > 32 ? n >> 4 : 1;
  for (let k = 0; k < n; k += step) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  if (n > 0) h = Math.imul(h ^ s.charCodeAt(n - 1), 0x01000193);
  return h;
}
