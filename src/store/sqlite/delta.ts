/**
 * Delta-encoded bodies and texts on SQLite (migration 0014): fetching a row's chain, the base a new row is encoded
 * against, decoding, keeping dependants readable when a base changes or goes, and `compact`'s conversion of the
 * rows written before delta storage.
 */
import { PAGE_SIZE, stmt, type Db } from './db.js';
import { decodeChain, tryDecode, type ChainKind, type ChainLink } from '../delta-chain.js';
import { BODY_DECODE_BUDGET, BODY_SNAPSHOT_EVERY, encodeDelta, extendsChain, TEXT_SNAPSHOT_EVERY, type DeltaBase, type Encoded } from '../delta-codec.js';
import { cachedDictionary, decodeDictionary, encodeDictionary, encodeKeyframe, familyOf, keepDictionary, MissingDictionary, usableDictionary,
  type DictionaryLookup } from '../body-dicts.js';
import { codePoints, COMPACT_BATCH_MS, DELTA_COLUMNS, type CompactKind, type CompactStep, type StoredBytes } from '../delta-store.js';

const T = DELTA_COLUMNS;

const LINK_COLS = (k: ChainKind, x = ''): string =>
  `${x}id, ${x}${T[k].codec} AS codec, ${x}${T[k].data} AS data, ${k === 'text' ? `${x}text` : 'NULL'} AS text, ${x}${T[k].base} AS baseId, ` +
  `${k === 'body' ? `${x}body_dict_id` : 'NULL'} AS dictId`;

/**
 * Body dictionary `id` of this database, decoded, from the cache (body-dicts.ts) or loaded. A dictionary loaded inside
 * a transaction is not kept: its row may be one that a rollback takes back, and SQLite gives a rolled-back id to the
 * next dictionary stored. A committed dictionary never changes (none is ever updated or deleted).
 */
function loadDictionary(db: Db, id: number): Buffer {
  const hit = cachedDictionary(db, id);
  if (hit) return hit;
  const r = stmt(db, 'SELECT data FROM body_dicts WHERE id = ?').get(id) as { data: Buffer } | undefined;
  if (!r) throw new Error(`store: body dictionary ${id} is missing`);
  const d = decodeDictionary(r.data);
  if (!db.inTransaction) keepDictionary(db, id, d);
  return d;
}

/**
 * Runs a decode with this database's cached dictionaries; when it needs one not cached, loads it and runs it again
 * with it (a chain has one keyframe, so it needs one dictionary at most).
 */
function withDictionaries<R>(db: Db, f: (dictionaries: DictionaryLookup) => R): R {
  const cached: DictionaryLookup = (id) => cachedDictionary(db, id);
  try {
    return f(cached);
  } catch (err) {
    if (!(err instanceof MissingDictionary)) throw err;
    const loaded = loadDictionary(db, err.dictId);
    return f((id) => (id === err.dictId ? loaded : cached(id)));
  }
}

/**
 * A self-contained body re-encoded against its family's shared dictionary (the family's first keyframe, stored as
 * the dictionary when the family is new); other rows, and bodies without a family, as they are.
 */
export function withDictionary(db: Db, kind: ChainKind, e: Encoded, content: Uint8Array): Encoded {
  return kind !== 'body' || e.baseId !== null ? e : dictionaryKeyframe(db, content) ?? e;
}

/** The stored form of `content`: a delta against `base` while its chain stays under `every`, else a keyframe. */
function encodeRow(db: Db, kind: ChainKind, content: Uint8Array, base: DeltaBase | null, every: number): Encoded {
  const budget = kind === 'body' ? BODY_DECODE_BUDGET : Number.POSITIVE_INFINITY;
  const key = !base || !extendsChain(base, content.length, every, budget);
  return (key && kind === 'body' ? dictionaryKeyframe(db, content) : null) ?? encodeDelta(content, base, every, budget);
}

/** A body keyframe compressed with its family's dictionary (made from it when the family is new); null: no family. */
function dictionaryKeyframe(db: Db, content: Uint8Array): Encoded | null {
  const family = familyOf(content);
  if (!family || !usableDictionary(content)) return null;
  const r = stmt(db, 'SELECT id FROM body_dicts WHERE fingerprint = ?').get(family) as { id: number } | undefined;
  if (!r) {
    const info = stmt(db, 'INSERT INTO body_dicts (fingerprint, data, created_at) VALUES (?, ?, ?)')
      .run(family, encodeDictionary(content), new Date().toISOString());
    // Not cached here: the transaction may still roll back, and the id go to another family.
    return encodeKeyframe(content, { id: Number(info.lastInsertRowid), content });
  }
  return encodeKeyframe(content, { id: r.id, content: loadDictionary(db, r.id) });
}

