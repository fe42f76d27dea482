/**
 * Decoding chains of delta-encoded rows (delta-codec.ts) as both backends fetch them, and a small process-wide cache
 * of decoded contents so that reading an article's versions in order (pages, exports, re-extraction, compact)
 * decodes one frame per row instead of a whole chain each time. Driver-free.
 *
 * A cached content is used only when the row's stored bytes are still exactly those it was decoded from, so an
 * entry can never outlive a change of the row (compact, re-extraction, another process, another database): a
 * delta frame also carries the checksum of its decoded content, so equal stored bytes decode to equal content.
 */
import { ByteLru } from '../common/byte-lru.js';
import { forgetDictionaries, MissingDictionary, type DictionaryLookup } from './body-dicts.js';
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

/** Decoded contents by kind and row id, least recently used dropped past CACHE_BYTES. */
const cache = new ByteLru<Entry>(CACHE_BYTES);

function stampSize(s: Buffer | string): number {
  return typeof s === 'string' ? s.length * 2 : s.length;
}

/** The content kept under `key` when it was decoded from `stamp` (the row's stored bytes as they are now). */
function cached(key: string, stamp: Buffer | string): Buffer | undefined {
  const e = cache.get(key);
  if (!e) return undefined;
  const same = typeof stamp === 'string' || typeof e.stamp === 'string' ? stamp === e.stamp : e.stamp.equals(stamp);
  return same ? e.content : undefined;
}

/** Keeps `content`, decoded from `stamp`, under `key`. */
function keep(key: string, stamp: Buffer | string, content: Buffer): void {
  const size = content.length + stampSize(stamp);
  if (size > CACHE_BYTES / 8) return; // one huge page would push out everything else
  cache.set(key, { stamp, content }, size);
}

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

/** A self-contained row decoded, with its shared dictionary from `dictionaries` when it has one. */
function decodeRoot(l: ChainLink, dictionaries: DictionaryLookup): Buffer {
  if (l.codec === 'plain') return Buffer.from(l.text ?? '', 'utf8');
  if (!l.data) throw new Error(`store: row ${l.id} has no stored content`);
  if (l.codec === 'gzip') return decodeGzip(l.data);
  if (l.codec === 'zstd') {
    if (l.dictId == null) return decodeFrame(l.data, null);
    // The backend loads a missing dictionary and decodes again (withDictionaries of its delta.ts).
    const dict = dictionaries(l.dictId);
    if (!dict) throw new MissingDictionary(l.dictId);
    return decodeFrame(l.data, dict);
  }
  throw new Error(`store: row ${l.id} has an unknown codec "${l.codec}" (written by a newer Palimpsest?)`);
}

function decodeOn(l: ChainLink, base: Buffer): Buffer {
  if (l.codec !== 'zstd' || !l.data) throw new Error(`store: row ${l.id} (${l.codec}) cannot have a base row`);
  return decodeFrame(l.data, base);
}

/**
 * Decodes `link`, finding its base rows in `inHand` (rows the caller already fetched) or in the cache; null when a
 * base is in neither, and the caller must fetch the whole chain (decodeChain). `dictionaries`: those of the database
 * the rows are from; throws MissingDictionary when the chain's keyframe needs one it does not have.
 */
export function tryDecode(kind: ChainKind, link: ChainLink, inHand: ReadonlyMap<number, ChainLink>, dictionaries: DictionaryLookup): Buffer | null {
  const path: ChainLink[] = [];
  let cur = link;
  let content: Buffer | undefined;
  for (let steps = 0; ; steps++) {
    if (steps > 10_000) throw new Error(`store: the ${kind} chain of row ${link.id} does not end (a cycle?)`);
    content = cached(`${kind}:${cur.id}`, stampOf(cur));
    if (content) break;
    if (cur.baseId === null) {
      content = decodeRoot(cur, dictionaries);
      keep(`${kind}:${cur.id}`, stampOf(cur), content);
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
    keep(`${kind}:${l.id}`, stampOf(l), content);
  }
  return content;
}

/**
 * Decodes the first row of `chain`: the row itself, then its base, its base's base, ... down to a self-contained
 * row (as the backends' recursive queries return them), with `dictionaries` as tryDecode. Throws when the chain is broken.
 */
export function decodeChain(kind: ChainKind, chain: readonly ChainLink[], dictionaries: DictionaryLookup): Buffer {
  const first = chain[0];
  if (!first) throw new Error(`store: no ${kind} row to decode`);
  const got = tryDecode(kind, first, new Map(chain.map((l) => [l.id, l])), dictionaries);
  if (!got) throw new Error(`store: the ${kind} of row ${first.id} cannot be decoded: a row of its chain is missing`);
  return got;
}
