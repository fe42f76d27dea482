/**
 * Decoding chains of delta-encoded rows (delta-codec.ts) as both backends fetch them, and a small process-wide cache
 * of decoded contents so that reading an article's versions in order (pages, exports, re-extraction, compact)
 * decodes one frame per row instead of a whole chain each time. Driver-free.
 *
 * A cached content is used only when the row's stored bytes are still exactly those it was decoded from, so an
 * entry can never outlive a change of the row (compact, re-extraction, another process, another database): a
 * delta frame also carries the checksum of its decoded content, so equal stored bytes decode to equal content.
 */
import { cachedDictionary, forgetDictionaries, forgetDictionary, MissingDictionary } from './body-dicts.js';
import { decodeFrame, decodeGzip } from './delta-codec.js';

/** One stored row of a chain: its codec, its stored bytes (or plain text) and the row it is a delta against. */
export interface ChainLink {
  id: number;
  /** 'gzip' (body), 'plain' (text) or 'zstd'. */
  codec: string;
  /** Stored bytes ('gzip' and 'zstd'). */
  data: Buffer | null;
  /** The text of a 'plain' row. */
  text: string | null;
  baseId: number | null;
  /** A body frame without a base compressed with a shared dictionary (body-dicts.ts): that dictionary's id. */
  dictId?: number | null;
}

/** Which column a chain runs through: bodies (responses) or texts (versions). */
export type ChainKind = 'body' | 'text';

/** Most bytes of decoded content the cache keeps (a few dozen large pages, or thousands of texts). */
const CACHE_BYTES = 24 * 1024 * 1024;

interface Entry {
  stamp: Buffer | string;
  content: Buffer;
}

/** Least-recently-used decoded contents, bounded by bytes. */
class DecodedCache {
  private readonly map = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly max: number) {}

  get(key: string, stamp: Buffer | string): Buffer | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    const same = typeof stamp === 'string' || typeof e.stamp === 'string' ? stamp === e.stamp : e.stamp.equals(stamp);
    if (!same) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.content;
  }

  set(key: string, stamp: Buffer | string, content: Buffer): void {
    const size = content.length + stampSize(stamp);
    if (size > this.max / 8) return; // one huge page would push out everything else
    this.drop(key);
    this.map.set(key, { stamp, content });
    this.bytes += size;
    for (const [k, e] of this.map) {
      if (this.bytes <= this.max) break;
      this.map.delete(k);
      this.bytes -= e.content.length + stampSize(e.stamp);
    }
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  private drop(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.bytes -= e.content.length + stampSize(e.stamp);
  }
}

function stampSize(s: Buffer | string): number {
  return typeof s === 'string' ? s.length * 2 : s.length;
}

const cache = new DecodedCache(CACHE_BYTES);

/**
 * Empties the process-wide caches of decoded contents and dictionaries, so that the next reads decode from the stored
 * rows as a fresh process would (memory back at once; tests of what is stored).
 */
export function clearDecodedCaches(): void {
  cache.clear();
  forgetDictionaries();
}

function stampOf(l: ChainLink): Buffer | string {
  return l.data ?? `plain:${l.text ?? ''}`;
}

/** A self-contained row decoded. */
function decodeRoot(l: ChainLink): Buffer {
  if (l.codec === 'plain') return Buffer.from(l.text ?? '', 'utf8');
  if (!l.data) throw new Error(`store: row ${l.id} has no stored content`);
  if (l.codec === 'gzip') return decodeGzip(l.data);
  if (l.codec === 'zstd') {
    if (l.dictId == null) return decodeFrame(l.data, null);
    // The backend loads a missing dictionary and decodes again (decodeWithDictionaries).
    const dict = cachedDictionary(l.dictId);
    if (!dict) throw new MissingDictionary(l.dictId);
    try {
      return decodeFrame(l.data, dict);
    } catch {
      // The frame's checksum says the cached dictionary is not its own (another database's under the same id):
      // the backend loads its own and decodes again (a frame that fails with that one too is corrupt).
      forgetDictionary(l.dictId);
      throw new MissingDictionary(l.dictId);
    }
  }
  throw new Error(`store: row ${l.id} has an unknown codec "${l.codec}" (written by a newer Palimpsest?)`);
}

function decodeOn(l: ChainLink, base: Buffer): Buffer {
  if (l.codec !== 'zstd' || !l.data) throw new Error(`store: row ${l.id} (${l.codec}) cannot have a base row`);
  return decodeFrame(l.data, base);
}

/**
 * Decodes `link`, finding its base rows in `inHand` (rows the caller already fetched) or in the cache; null when a
 * base is in neither, and the caller must fetch the whole chain (decodeChain).
 */
export function tryDecode(kind: ChainKind, link: ChainLink, inHand: ReadonlyMap<number, ChainLink>): Buffer | null {
  const path: ChainLink[] = [];
  let cur = link;
  let content: Buffer | undefined;
  for (let steps = 0; ; steps++) {
    if (steps > 10_000) throw new Error(`store: the ${kind} chain of row ${link.id} does not end (a cycle?)`);
    content = cache.get(`${kind}:${cur.id}`, stampOf(cur));
    if (content) break;
    if (cur.baseId === null) {
      content = decodeRoot(cur);
      cache.set(`${kind}:${cur.id}`, stampOf(cur), content);
      break;
    }
    const next = inHand.get(cur.baseId);
    if (!next) return null;
    path.push(cur);
    cur = next;
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const l = path[i]!;
    content = decodeOn(l, content);
    cache.set(`${kind}:${l.id}`, stampOf(l), content);
  }
  return content;
}

/**
 * Decodes the first row of `chain`: the row itself, then its base, its base's base, ... down to a self-contained
 * row (as the backends' recursive queries return them). Throws when the chain is broken.
 */
export function decodeChain(kind: ChainKind, chain: readonly ChainLink[]): Buffer {
  const first = chain[0];
  if (!first) throw new Error(`store: no ${kind} row to decode`);
  const got = tryDecode(kind, first, new Map(chain.map((l) => [l.id, l])));
  if (!got) throw new Error(`store: the ${kind} of row ${first.id} cannot be decoded: a row of its chain is missing`);
  return got;
}