/** A row's chain: the row, then its base, its base's base, ... down to a self-contained row. */
export function chain(db: Db, kind: ChainKind, id: number): ChainLink[] {
  const t = T[kind];
  return stmt(db, `WITH RECURSIVE c(id, n) AS (
      SELECT id, 0 FROM ${t.table} WHERE id = ?
      UNION ALL SELECT x.${t.base}, c.n + 1 FROM ${t.table} x JOIN c ON x.id = c.id WHERE x.${t.base} IS NOT NULL AND c.n < 10000)
    SELECT ${LINK_COLS(kind, 'x.')} FROM c JOIN ${t.table} x ON x.id = c.id ORDER BY c.n`)
    .all(id) as ChainLink[];
}

/** A row's decoded content: from rows in hand or the cache when possible, else from its fetched chain. */
export function decode(db: Db, kind: ChainKind, link: ChainLink, inHand: ReadonlyMap<number, ChainLink> = new Map()): Buffer {
  return withDictionaries(db, (dicts) => tryDecode(kind, link, inHand, dicts) ?? decodeChain(kind, chain(db, kind, link.id), dicts));
}

/** The content of row `id` decoded, or null when there is no such row. */
export function decodeId(db: Db, kind: ChainKind, id: number): Buffer | null {
  const c = chain(db, kind, id);
  return c.length > 0 ? withDictionaries(db, (dicts) => decodeChain(kind, c, dicts)) : null;
}

/** The newest row of an article (by id), decoded, as the base of its next row; null for an article without one. */
export function latestBase(db: Db, kind: ChainKind, articleId: number): DeltaBase | null {
  const t = T[kind];
  const r = stmt(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth FROM ${t.table} WHERE article_id = ? ORDER BY id DESC LIMIT 1`)
    .get(articleId) as (ChainLink & { depth: number }) | undefined;
  return r ? { id: r.id, depth: r.depth, content: decode(db, kind, r) } : null;
}

/** The stored form of new content of an article: a delta against its newest row of that kind. */
export function encodeNew(db: Db, kind: ChainKind, articleId: number, content: Uint8Array): Encoded {
  return encodeRow(db, kind, content, latestBase(db, kind, articleId), kind === 'body' ? BODY_SNAPSHOT_EVERY : TEXT_SNAPSHOT_EVERY);
}

function writeEncoded(db: Db, kind: ChainKind, id: number, e: Encoded): void {
  const t = T[kind];
  // A body written now is in the current layout (migration 0015): compact leaves it alone.
  const extra = kind === 'text' ? `, text = ''` : `, body_dict_id = ${e.dictId == null ? 'NULL' : Number(e.dictId)}, body_layout = 2`;
  stmt(db, `UPDATE ${t.table} SET ${t.codec} = 'zstd', ${t.data} = ?, ${t.base} = ?, ${t.depth} = ?${extra} WHERE id = ?`)
    .run(e.data, e.baseId, e.depth, id);
}

interface Dependant {
  id: number;
  depth: number;
  content: Buffer;
}

/** The rows encoded against row `id`, decoded now (while their base is still what they were encoded against). */
export function dependants(db: Db, kind: ChainKind, id: number): Dependant[] {
  const t = T[kind];
  const rows = stmt(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth FROM ${t.table} WHERE ${t.base} = ?`).all(id) as Array<ChainLink & { depth: number }>;
  return rows.map((r) => ({ id: r.id, depth: r.depth, content: decode(db, kind, r) }));
}

/**
 * Re-encodes `deps` (decoded by dependants()) against `base` (the changed row, or the deleted row's own base), or
 * self-contained when there is none. A dependant keeps its recorded depth: never less than its chain's real length,
 * so the snapshot rule still bounds every chain.
 */
export function reencode(db: Db, kind: ChainKind, deps: readonly Dependant[], base: { id: number; content: Buffer } | null): void {
  for (const d of deps) {
    const e = encodeDelta(d.content, base && { id: base.id, depth: d.depth - 1, content: base.content }, Number.MAX_SAFE_INTEGER);
    writeEncoded(db, kind, d.id, e.baseId === null ? withDictionary(db, kind, e, d.content) : { ...e, depth: d.depth });
  }
}

/** The base row id of row `id` (null: self-contained or missing). */
export function baseOf(db: Db, kind: ChainKind, id: number): number | null {
  const t = T[kind];
  const r = stmt(db, `SELECT ${t.base} AS b FROM ${t.table} WHERE id = ?`).get(id) as { b: number | null } | undefined;
  return r?.b ?? null;
}

/**
 * Replaces the content of row `id` (a re-extracted text): encoded against the row's own base, and the rows encoded
 * against it re-encoded against the new content. Returns the stored form written.
 */
export function rewriteContent(db: Db, kind: ChainKind, id: number, content: Uint8Array): Encoded {
  const t = T[kind];
  const deps = dependants(db, kind, id);
  const r = stmt(db, `SELECT ${t.base} AS b, ${t.depth} AS d FROM ${t.table} WHERE id = ?`).get(id) as { b: number | null; d: number } | undefined;
  const baseContent = r && r.b !== null ? decodeId(db, kind, r.b) : null;
  const e0 = encodeDelta(content, r && r.b !== null && baseContent ? { id: r.b, depth: 0, content: baseContent } : null, Number.MAX_SAFE_INTEGER);
  const e = e0.baseId === null ? withDictionary(db, kind, e0, content) : { ...e0, depth: r?.d ?? 1 };
  writeEncoded(db, kind, id, e);
  reencode(db, kind, deps, { id, content: Buffer.from(content) });
  return e;
}

