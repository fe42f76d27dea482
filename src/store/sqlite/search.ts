/**
 * The SQLite search index: the contentless FTS5 table `search_index` of migration 0013, one row per version that
 * brought text (rowid = versions.id; what a version brought: ../search-passages.ts), written here from the texts the
 * store reads through its own version-reading functions, never from versions.text directly; checked and rebuilt.
 * Its queries are ./search-query.ts.
 */
import type { Version } from '../types.js';
import { addedPassages, type IndexedPassages } from '../search-passages.js';
import { stmt, type Db } from './db.js';
import { getVersion, listVersions } from './versions.js';

function writeRow(db: Db, versionId: number, p: IndexedPassages | null): void {
  stmt(db, 'DELETE FROM search_index WHERE rowid = ?').run(versionId);
  if (p !== null) stmt(db, 'INSERT INTO search_index (rowid, title, text) VALUES (?, ?, ?)').run(versionId, p.title, p.text);
}

/** The number of the version of `articleId` just before `number` (the highest below it: numbers may have gaps mid-renumbering). */
function previousNumber(db: Db, articleId: number, number: number): number | null {
  const r = stmt(db, 'SELECT max(number) AS n FROM versions WHERE article_id = ? AND number < ?').get(articleId, number) as { n: number | null };
  return r.n;
}

/** The version after `number` of `articleId`, if any. */
function nextNumber(db: Db, articleId: number, number: number): number | null {
  const r = stmt(db, 'SELECT min(number) AS n FROM versions WHERE article_id = ? AND number > ?').get(articleId, number) as { n: number | null };
  return r.n;
}

/** What version `number` of `articleId` brought (its index row's texts), from its text (`inHand` when the caller has it) and its predecessor's. */
export function passagesOf(db: Db, articleId: number, number: number, inHand?: Version): { id: number; passages: IndexedPassages | null } | null {
  const cur = inHand ?? getVersion(db, articleId, number);
  if (!cur) return null;
  const p = previousNumber(db, articleId, number);
  const prev = p === null ? null : getVersion(db, articleId, p);
  return { id: cur.id, passages: addedPassages(prev, cur) };
}

/** (Re)writes the index row of version `number` of `articleId`. */
export function indexVersion(db: Db, articleId: number, number: number, inHand?: Version): void {
  const r = passagesOf(db, articleId, number, inHand);
  if (r) writeRow(db, r.id, r.passages);
}

/** After a version was inserted (the article's newest, with its text in hand): its row. Call inside the insert's transaction. */
export function indexInserted(db: Db, v: Version): Version {
  indexVersion(db, v.articleId, v.number, v);
  return v;
}

/** Where a version sits: its article and number, or null. */
function placeOf(db: Db, versionId: number): { articleId: number; number: number } | null {
  const r = stmt(db, 'SELECT article_id, number FROM versions WHERE id = ?').get(versionId) as { article_id: number; number: number } | undefined;
  return r ? { articleId: r.article_id, number: r.number } : null;
}

/**
 * After a version was inserted or its content changed: its row and its successor's (which is compared with it).
 * Call inside the transaction of the write.
 */
export function indexAround(db: Db, versionId: number): void {
  const at = placeOf(db, versionId);
  if (at) indexVersionAt(db, at.articleId, at.number);
}

/** indexAround for the version `number` of `articleId` (an imported row, whose id the caller does not know). */
export function indexVersionAt(db: Db, articleId: number, number: number): void {
  indexVersion(db, articleId, number);
  const next = nextNumber(db, articleId, number);
  if (next !== null) indexVersion(db, articleId, next);
}

/**
 * Deletes a version through `remove`, then re-indexes its successor against the version before it (the trigger of
 * migration 0013 drops the deleted version's own row).
 */
export function deleteIndexed(db: Db, versionId: number, remove: () => void): void {
  const at = placeOf(db, versionId);
  remove();
  if (!at) return;
  const next = nextNumber(db, at.articleId, at.number);
  if (next !== null) indexVersion(db, at.articleId, next);
}

/** The rows every version of one article should have, from its texts (oldest first). */
function articleRows(db: Db, articleId: number): Array<{ id: number; passages: IndexedPassages | null }> {
  const versions = listVersions(db, articleId);
  return versions.map((v, i) => ({ id: v.id, passages: addedPassages(i > 0 ? versions[i - 1]! : null, v) }));
}

