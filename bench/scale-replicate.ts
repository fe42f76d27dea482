/**
 * The scale bench's databases above 100k versions (500k): the 100k database of bench/scale-gen.ts (written through
 * the capture path, real texts and real page bodies) replicated N times under new URLs, in SQL inside SQLite
 * (ATTACH, then INSERT ... SELECT per table), because generating 500k versions through the capture path takes hours
 * on this machine. The result is what an archive of N times as many articles with the same histories would hold.
 *
 * Ids: row id i of copy k (k = 0..N-1) becomes i*N + k, in every table and every reference (an article, a response,
 * the base a body or text delta is encoded against, a version), so that ids keep following time as in the original
 * (the copies of a row sit side by side) and the rows are appended in id order. Copy 0 keeps the URLs, copy k > 0
 * has "-r<k>" before the URL's ".html" (or at its end), in the article, its responses and its versions' metadata.
 * Bodies, texts and stored diff results are copied byte for byte (their delta chains and shared dictionaries with
 * them); the search index's rows are those the store writes (src/store/search-passages.ts), computed once per
 * version of the source. See verifyReplica for the checks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, parseSearch, type Store } from '../src/store/index.js';
import { readMigrations, sqliteMigrationsDir } from '../src/store/migrations.js';
import { addedPassages } from '../src/store/search-passages.js';
import { countVersions, sizeLabel, type BuildNote } from './scale-gen.js';

/** Versions of the generated database that larger ones are replicated from. */
export const REPLICA_BASE = 100_000;

/** Columns that hold an id of a replicated row (mapped i -> i*N + k), per table of per-article rows. */
const PER_ARTICLE: Readonly<Record<string, readonly string[]>> = {
  articles: ['id'],
  responses: ['id', 'article_id', 'body_base_id'],
  versions: ['id', 'article_id', 'response_id', 'text_base_id'],
  check_log: ['id', 'article_id'],
  version_diffs: ['version_id'],
  article_events: ['id', 'article_id'],
  version_sightings: ['id', 'article_id', 'version_id'],
  version_corrections: ['version_id', 'article_id'],
  capture_health: ['id', 'article_id', 'response_id'],
  rendered_pages: ['version_id'],
  screenshots: ['version_id'],
};
/** Tables copied once as they are: they belong to no article (body_dicts: the copies share the dictionaries). */
const SHARED = new Set(['sources', 'source_urls', 'body_dicts', 'locks', 'host_deferrals', 'source_health_events']);
/** Tables the target's migrations fill, or that are rebuilt after the copy. */
const SKIPPED = new Set(['schema_migrations', 'search_index_pending']);

/** SQL of copy k's URL for the URL in `col` (copy 0 keeps it). */
function urlSql(col: string): string {
  return `CASE WHEN k = 0 OR ${col} IS NULL THEN ${col} WHEN ${col} LIKE '%.html' THEN substr(${col}, 1, length(${col}) - 5) || '-r' || k || '.html' ` +
    `ELSE ${col} || '-r' || k END`;
}

/** The SQL expression giving column `c` of table `t` in copy k, from row `s` of the source. */
function columnSql(t: string, c: string, factor: number): string {
  if (PER_ARTICLE[t]?.includes(c)) return `s.${c} * ${factor} + k`;
  if ((t === 'articles' && c === 'url') || (t === 'responses' && (c === 'url' || c === 'requested_url'))) return urlSql(`s.${c}`);
  // The version's metadata names its URL (canonicalUrl, finalUrl): the copy's.
  if (t === 'versions' && c === 'metadata') return `(SELECT replace(s.metadata, u.url, ${urlSql('u.url')}) FROM src.articles u WHERE u.id = s.article_id)`;
  // A write sequence number (0: none) stays unique and in order.
  if (t === 'version_diffs' && c === 'seq') return `CASE WHEN s.seq = 0 THEN 0 ELSE s.seq * ${factor} + k END`;
  return `s.${c}`;
}

