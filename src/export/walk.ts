/**
 * Paged walks over the rows an export covers. Each page is read whole with `.all()` (no statement stays open
 * between pages, so the connection stays writable while an export waits on a slow output) and pages are small,
 * so memory stays flat however large the database is.
 */
import type { Db } from '../store/index.js';
import {
  listArticlesPage, listChecksPage, listVersionsPage,
  type ArticleRow, type CheckRow, type ExportSelection, type VersionRow,
} from '../store/export-queries.js';

const ARTICLE_PAGE = 200;
const VERSION_PAGE = 32;
const CHECK_PAGE = 1000;

/** The selection's articles in id order. */
export function* walkArticles(db: Db, selection: ExportSelection): Generator<ArticleRow> {
  let after = 0;
  for (;;) {
    const page = listArticlesPage(db, selection, after, ARTICLE_PAGE);
    yield* page;
    if (page.length < ARTICLE_PAGE) return;
    after = page[page.length - 1]!.id;
  }
}

/** An article's versions, oldest first, texts included. */
export function* walkVersions(db: Db, articleId: number): Generator<VersionRow> {
  let after = 0;
  for (;;) {
    const page = listVersionsPage(db, articleId, after, VERSION_PAGE);
    yield* page;
    if (page.length < VERSION_PAGE) return;
    after = page[page.length - 1]!.number;
  }
}

/** An article's check log, oldest first. */
export function* walkChecks(db: Db, articleId: number): Generator<CheckRow> {
  let after = 0;
  for (;;) {
    const page = listChecksPage(db, articleId, after, CHECK_PAGE);
    yield* page;
    if (page.length < CHECK_PAGE) return;
    after = page[page.length - 1]!.id;
  }
}