const articleIds = (db: Db): number[] =>
  (stmt(db, 'SELECT DISTINCT article_id AS id FROM versions ORDER BY article_id').all() as Array<{ id: number }>).map((r) => r.id);

/**
 * The part of checkSearchIndex that reads no text (for the consistency check): FTS5's own integrity check, the
 * index built, and no row of a version that no longer exists.
 */
export function checkSearchIndexShape(db: Db): void {
  stmt(db, "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)").run();
  if (stmt(db, 'SELECT 1 FROM search_index_pending').get() !== undefined) {
    throw new Error('store: the search index is still being built; open the database with this Palimpsest or rebuild the search index');
  }
  const orphans = stmt(db, 'SELECT id FROM search_index_docsize WHERE id NOT IN (SELECT id FROM versions) LIMIT 10').all() as Array<{ id: number }>;
  if (orphans.length > 0) throw new Error(`store: the search index has rows of deleted versions ${orphans.map((r) => r.id).join(', ')}; rebuild the search index`);
}

/**
 * Checks the search index: its shape (checkSearchIndexShape), then that its rows are those the texts give now: the
 * expected rows are indexed into a temporary FTS5 table with the same tokenizer, and each row's token counts per
 * column (FTS5's docsize) compared, so a missing, extra or stale row (a text re-extracted without its row) shows.
 * Reads every version's text: for `palimpsest doctor`, not for requests.
 */
export function checkSearchIndex(db: Db): void {
  checkSearchIndexShape(db);
  db.exec(`DROP TABLE IF EXISTS temp.search_check;
    CREATE VIRTUAL TABLE temp.search_check USING fts5(title, text, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 2')`);
  try {
    const insert = db.prepare('INSERT INTO temp.search_check (rowid, title, text) VALUES (?, ?, ?)');
    for (const a of articleIds(db)) for (const r of articleRows(db, a)) if (r.passages) insert.run(r.id, r.passages.title, r.passages.text);
    const wrong = (db.prepare(`SELECT coalesce(i.id, c.id) AS id FROM search_index_docsize i
      FULL JOIN temp.search_check_docsize c ON c.id = i.id WHERE i.sz IS NOT c.sz ORDER BY 1 LIMIT 11`).all() as Array<{ id: number }>).map((r) => r.id);
    if (wrong.length > 0) {
      throw new Error(`store: the search index disagrees with the texts of version${wrong.length > 1 ? 's' : ''} ${wrong.slice(0, 10).join(', ')}`
        + `${wrong.length > 10 ? ', …' : ''}; rebuild the search index`);
    }
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.search_check');
  }
}

/** Rebuilds the search index from every version's text (after a restore, a manual edit, or migration 0013). */
export function rebuildSearchIndex(db: Db): void {
  db.transaction(() => {
    stmt(db, "INSERT INTO search_index (search_index) VALUES ('delete-all')").run();
    for (const a of articleIds(db)) for (const r of articleRows(db, a)) writeRow(db, r.id, r.passages);
    stmt(db, 'DELETE FROM search_index_pending').run();
  })();
}

/** Builds the index of a database migrated to 0013 with versions in it (see that migration); nothing otherwise. */
export function finishPendingIndex(db: Db): void {
  if (stmt(db, 'SELECT 1 FROM search_index_pending').get() !== undefined) rebuildSearchIndex(db);
}

/** Sums the varints of an FTS5 docsize blob (SQLite varints: 7 bits a byte, most significant first): the row's tokens, column by column. */
function sumVarints(blob: Buffer): number {
  let total = 0;
  let value = 0;
  for (const byte of blob) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      total += value;
      value = 0;
    }
  }
  return total;
}

/** The index's rows and the tokens they hold (from FTS5's per-row sizes, the docsize shadow table). */
export function searchIndexSize(db: Db): { rows: number; words: number } {
  let rows = 0;
  let words = 0;
  for (const r of stmt(db, 'SELECT sz FROM search_index_docsize').iterate() as IterableIterator<{ sz: Buffer }>) {
    rows++;
    words += sumVarints(r.sz);
  }
  return { rows, words };
}
