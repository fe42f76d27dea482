/**
 * Delta-encoded bodies and texts on PostgreSQL (migration 0011): the counterpart of sqlite/delta.ts, one function per
 * query. Chains are fetched in one recursive query; bases found among rows already in hand or in the decoded cache
 * (delta-chain.ts) spare even that.
 */
import { row, rows, run, type Db } from './db.js';
import { decodeChain, tryDecode, type ChainKind, type ChainLink } from '../delta-chain.js';
import { BODY_DECODE_BUDGET, BODY_SNAPSHOT_EVERY, encodeDelta, extendsChain, TEXT_SNAPSHOT_EVERY, type DeltaBase, type Encoded } from '../delta-codec.js';
import { cachedDictionary, decodeDictionary, encodeDictionary, encodeKeyframe, familyOf, keepDictionary, MissingDictionary, usableDictionary,
  type DictionaryLookup } from '../body-dicts.js';
import { codePoints, COMPACT_BATCH_MS, DELTA_COLUMNS, type CompactKind, type CompactStep, type StoredBytes } from '../delta-store.js';

const T = DELTA_COLUMNS;

const LINK_COLS = (k: ChainKind, x = ''): string =>
  `${x}id, ${x}${T[k].codec} AS codec, ${x}${T[k].data} AS data, ${k === 'text' ? `${x}text` : 'NULL::text'} AS text, ${x}${T[k].base} AS "baseId", ` +
  `${k === 'body' ? `${x}body_dict_id` : 'NULL::bigint'} AS "dictId"`;

/**
 * Body dictionary `id` of this database, decoded, from the cache (body-dicts.ts) or loaded and kept. Kept even inside
 * a transaction: a rolled-back id is never handed out again (sequences are not rolled back), so no row will ask
 * for it; a committed dictionary never changes (none is ever updated or deleted).
 */
async function loadDictionary(db: Db, id: number): Promise<Buffer> {
  const hit = cachedDictionary(db, id);
  if (hit) return hit;
  const r = await row<{ data: Buffer }>(db, 'SELECT data FROM body_dicts WHERE id = $1', [id]);
  if (!r) throw new Error(`store: body dictionary ${id} is missing`);
  const d = decodeDictionary(r.data);
  keepDictionary(db, id, d);
  return d;
}

/** Runs a decode with this database's dictionaries, loading the one it turns out to need (see sqlite/delta.ts). */
async function withDictionaries<R>(db: Db, f: (dictionaries: DictionaryLookup) => R | Promise<R>): Promise<R> {
  const cached: DictionaryLookup = (id) => cachedDictionary(db, id);
  try {
    return await f(cached);
  } catch (err) {
    if (!(err instanceof MissingDictionary)) throw err;
    const loaded = await loadDictionary(db, err.dictId);
    return f((id) => (id === err.dictId ? loaded : cached(id)));
  }
}

/**
 * A self-contained body re-encoded against its family's shared dictionary (the family's first keyframe, stored as
 * the dictionary when the family is new; two writers of a new family agree on the first one stored); other rows, and
 * bodies without a family, as they are.
 */
export async function withDictionary(db: Db, kind: ChainKind, e: Encoded, content: Uint8Array): Promise<Encoded> {
  return kind !== 'body' || e.baseId !== null ? e : (await dictionaryKeyframe(db, content)) ?? e;
}

/** The stored form of `content`: a delta against `base` while its chain stays under `every`, else a keyframe. */
async function encodeRow(db: Db, kind: ChainKind, content: Uint8Array, base: DeltaBase | null, every: number): Promise<Encoded> {
  const budget = kind === 'body' ? BODY_DECODE_BUDGET : Number.POSITIVE_INFINITY;
  const key = !base || !extendsChain(base, content.length, every, budget);
  return (key && kind === 'body' ? await dictionaryKeyframe(db, content) : null) ?? encodeDelta(content, base, every, budget);
}

/** A body keyframe compressed with its family's dictionary (made from it when the family is new); null: no family. */
async function dictionaryKeyframe(db: Db, content: Uint8Array): Promise<Encoded | null> {
  const family = familyOf(content);
  if (!family || !usableDictionary(content)) return null;
  let r = await row<{ id: number }>(db, 'SELECT id FROM body_dicts WHERE fingerprint = $1', [family]);
  if (!r) {
    const made = await row<{ id: number }>(db, `INSERT INTO body_dicts (fingerprint, data, created_at) VALUES ($1, $2, $3)
      ON CONFLICT (fingerprint) DO NOTHING RETURNING id`, [family, encodeDictionary(content), new Date().toISOString()]);
    // Not cached here: the transaction may still roll back, and the id go to another family.
    if (made) return encodeKeyframe(content, { id: Number(made.id), content });
    r = await row<{ id: number }>(db, 'SELECT id FROM body_dicts WHERE fingerprint = $1', [family]);
    if (!r) return null;
  }
  const id = Number(r.id);
  return encodeKeyframe(content, { id, content: await loadDictionary(db, id) });
}

