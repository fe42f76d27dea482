/**
 * An article with headline variants (an A/B test with sightings), a version that added a correction notice, and
 * removal/redirect events, inserted through the store as the tracker would have stored them (for the web, export
 * and browser tests of issue 15.2/15.3; the tracker's own path is tested in variants-events.test.ts).
 */
import { sha256Hex, type Store } from '../../src/store/index.js';
import { at, XSS } from './web-seed.js';

/** The body shared by the headline variants. */
export const AB_TEXT = 'The city council voted on Tuesday to approve the new transport budget.\n\nSupporters said the plan would add bus routes to the northern districts.\n\nOpponents warned that ticket prices could rise next year.';
/** The notice that version 4 added. */
export const AB_NOTICE = 'Correction: An earlier version of this article misstated the day of the vote.';
/** The headlines of the A/B test. */
export const HEADLINES = ['Council approves transport budget', 'Buses for the north: council says yes'] as const;

const noValidators = { etag: null, lastModified: null, bodySha256: null };

/** Seeds the article; returns its id. Times: versions at +0, +30, +60, +120 min; events at +200, +250, +300 (absent now). */
export async function seedVariants(store: Store, url = 'https://news.example/2024/05/transport-budget'): Promise<number> {
  const id = (await store.insertArticle(url, at(0))).article.id;
  const versions = [
    { minutes: 0, title: HEADLINES[0], text: AB_TEXT },
    { minutes: 30, title: HEADLINES[1], text: AB_TEXT },
    { minutes: 60, title: HEADLINES[0], text: AB_TEXT },
    { minutes: 120, title: HEADLINES[0], text: `${AB_TEXT}\n\n${AB_NOTICE}` },
  ];
  const ids: number[] = [];
  for (const [i, v] of versions.entries()) {
    const saved = await store.insertVersion({
      articleId: id, title: v.title, byline: 'Ada Reporter', publishedAt: null, text: v.text, contentHash: sha256Hex(`${v.title}\0${v.text}`),
      capturedAt: at(v.minutes), responseId: null, extractorVersion: 'test-1', wordsAdded: i === 3 ? 13 : 0, wordsRemoved: 0,
      stats: i === 0 ? null : { titleChanged: i < 3, wordsAdded: i === 3 ? 13 : 0, wordsRemoved: 0 }, metadata: {},
    });
    ids.push(saved.id);
    await store.recordChanged(id, at(v.minutes), v.title, at(v.minutes + 30), 1800, noValidators);
  }
  await store.insertVersionSighting(id, ids[1]!, at(70));
  await store.insertVersionSighting(id, ids[0]!, at(80));
  await store.insertVersionSighting(id, ids[1]!, at(90));
  await store.setVersionCorrection(ids[3]!, id, AB_NOTICE);
  await store.insertArticleEvent(id, 'redirected', at(200), { location: XSS.url });
  await store.insertArticleEvent(id, 'returned', at(250), { status: 200 });
  await store.insertArticleEvent(id, 'absent', at(300), { status: 404 });
  return id;
}
