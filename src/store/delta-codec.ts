/**
 * The delta codec of stored bodies and texts: a zstd frame compressed with the previous capture of the same article
 * as a raw-content dictionary (consecutive captures of an article are nearly identical, so a new body costs well
 * under 1 % of its size), with a self-contained frame every N-th row so that reading any row decodes a bounded
 * number of frames. Pure and driver-free: importable by worker threads (the extraction pool encodes bodies there).
 *
 * The stored forms, told apart by the row's codec column (see migrations/0014_delta_storage.sql):
 *   body 'gzip'  : gzip of the body (rows written before delta storage; read as they are, `compact` converts them);
 *   text 'plain' : the text itself;
 *   'zstd'       : one zstd frame with its checksum; with a base, it decodes only with the base's decoded content as
 *                  its dictionary.
 */
import { gunzipSync } from 'node:zlib';
import { Compressor, Decompressor } from 'zstd-napi';

/** How a stored body is encoded. */
export type BodyCodec = 'gzip' | 'zstd';
/** How a stored text is encoded. */
export type TextCodec = 'plain' | 'zstd';

/**
 * Every BODY_SNAPSHOT_EVERY-th body of an article is a keyframe (self-contained within the article; compressed with
 * its site's shared dictionary, body-dicts.ts, so it costs little more than a delta): reading a body decodes at most
 * this many frames plus a cached dictionary (exports read in order and decode one frame per body).
 */
export const BODY_SNAPSHOT_EVERY = 8;
/**
 * Most bytes a body read decodes along its chain (a frame per row, each the size of the body): a large page (a live
 * page of a megabyte) gets keyframes more often, so that reading any version stays within a few milliseconds.
 * Keyframes of bodies are cheap (compressed with their site's dictionary), so this costs little space.
 */
export const BODY_DECODE_BUDGET = 3 * 1024 * 1024;
/** The same for texts: a text frame decodes in microseconds, so chains may be longer (a snapshot is 10x a delta). */
export const TEXT_SNAPSHOT_EVERY = 32;

/**
 * zstd level of deltas: level 6 (lazy matching) finds the long matches into the dictionary that level 3 misses, a
 * body delta of 182 bytes instead of 469 on the scale bench's pages, for about 2.6 ms instead of 2.0; higher levels gain
 * almost nothing more and cost far more time.
 */
const DELTA_LEVEL = 6;
/** zstd level of self-contained frames, which make most of the stored bytes (about 8 % smaller than level 3). */
const SNAPSHOT_LEVEL = 9;

/** The content a new row may be encoded against: the previous row of the same article, decoded. */
export interface DeltaBase {
  /** The base row's id (responses.id or versions.id). */
  id: number;
  /** Dictionary steps from the base row down to a self-contained row (0: the base is self-contained). */
  depth: number;
  /** The base row's decoded content. */
  content: Uint8Array;
}

/** A body or text in its stored form, ready to insert. */
export interface Encoded {
  codec: 'zstd';
  data: Buffer;
  /** The row whose decoded content is the dictionary, or null for a self-contained frame. */
  baseId: number | null;
  depth: number;
  /** For a body frame without a base: the shared dictionary it was compressed with (body-dicts.ts), if any. */
  dictId?: number | null;
}

// The zstd dictionary magic number (little-endian 0xEC30A437): content starting with it would be read as a
// formatted dictionary rather than raw content, so it is never used as one.
const DICT_MAGIC = [0x37, 0xa4, 0x30, 0xec];

function usableAsDictionary(b: Uint8Array): boolean {
  // zstd ignores dictionaries under 8 bytes; a self-contained frame says so plainly.
  return b.length >= 8 && !DICT_MAGIC.every((m, i) => b[i] === m);
}

// One context of each kind per thread, reused: a context holds megabytes of native memory that V8 does not see, so
// a context per call is freed only when a garbage collection happens to run, and a busy writer's memory grows by
// gigabytes before it does. Loading a dictionary replaces the previous one.
let snapshotCompressor: Compressor | null = null;
let deltaCompressor: Compressor | null = null;
let plainDecompressor: Decompressor | null = null;
let dictDecompressor: Decompressor | null = null;

function compressor(level: number): Compressor {
  const c = new Compressor();
  c.setParameters({ compressionLevel: level, checksumFlag: true });
  return c;
}

/**
 * The stored form of `content`: a delta against `base` while the chain stays under `every` frames, else a
 * self-contained frame. Synchronous (a few milliseconds for a large page): callers on a busy thread use the
 * extraction pool.
 */
export function encodeDelta(content: Uint8Array, base: DeltaBase | null, every: number, budget = Number.POSITIVE_INFINITY): Encoded {
  if (base && extendsChain(base, content.length, every, budget)) {
    const c = (deltaCompressor ??= compressor(DELTA_LEVEL));
    c.loadDictionary(base.content);
    return { codec: 'zstd', data: c.compress(content), baseId: base.id, depth: base.depth + 1 };
  }
  snapshotCompressor ??= compressor(SNAPSHOT_LEVEL);
  return { codec: 'zstd', data: snapshotCompressor.compress(content), baseId: null, depth: 0 };
}

/**
 * Whether content of `size` bytes is encoded as a delta on `base` (else as a keyframe): its chain stays under `every`
 * frames and under `budget` decoded bytes, and the base can serve as a dictionary.
 */
export function extendsChain(base: DeltaBase, size: number, every: number, budget = Number.POSITIVE_INFINITY): boolean {
  return base.depth + 1 < every && (base.depth + 2) * Math.max(size, base.content.length) <= budget && usableAsDictionary(base.content);
}

/** A zstd frame decoded, with `dictionary` (the base's decoded content) when it has a base. Throws on corrupt data. */
export function decodeFrame(data: Uint8Array, dictionary: Uint8Array | null): Buffer {
  if (!dictionary) {
    plainDecompressor ??= new Decompressor();
    return plainDecompressor.decompress(data);
  }
  const d = (dictDecompressor ??= new Decompressor());
  d.loadDictionary(dictionary);
  return d.decompress(data);
}

/** A gzip body (the pre-delta stored form) decoded. */
export function decodeGzip(data: Uint8Array): Buffer {
  return gunzipSync(data);
}