type Row = ChainLink & { depth: number };

/** A row's chain: the row, then its base, its base's base, ... down to a self-contained row. */
export async function chain(db: Db, kind: ChainKind, id: number): Promise<ChainLink[]> {
  const t = T[kind];
  return rows<ChainLink>(db, `WITH RECURSIVE c(id, n) AS (
      SELECT id, 0 FROM ${t.table} WHERE id = $1
      UNION ALL SELECT x.${t.base}, c.n + 1 FROM ${t.table} x JOIN c ON x.id = c.id WHERE x.${t.base} IS NOT NULL AND c.n < 10000)
    SELECT ${LINK_COLS(kind, 'x.')} FROM c JOIN ${t.table} x ON x.id = c.id ORDER BY c.n`, [id]);
}

/** A row's decoded content: from rows in hand or the cache when possible, else from its fetched chain. */
export async function decode(db: Db, kind: ChainKind, link: ChainLink, inHand: ReadonlyMap<number, ChainLink> = new Map()): Promise<Buffer> {
  return withDictionaries(db, async (dicts) => tryDecode(kind, link, inHand, dicts) ?? decodeChain(kind, await chain(db, kind, link.id), dicts));
}

/** The content of row `id` decoded, or null when there is no such row. */
export async function decodeId(db: Db, kind: ChainKind, id: number): Promise<Buffer | null> {
  const c = await chain(db, kind, id);
  return c.length > 0 ? withDictionaries(db, (dicts) => decodeChain(kind, c, dicts)) : null;
}

/** The newest row of an article (by id), decoded, as the base of its next row; null for an article without one. */
export async function latestBase(db: Db, kind: ChainKind, articleId: number): Promise<DeltaBase | null> {
  const t = T[kind];
  const r = await row<Row>(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth FROM ${t.table} WHERE article_id = $1 ORDER BY id DESC LIMIT 1`, [articleId]);
  return r ? { id: r.id, depth: r.depth, content: await decode(db, kind, r) } : null;
}

/** The stored form of new content of an article: a delta against its newest row of that kind. */
export async function encodeNew(db: Db, kind: ChainKind, articleId: number, content: Uint8Array): Promise<Encoded> {
  return encodeRow(db, kind, content, await latestBase(db, kind, articleId), kind === 'body' ? BODY_SNAPSHOT_EVERY : TEXT_SNAPSHOT_EVERY);
}

async function writeEncoded(db: Db, kind: ChainKind, id: number, e: Encoded): Promise<void> {
  const t = T[kind];
  // A body written now is in the current layout (migration 0012): compact leaves it alone.
  const extra = kind === 'text' ? `, text = ''` : `, body_dict_id = ${e.dictId == null ? 'NULL' : Number(e.dictId)}, body_layout = 2`;
  await run(db, `UPDATE ${t.table} SET ${t.codec} = 'zstd', ${t.data} = $1, ${t.base} = $2, ${t.depth} = $3${extra} WHERE id = $4`,
    [e.data, e.baseId, e.depth, id]);
}

interface Dependant {
  id: number;
  depth: number;
  content: Buffer;
}

/** The rows encoded against row `id`, decoded now (while their base is still what they were encoded against). */
async function dependants(db: Db, kind: ChainKind, id: number): Promise<Dependant[]> {
  const t = T[kind];
  const rs = await rows<Row>(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth FROM ${t.table} WHERE ${t.base} = $1`, [id]);
  const out: Dependant[] = [];
  for (const r of rs) out.push({ id: r.id, depth: r.depth, content: await decode(db, kind, r) });
  return out;
}

/** Re-encodes `deps` against `base` (or self-contained); each keeps its recorded depth (see sqlite/delta.ts). */
async function reencode(db: Db, kind: ChainKind, deps: readonly Dependant[], base: { id: number; content: Buffer } | null): Promise<void> {
  for (const d of deps) {
    const e = encodeDelta(d.content, base && { id: base.id, depth: 0, content: base.content }, Number.MAX_SAFE_INTEGER);
    await writeEncoded(db, kind, d.id, e.baseId === null ? await withDictionary(db, kind, e, d.content) : { ...e, depth: d.depth });
  }
}

/**
 * Replaces the content of row `id` (a re-extracted text): encoded against the row's own base, and the rows encoded
 * against it re-encoded against the new content. Run it in a transaction.
 */