/** Deletes row `id` through `del`, first re-encoding the rows that depend on it against its own base. */
export function deleteKeepingDependants(db: Db, kind: ChainKind, id: number, del: () => void): void {
  const deps = dependants(db, kind, id);
  const baseId = deps.length > 0 ? baseOf(db, kind, id) : null;
  const base = baseId === null ? null : { id: baseId, content: decodeId(db, kind, baseId)! };
  del();
  reencode(db, kind, deps, base);
}

/** compact's work list per kind: bodies written before the current layout (gzip too), plain texts. */
const LEGACY = { body: 'body_layout = 1', text: "text_codec = 'plain'" } as const;

/** How many rows compact has left to convert (bodies of an older layout, gzip too; plain texts). */
export function countLegacy(db: Db, kind: CompactKind): number {
  const t = T[kind];
  return (stmt(db, `SELECT count(*) AS n FROM ${t.table} WHERE ${LEGACY[kind]}`).get() as { n: number }).n;
}

/** Stored bytes of bodies and texts (all codecs). */
export function storedBytes(db: Db): StoredBytes {
  const b = stmt(db, `SELECT coalesce(sum(length(body_gzip)), 0)
    + (SELECT coalesce(sum(length(data)), 0) FROM body_dicts) AS n FROM responses`).get() as { n: number };
  const t = stmt(db, 'SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) + coalesce(sum(length(text_zstd)), 0) AS n FROM versions').get() as { n: number };
  return { bodies: b.n, texts: t.n };
}

/**
 * Converts up to `limit` pre-delta rows (fewer when COMPACT_BATCH_MS runs out), lowest ids first (so the previous row of the same article, the new base,
 * is already converted), each re-encoded as a delta against that row. A row that newer rows already use as their
 * base becomes self-contained, so their recorded depths stay true. Run it in a transaction.
 */
export function compactBatch(db: Db, kind: CompactKind, limit: number): CompactStep {
  const t = T[kind];
  const rows = stmt(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth, article_id AS articleId FROM ${t.table} WHERE ${LEGACY[kind]} ORDER BY id LIMIT ?`)
    .all(limit) as Array<ChainLink & { articleId: number; depth: number }>;
  const every = kind === 'body' ? BODY_SNAPSHOT_EVERY : TEXT_SNAPSHOT_EVERY;
  let before = 0;
  let after = 0;
  let done = 0;
  const deadline = performance.now() + COMPACT_BATCH_MS;
  for (const r of rows) {
    if (done > 0 && performance.now() > deadline) break;
    done++;
    const content = decode(db, kind, r);
    before += r.data ? r.data.length : Buffer.byteLength(r.text ?? '');
    // A row others use as their base stays self-contained, so their recorded depths stay true: a used gzip or plain
    // row, and a keyframe of the older layout (its chain's rows are converted after it, in id order).
    const used = r.codec === t.legacy ? stmt(db, `SELECT 1 FROM ${t.table} WHERE ${t.base} = ? LIMIT 1`).get(r.id) !== undefined
      : r.baseId === null;
    const prev = used ? undefined : stmt(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth FROM ${t.table}
      WHERE article_id = ? AND id < ? ORDER BY id DESC LIMIT 1`).get(r.articleId, r.id) as (ChainLink & { depth: number }) | undefined;
    const base = prev ? { id: prev.id, depth: prev.depth, content: decode(db, kind, prev) } : null;
    const e = encodeRow(db, kind, content, base, every);
    writeEncoded(db, kind, r.id, e);
    if (kind === 'text') stmt(db, 'UPDATE versions SET text_length = ? WHERE id = ?').run(codePoints(content.toString('utf8')), r.id);
    after += e.data.length;
  }
  return { rows: done, bytesBefore: before, bytesAfter: after };
}

/**
 * Rewrites the whole file (VACUUM) with PAGE_SIZE pages: leaving WAL mode for the rewrite is what lets SQLite change
 * the page size; when another connection keeps the file in WAL mode, the file is rewritten with its page size as is.
 */
export function reclaimSpace(db: Db): void {
  let mode = 'wal';
  try {
    mode = db.pragma('journal_mode = DELETE', { simple: true }) as string;
  } catch {
    // Another connection holds the file in WAL mode: rewrite it with its page size as is.
  }
  try {
    if (mode !== 'wal') db.pragma(`page_size = ${PAGE_SIZE}`);
    db.exec('VACUUM');
  } finally {
    if (mode !== 'wal') db.pragma('journal_mode = WAL');
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
}