const columnsOf = (db: Database.Database, schema: string, t: string): Array<{ name: string; pk: number; type: string }> =>
  db.prepare(`SELECT name, pk, type FROM pragma_table_info(?, ?)`).all(t, schema) as Array<{ name: string; pk: number; type: string }>;

/** Copies every table of `src` (attached) into main, `factor` times for per-article rows; throws on a table it does not know. */
function copyTables(db: Database.Database, factor: number, progress: (line: string) => void): void {
  const all = db.prepare("SELECT name, sql FROM src.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string; sql: string }>;
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  const tables = all.map((t) => t.name).filter((n) => !SKIPPED.has(n) && !virtual.some((v) => n === v || n.startsWith(`${v}_`)));
  // Parents first, so that the copy reads as a capture would have written it.
  const order = (n: string): number => (SHARED.has(n) ? 0 : n === 'articles' ? 1 : n === 'responses' ? 2 : n === 'versions' ? 3 : 4);
  tables.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  for (const t of tables) {
    const rows = (db.prepare(`SELECT count(*) AS n FROM src."${t}"`).get() as { n: number }).n;
    if (rows === 0) continue;
    if (!SHARED.has(t) && !PER_ARTICLE[t]) throw new Error(`scale bench: cannot replicate table ${t} (${rows} rows): say in bench/scale-replicate.ts how its ids map`);
    const cols = columnsOf(db, 'main', t).map((c) => c.name);
    const srcCols = new Set(columnsOf(db, 'src', t).map((c) => c.name));
    const missing = cols.filter((c) => !srcCols.has(c));
    if (missing.length > 0) throw new Error(`scale bench: the source lacks ${t}.${missing.join(', ')}: migrate it first`);
    const list = cols.map((c) => `"${c}"`).join(', ');
    const t0 = performance.now();
    if (SHARED.has(t)) {
      db.exec(`INSERT INTO main."${t}" (${list}) SELECT ${list} FROM src."${t}"`);
    } else {
      const key = columnsOf(db, 'src', t).find((c) => c.pk === 1 && c.type.toUpperCase() === 'INTEGER')?.name ?? 'rowid';
      // CROSS JOIN keeps the source the outer loop, read in id order: the rows i*N + k are appended in order.
      db.exec(`WITH copies(k) AS (VALUES ${Array.from({ length: factor }, (_, k) => `(${k})`).join(', ')})
        INSERT INTO main."${t}" (${list}) SELECT ${cols.map((c) => columnSql(t, c, factor)).join(', ')}
        FROM src."${t}" AS s CROSS JOIN copies ORDER BY s."${key}", k`);
    }
    progress(`replicating: ${t}, ${rows} rows${SHARED.has(t) ? '' : ` x ${factor}`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/** Writes the search index rows of every copy: what each source version brought (as the store computes it). */
async function indexCopies(db: Database.Database, source: string, factor: number, progress: (line: string) => void): Promise<number> {
  const store = await openStore(source, { migrate: false, readonly: true });
  const insert = db.prepare('INSERT INTO search_index (rowid, title, text) VALUES (?, ?, ?)');
  let rows = 0;
  const t0 = performance.now();
  try {
    for (const a of await store.listAllArticles()) {
      const versions = await store.listVersions(a.id);
      versions.forEach((v, i) => {
        const p = addedPassages(i > 0 ? (versions[i - 1] ?? null) : null, v);
        if (p === null) return;
        for (let k = 0; k < factor; k++) insert.run(v.id * factor + k, p.title, p.text);
        rows += factor;
      });
    }
  } finally {
    await store.close();
  }
  progress(`replicating: search index, ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return rows;
}

/** The schema version (highest migration) of a SQLite file. */
function schemaVersionOf(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/**
 * Builds at `target` (which must not exist) the database `source` (of the current schema: cachedReplica migrates an
 * older one on a copy first) replicated `factor` times (see the module comment). Returns the versions written.
 */
export async function replicate(source: string, target: string, factor: number, progress: (line: string) => void = () => {}): Promise<number> {
  if (!Number.isInteger(factor) || factor < 2) throw new Error(`scale bench: replicate by a whole factor of 2 or more, not ${factor}`);
  if (fs.existsSync(target)) throw new Error(`scale bench: ${target} exists already`);
  // The target's schema: the current migrations, as the store writes them.
  await (await openStore(target)).close();
  if (schemaVersionOf(source) !== schemaVersionOf(target)) throw new Error(`scale bench: ${source} is of another schema than ${target}: migrate it first`);
  const db = new Database(target);
  try {
    // A half-built file is of no use: no journal, no syncs; WAL again at the end, as the store keeps it.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -262144');
    db.prepare('ATTACH DATABASE ? AS src').run(source);
    db.exec('BEGIN');
    copyTables(db, factor, progress);
    db.exec('COMMIT');
    db.exec('DETACH DATABASE src');
    db.exec('BEGIN');
    await indexCopies(db, source, factor, progress);
    db.exec('COMMIT');
    const broken = db.prepare('SELECT * FROM pragma_foreign_key_check LIMIT 5').all();
    if (broken.length > 0) throw new Error(`scale bench: the replica breaks foreign keys: ${JSON.stringify(broken)}`);
    db.pragma('journal_mode = WAL');
    return (db.prepare('SELECT count(*) AS n FROM versions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** How a replica's copies read back (verifyReplica). */
export interface ReplicaCheck {
  /** Versions of the copies read back and compared. */
  versions: number;
  /** Search hits of the replica that matched its source's (searchCheck). */
  searched: number;
}

/**
 * Checks a replica against its source through the store's API: `samples` random versions of the source read back
 * byte-identical (text, title, content hash, captured body) in every copy, each copy's article under a URL of its
 * own; and the search gives the copies of the source's hits for a word one of those versions brought (searchCheck).
 */
export async function verifyReplica(source: string, replica: string, factor: number, samples: number, seed = 11): Promise<ReplicaCheck> {
  const [a, b] = [await openStore(source, { migrate: false, readonly: true }), await openStore(replica, { migrate: false })];
  try {
    const articles = (await a.listAllArticles()).filter((x) => x.versionCount > 0);
    let r = seed;
    const next = (n: number): number => { r = (r * 1_103_515_245 + 12_345) % 2 ** 31; return r % n; };
    let versions = 0;
    let searched = 0;
    for (let i = 0; i < samples; i++) {
      const art = articles[next(articles.length)];
      if (!art) continue;
      const v = await a.getVersion(art.id, 1 + next(art.versionCount));
      const body = v?.responseId != null ? (await a.getResponse(v.responseId))?.body : undefined;
      if (!v || !body) throw new Error(`scale bench: the source's article ${art.id} did not read back`);
      const urls = new Set<string>();
      for (let k = 0; k < factor; k++) {
        const copy = await b.getArticle(art.id * factor + k);
        const w = await b.getVersion(art.id * factor + k, v.number);
        const wBody = w?.responseId != null ? (await b.getResponse(w.responseId))?.body : undefined;
        if (!copy || !w || !wBody || w.text !== v.text || w.title !== v.title || w.contentHash !== v.contentHash || !wBody.equals(body)) {
          throw new Error(`scale bench: copy ${k} of version ${v.number} of article ${art.id} differs from the original`);
        }
        urls.add(copy.url);
        versions++;
      }
      if (urls.size !== factor) throw new Error(`scale bench: the copies of article ${art.id} share a URL`);
      if (i < 50) searched += await searchCheck(a, b, art.id, v.id, factor, next);
    }
    return { versions, searched };
  } finally {
    await a.close();
    await b.close();
  }
}

/**
 * The search on a word version `versionId` (of article `articleId`) of the source brought (its index row's text):
 * the source's first five hits below that version (search pages are keyset by version id, newest first, each article
 * at its newest matching version), and the replica's first 5N below copy 0 of it, must be the same hits: each of the
 * source's, copy N-1 down to copy 0 (ids i*N + k). Returns the replica's hits compared (0: no word, or no hit).
 */
async function searchCheck(a: Store, b: Store, articleId: number, versionId: number, factor: number, next: (n: number) => number): Promise<number> {
  const versions = await a.listVersions(articleId);
  const at = versions.findIndex((x) => x.id === versionId);
  const p = at < 0 ? null : addedPassages(at > 0 ? (versions[at - 1] ?? null) : null, versions[at]!);
  const words = `${p?.title ?? ''} ${p?.text ?? ''}`.match(/\p{L}{4,}/gu) ?? [];
  const word = words[next(Math.max(words.length, 1))];
  const terms = word ? parseSearch(word) : null;
  if (!terms) return 0;
  const found = (await a.searchVersions({ terms, beforeVersionId: versionId + 1, limit: 5 }))
    .flatMap((h) => Array.from({ length: factor }, (_, j) => `${h.articleId * factor + factor - 1 - j}:${h.versionId * factor + factor - 1 - j}`));
  const copies = (await b.searchVersions({ terms, beforeVersionId: (versionId + 1) * factor, limit: 5 * factor })).map((h) => `${h.articleId}:${h.versionId}`);
  // None found is possible (the version's article matches again later, so it sits on a newer page): compared too.
  if (copies.join(' ') !== found.join(' ')) {
    throw new Error(`scale bench: the replica's search for "${word}" gives ${copies.slice(0, 10).join(' ')}, its source's copies ${found.slice(0, 10).join(' ')}`);
  }
  return copies.length;
}

/**
 * The cached replica of `total` versions: the cached database `source` (100k) `factor` times (named after it, beside it):
 * reused when present, else built (replicate), checked (verifyReplica, 200 random versions) and noted like a
 * generated one, with `replicatedFrom` and `factor` in its note.
 */
export async function cachedReplica(source: string, total: number, factor: number, progress: (line: string) => void):
Promise<{ file: string; generatedS: number | null; versions: number }> {
  const base = path.basename(source, '.db').replace(/^scale-[^-]+-/, '');
  const file = path.join(path.dirname(source), `scale-${sizeLabel(total)}-${base}-x${factor}.db`);
  if (fs.existsSync(file)) return { file, generatedS: null, versions: await countVersions(file) };
  const tmp = `${file}.building`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const t0 = performance.now();
  // A source of an older schema (--reuse) is migrated on a copy first: the store reads only the current one.
  let from = source;
  if (schemaVersionOf(source) !== readMigrations(sqliteMigrationsDir(), 'SQLite').length) {
    from = `${tmp}.source`;
    fs.copyFileSync(source, from, fs.constants.COPYFILE_FICLONE);
    progress(`replicating: migrating a copy of ${path.basename(source)} first`);
    await (await openStore(from)).close();
  }
  let versions: number;
  let c: ReplicaCheck;
  try {
    versions = await replicate(from, tmp, factor, progress);
    c = await verifyReplica(from, tmp, factor, 200);
  } finally {
    if (from !== source) for (const f of [from, `${from}-wal`, `${from}-shm`]) fs.rmSync(f, { force: true });
  }
  const check = `${c.versions} versions of the copies read back byte-identical to the originals; ${c.searched} search hits, the copies of the source's`;
  progress(`replica checked: ${check}`);
  const db = new Database(tmp);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  for (const f of [`${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  fs.renameSync(tmp, file);
  const seconds = (performance.now() - t0) / 1000;
  const note: BuildNote = {
    at: new Date().toISOString(), seconds, threads: 1, versions, load: os.loadavg().map((x) => x.toFixed(1)).join(' '),
    replicatedFrom: path.basename(source), factor, check,
  };
  fs.writeFileSync(`${file}.json`, `${JSON.stringify(note)}\n`);
  return { file, generatedS: seconds, versions };
}