export async function rewriteContent(db: Db, kind: ChainKind, id: number, content: Uint8Array): Promise<void> {
  const t = T[kind];
  const deps = await dependants(db, kind, id);
  const r = await row<{ b: number | null; d: number }>(db, `SELECT ${t.base} AS b, ${t.depth} AS d FROM ${t.table} WHERE id = $1`, [id]);
  const baseContent = r && r.b !== null ? await decodeId(db, kind, r.b) : null;
  const e0 = encodeDelta(content, r && r.b !== null && baseContent ? { id: r.b, depth: 0, content: baseContent } : null, Number.MAX_SAFE_INTEGER);
  await writeEncoded(db, kind, id, e0.baseId === null ? await withDictionary(db, kind, e0, content) : { ...e0, depth: r?.d ?? 1 });
  await reencode(db, kind, deps, { id, content: Buffer.from(content) });
}

/** Deletes row `id` through `del`, first re-encoding the rows that depend on it against its own base. Run it in a transaction. */
export async function deleteKeepingDependants(db: Db, kind: ChainKind, id: number, del: () => Promise<void>): Promise<void> {
  const t = T[kind];
  const deps = await dependants(db, kind, id);
  const baseId = deps.length > 0 ? (await row<{ b: number | null }>(db, `SELECT ${t.base} AS b FROM ${t.table} WHERE id = $1`, [id]))?.b ?? null : null;
  const baseContent = baseId === null ? null : await decodeId(db, kind, baseId);
  await del();
  await reencode(db, kind, deps, baseId !== null && baseContent ? { id: baseId, content: baseContent } : null);
}

/** compact's work list per kind: bodies written before the current layout (gzip too), plain texts. */
const LEGACY = { body: 'body_layout = 1', text: "text_codec = 'plain'" } as const;

/** How many rows compact has left to convert (bodies of an older layout, gzip too; plain texts). */
export async function countLegacy(db: Db, kind: CompactKind): Promise<number> {
  const t = T[kind];
  return (await row<{ n: number }>(db, `SELECT count(*)::int AS n FROM ${t.table} WHERE ${LEGACY[kind]}`))?.n ?? 0;
}

/** Stored bytes of bodies and texts (all codecs). */
export async function storedBytes(db: Db): Promise<StoredBytes> {
  const b = await row<{ n: string }>(db, `SELECT (coalesce(sum(octet_length(body_gzip)), 0)
    + (SELECT coalesce(sum(octet_length(data)), 0) FROM body_dicts))::text AS n FROM responses`);
  const t = await row<{ n: string }>(db, `SELECT (coalesce(sum(octet_length(text)), 0) + coalesce(sum(octet_length(text_zstd)), 0))::text AS n
    FROM versions`);
  return { bodies: Number(b?.n ?? 0), texts: Number(t?.n ?? 0) };
}

/**
 * Converts up to `limit` pre-delta rows (fewer when COMPACT_BATCH_MS runs out), lowest ids first, each re-encoded as a delta against the previous row of
 * its article (a row newer rows already use as their base becomes self-contained). Run it in a transaction; rows are
 * locked (SKIP LOCKED) so two compacts never convert the same row.
 */
export async function compactBatch(db: Db, kind: CompactKind, limit: number): Promise<CompactStep> {
  const t = T[kind];
  const rs = await rows<Row & { articleId: number }>(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth, article_id AS "articleId" FROM ${t.table}
    WHERE ${LEGACY[kind]} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
  const every = kind === 'body' ? BODY_SNAPSHOT_EVERY : TEXT_SNAPSHOT_EVERY;
  let before = 0;
  let after = 0;
  let done = 0;
  const deadline = performance.now() + COMPACT_BATCH_MS;
  for (const r of rs) {
    if (done > 0 && performance.now() > deadline) break;
    done++;
    const content = await decode(db, kind, r);
    before += r.data ? r.data.length : Buffer.byteLength(r.text ?? '');
    // A row others use as their base stays self-contained (see sqlite/delta.ts): a used gzip or plain row, and a
    // keyframe of the older layout.
    const used = r.codec === t.legacy ? (await row(db, `SELECT 1 FROM ${t.table} WHERE ${t.base} = $1 LIMIT 1`, [r.id])) !== undefined
      : r.baseId === null;
    const prev = used ? undefined : await row<Row>(db, `SELECT ${LINK_COLS(kind)}, ${t.depth} AS depth FROM ${t.table}
      WHERE article_id = $1 AND id < $2 ORDER BY id DESC LIMIT 1`, [r.articleId, r.id]);
    const base = prev ? { id: prev.id, depth: prev.depth, content: await decode(db, kind, prev) } : null;
    const e = await encodeRow(db, kind, content, base, every);
    await writeEncoded(db, kind, r.id, e);
    if (kind === 'text') await run(db, 'UPDATE versions SET text_length = $1 WHERE id = $2', [codePoints(content.toString('utf8')), r.id]);
    after += e.data.length;
  }
  return { rows: done, bytesBefore: before, bytesAfter: after };
}
