/**
 * Paged walks over the rows an export covers. Each page is one store call (keyset paging: no cursor or statement
 * stays open between pages, so the database stays writable while an export waits on a slow output, on either
 * backend) and pages are small, so memory stays flat however large the database is.
 */
import type { ArticleRow, CheckRow, ExportSelection, Store, VersionRow } from '../store/index.js';

const ARTICLE_PAGE = 200;
const VERSION_PAGE = 32;
const CHECK_PAGE = 1000;

/** The selection's articles in id order. */
export async function* walkArticles(store: Store, selection: ExportSelection): AsyncGenerator<ArticleRow> {
  let after = 0;
  for (;;) {
    const page = await store.listArticlesPage(selection, after, ARTICLE_PAGE);
    yield* page;
    if (page.length < ARTICLE_PAGE) return;
    after = page[page.length - 1]!.id;
  }
}

/** An article's versions, oldest first, texts included. */
export async function* walkVersions(store: Store, articleId: number): AsyncGenerator<VersionRow> {
  let after = 0;
  for (;;) {
    const page = await store.listVersionsPage(articleId, after, VERSION_PAGE);
    yield* page;
    if (page.length < VERSION_PAGE) return;
    after = page[page.length - 1]!.number;
  }
}

/** An article's check log, oldest first. */
export async function* walkChecks(store: Store, articleId: number): AsyncGenerator<CheckRow> {
  let after = 0;
  for (;;) {
    const page = await store.listChecksPage(articleId, after, CHECK_PAGE);
    yield* page;
    if (page.length < CHECK_PAGE) return;
    after = page[page.length - 1]!.id;
  }
}
