/**
 * Sources for the web tests, on top of {@link seed}: two sources made with createSource (as POST /api/sources and
 * the CLI do), their articles discovered on known days of the week before NOW, versions with a headline change, a
 * long diff (cut short in feeds) and a poll error.
 */
import type { Store } from '../../src/store/index.js';
import { createSource } from '../../src/sources/manage.js';
import { NOW, addVersions } from './web-seed.js';

/** ISO time `days` days (and `hours` hours) before NOW. */
export const daysAgo = (days: number, hours = 0): string => new Date(NOW.getTime() - days * 86_400_000 - hours * 3_600_000).toISOString();

/** Minutes relative to NOW, for version capture times (addVersions counts minutes from T0). */
const minutesFromT0 = (iso: string): number => (Date.parse(iso) - Date.parse('2024-05-01T08:00:00.000Z')) / 60_000;

/** New articles per day of the `daily` source over the 7 days ending with NOW, oldest first. */
export const DAILY_PER_DAY = [0, 1, 0, 3, 0, 0, 2];

/** What {@link seedSources} made. */
export interface SourceSeeded {
  daily: { id: number; slug: string };
  front: { id: number; slug: string };
  /** Article of `daily` with 3 versions: a headline change (2) and a text change (3). */
  headline: number;
  /** Article of `daily` with 2 versions whose second changes 40 paragraphs. */
  long: number;
  /** Article of `front` with 2 versions. */
  frontStory: number;
  /** Every article of `daily` (7: 6 in the last 7 days and one older). */
  dailyArticles: number[];
}

/** Adds the sources, their articles and versions. */
export async function seedSources(store: Store): Promise<SourceSeeded> {
  const daily = await createSource(store, { name: 'Daily News', kind: 'feed', urls: ['https://daily.example/rss', 'https://daily.example/world/rss'], exclude: ['/live/**'] }, new Date(daysAgo(20)));
  const front = await createSource(store, { name: 'City Front', slug: 'city-front', kind: 'page', urls: ['https://city.example/'], links: 'a.story', intervalS: 900 }, new Date(daysAgo(20)));
  await store.recordSourcePoll(front.id, daysAgo(0, 2), daysAgo(0, 1), 'fetcher: HTTP 500 Internal Server Error');
  await store.recordSourcePoll(daily.id, daysAgo(0, 1), NOW.toISOString(), null);

  const track = async (url: string, firstSeen: string, sourceId: number): Promise<number> =>
    (await store.insertArticle(url, firstSeen, sourceId)).article.id;
  const dailyArticles: number[] = [];
  for (const [i, count] of DAILY_PER_DAY.entries()) {
    for (let k = 0; k < count; k++) {
      const day = 6 - i;
      dailyArticles.push(await track(`https://daily.example/${day}/story-${k}`, daysAgo(day, k + 1), daily.id));
    }
  }
  dailyArticles.push(await track('https://daily.example/old/story', daysAgo(10), daily.id));

  const headline = dailyArticles[0]!;
  const t = minutesFromT0(daysAgo(5));
  await addVersions(store, headline, [
    { minutes: t, title: 'Harbour bridge to close for repairs', text: 'The harbour bridge will close in June for repairs.\n\nTraffic will be diverted through the tunnel.' },
    { minutes: t + 60, title: 'Harbour bridge closure postponed', text: 'The harbour bridge will close in June for repairs.\n\nTraffic will be diverted through the tunnel.' },
    { minutes: t + 120, title: 'Harbour bridge closure postponed', text: 'The harbour bridge will close in July for repairs.\n\nTraffic will be diverted through the tunnel.' },
  ]);

  const long = dailyArticles[1]!;
  const paras = (word: string): string => Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1} of the budget report says ${word} about item ${i + 1}.`).join('\n\n');
  await addVersions(store, long, [
    { minutes: t + 10, title: 'Budget report in full', text: paras('little') },
    { minutes: t + 70, title: 'Budget report in full', text: paras('much more') },
  ]);

  const frontStory = await track('https://city.example/news/tram', daysAgo(0, 3), front.id);
  const tf = minutesFromT0(daysAgo(0, 3));
  await addVersions(store, frontStory, [
    { minutes: tf, title: 'Tram line opens', text: 'The new tram line opened on Monday.' },
    { minutes: tf + 30, title: 'Tram line opens', text: 'The new tram line opened on Monday morning.' },
  ]);
  return { daily: { id: daily.id, slug: daily.slug }, front: { id: front.id, slug: front.slug }, headline, long, frontStory, dailyArticles };
}
