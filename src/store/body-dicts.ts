/**
 * Shared dictionaries of body keyframes (migrations 0015 / postgres 0012). Pages of one site share most of their
 * markup, so a body that is self-contained within its article (its first capture, then every BODY_SNAPSHOT_EVERY-th)
 * is compressed with the decoded first keyframe of its family as a raw-content dictionary: about 1-2 KB instead of
 * the 30 KB of a self-contained frame. A family is the set of stylesheets and scripts a page links (the site's
 * template); a page linking none has no family and is stored self-contained. Pure and driver-free.
 *
 * Reading such a body decodes its dictionary (kept in a small cache, shared by every article of the family), so any
 * body costs at most its chain to a keyframe plus one dictionary. A dictionary id means something only in its own
 * database (two databases of one process number their dictionaries alike), so the cache keeps each under its
 * database and its id.
 */
import { createHash } from 'node:crypto';
import { Compressor, Decompressor } from 'zstd-napi';
import { ByteLru } from '../common/byte-lru.js';
import type { Encoded } from './delta-codec.js';

/** zstd level of the dictionaries: written once per family, read once per process (the cache keeps them). */
const DICT_LEVEL = 19;
/** zstd level of keyframes against a dictionary: the dictionary holds most of the page, so higher levels gain little. */
const KEYFRAME_LEVEL = 6;
/** Most bytes of a page scanned for its family: the assets of a template sit in its head and at the top of its body. */
const SCAN_BYTES = 256 * 1024;
/** Decoded dictionaries kept in memory (a few dozen sites' pages). */
const CACHE_BYTES = 16 * 1024 * 1024;

/** A body's family: a digest of the stylesheet and script URLs it links, or null when it links none. */
export function familyOf(body: Uint8Array): string | null {
  const s = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, SCAN_BYTES)).toString('latin1');
  const urls = new Set<string>();
  for (const m of s.matchAll(/<(?:link|script)\b[^>]*?\b(?:href|src)\s*=\s*["']?([^"'\s>]+)/gi)) if (m[1]) urls.add(m[1]);
  if (urls.size === 0) return null;
  return createHash('sha256').update([...urls].sort().join('\n')).digest('hex').slice(0, 32);
}

let dictCompressor: Compressor | null = null;
let keyCompressor: Compressor | null = null;
let plain: Decompressor | null = null;

/** The stored form of a new dictionary (a self-contained zstd frame of its content). */
export function encodeDictionary(content: Uint8Array): Buffer {
  if (!dictCompressor) {
    dictCompressor = new Compressor();
    dictCompressor.setParameters({ compressionLevel: DICT_LEVEL, checksumFlag: true });
  }
  return dictCompressor.compress(content);
}

/** A stored dictionary decoded. */
export function decodeDictionary(data: Uint8Array): Buffer {
  plain ??= new Decompressor();
  return plain.decompress(data);
}

/** A keyframe encoded against dictionary `dict` (a frame with no base row, needing the dictionary to decode). */
export function encodeKeyframe(content: Uint8Array, dict: { id: number; content: Uint8Array }): Encoded {
  if (!keyCompressor) {
    keyCompressor = new Compressor();
    keyCompressor.setParameters({ compressionLevel: KEYFRAME_LEVEL, checksumFlag: true });
  }
  keyCompressor.loadDictionary(dict.content);
  return { codec: 'zstd', data: keyCompressor.compress(content), baseId: null, depth: 0, dictId: dict.id };
}

/** Whether `content` can serve as a raw-content dictionary (zstd: at least 8 bytes, not a formatted dictionary). */
export function usableDictionary(content: Uint8Array): boolean {
  return content.length >= 8 && !(content[0] === 0x37 && content[1] === 0xa4 && content[2] === 0x30 && content[3] === 0xec);
}

/** The decoded dictionaries a decode may use, by id (those of the database being read). */
export type DictionaryLookup = (id: number) => Buffer | undefined;

/**
 * Thrown by a decode that needs dictionary `id` and does not have it: the backend loads it from its database and
 * decodes again.
 */
export class MissingDictionary extends Error {
  constructor(readonly dictId: number) {
    super(`store: body dictionary ${dictId} is not loaded`);
  }
}

/** Decoded dictionaries of every database open in the process, under `${database number}:${id}`. */
const cache = new ByteLru<Buffer>(CACHE_BYTES);
/** The number of the database each connection or pool reads (see databaseOf). */
const databases = new WeakMap<object, number>();
let lastDatabase = 0;

/**
 * The number, unique in the process, of the database that `handle` reads (a SQLite connection, a PostgreSQL pool or
 * client): a handle not seen before is a database of its own, so two stores never share a dictionary.
 */
function databaseOf(handle: object): number {
  let n = databases.get(handle);
  if (n === undefined) {
    n = ++lastDatabase;
    databases.set(handle, n);
  }
  return n;
}

/** Makes `client` share the cached dictionaries of `pool` (a PostgreSQL transaction's client reads its pool's database). */
export function sameDatabase(client: object, pool: object): void {
  databases.set(client, databaseOf(pool));
}

/** Dictionary `id` of the database of `handle`, decoded, from the cache (now the most recently used), or undefined. */
export function cachedDictionary(handle: object, id: number): Buffer | undefined {
  return cache.get(`${databaseOf(handle)}:${id}`);
}

/** Keeps decoded dictionary `id` of the database of `handle` (the least recently used ones go past CACHE_BYTES). */
export function keepDictionary(handle: object, id: number, content: Buffer): void {
  const key = `${databaseOf(handle)}:${id}`;
  cache.set(key, content, content.length + 2 * key.length);
}

/** Drops every dictionary from the cache. */
export function forgetDictionaries(): void {
  cache.clear();
}
