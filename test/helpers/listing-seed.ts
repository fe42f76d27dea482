/**
 * A database for the listing, chart and search-history tests: two sources and articles whose changes differ in day,
 * size, headline and minor kind, so that each filter and order of the grouped listings picks a known set.
 */
import type express from 'express';
import type { Store } from '../../src/store/index.js';
import { createSource } from '../../src/sources/manage.js';
import { createApp } from '../../src/web/app.js';
import { tmpStore } from './tmp.js';
import { addVersions, testConfig } from './web-seed.js';

/** The clock of these tests: 2024-06-03 12:00 UTC ("today" is June 3). */
export const LNOW = new Date('2024-06-03T12:00:00.000Z');

/** Minutes from web-seed's T0 (2024-05-01 08:00 UTC) to an ISO time. */
const m = (iso: string): number => (Date.parse(iso) - Date.parse('2024-05-01T08:00:00.000Z')) / 60_000;

const P1 = 'The council met on Monday to discuss the budget.';
const P2 = 'Residents asked about the new bridge.';
const LONG = 'A long new paragraph adds many words about the flood defences, the river wall, the pumps and the cost of every part of the scheme.';

/** What {@link seedListings} made. */
export interface ListingSeeded {
  river: { id: number; slug: string };
  hill: { id: number; slug: string };
  /** river: v1 June 1; v2 June 1 (1 word); v3 June 3 09:00 headline change + long paragraph; v4 June 3 10:00 (1 word). */
  budget: number;
  /** river: v1 June 1; v2 June 2 long paragraph (no headline change). */
  bridge: number;
  /** hill: v1 May 31; v2 June 3 08:00 minor (punctuation); v3 June 3 11:00 headline change only. */
  hillStory: number;
  /** hill: one version, no change. */
  quiet: number;
  /** no source, no version. */
  waiting: number;
}

/** Seeds the listing database (see {@link ListingSeeded}). */
export async function seedListings(store: Store): Promise<ListingSeeded> {
  const river = await createSource(store, { name: 'River Times', kind: 'feed', urls: ['https://river.example/rss'] }, new Date('2024-05-30T00:00:00Z'));
  const hill = await createSource(store, { name: 'Hill Post', kind: 'feed', urls: ['https://hill.example/rss'] }, new Date('2024-05-30T00:00:00Z'));
  const track = async (url: string, at: string, sourceId: number | null): Promise<number> => (await store.insertArticle(url, at, sourceId)).article.id;

  const budget = await track('https://river.example/budget', '2024-06-01T07:00:00.000Z', river.id);
  await addVersions(store, budget, [
    { minutes: m('2024-06-01T08:00:00.000Z'), title: 'Council debates budget', text: `${P1}\n\n${P2}`, byline: 'By Kim' },
    { minutes: m('2024-06-01T09:00:00.000Z'), title: 'Council debates budget', text: `${P1.replace('Monday', 'Tuesday')}\n\n${P2}`, byline: 'By Kim' },
    { minutes: m('2024-06-03T09:00:00.000Z'), title: 'Council approves budget', text: `${P1.replace('Monday', 'Tuesday')}\n\n${P2}\n\n${LONG}`, byline: 'By Kim and Lee' },
    { minutes: m('2024-06-03T10:00:00.000Z'), title: 'Council approves budget', text: `${P1.replace('Monday', 'Wednesday')}\n\n${P2}\n\n${LONG}`, byline: 'By Kim and Lee' },
  ]);

  const bridge = await track('https://river.example/bridge', '2024-06-01T07:30:00.000Z', river.id);
  await addVersions(store, bridge, [
    { minutes: m('2024-06-01T08:30:00.000Z'), title: 'Bridge plans', text: P2 },
    { minutes: m('2024-06-02T08:30:00.000Z'), title: 'Bridge plans', text: `${P2}\n\n${LONG}\n\n${LONG.replace('flood', 'storm')}` },
  ]);

  const hillStory = await track('https://hill.example/story', '2024-05-31T07:00:00.000Z', hill.id);
  await addVersions(store, hillStory, [
    { minutes: m('2024-05-31T08:00:00.000Z'), title: 'Hill fair opens', text: 'The fair opened today.' },
  ]);
  // A minor version (punctuation only), inserted as the versioner classifies it.
  await store.insertVersion({
    articleId: hillStory, title: 'Hill fair opens', byline: null, publishedAt: null, text: 'The fair opened today!',
    contentHash: 'minor-hash', capturedAt: '2024-06-03T08:00:00.000Z', responseId: null, extractorVersion: 'test-1',
    wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: 'minor', minorReason: 'punctuation',
  });
  await store.refreshArticleSummary(hillStory);
  await store.insertVersion({
    articleId: hillStory, title: 'Hill fair opens to crowds', byline: null, publishedAt: null, text: 'The fair opened today!',
    contentHash: 'headline-hash', capturedAt: '2024-06-03T11:00:00.000Z', responseId: null, extractorVersion: 'test-1',
    wordsAdded: 0, wordsRemoved: 0, stats: { titleChanged: true }, metadata: {},
  });
  await store.refreshArticleSummary(hillStory);

  const quiet = await track('https://hill.example/quiet', '2024-05-30T07:00:00.000Z', hill.id);
  await addVersions(store, quiet, [{ minutes: m('2024-05-30T08:00:00.000Z'), title: 'Quiet day', text: 'Nothing to report.' }]);

  const waiting = await track('https://elsewhere.example/waiting', '2024-06-02T07:00:00.000Z', null);
  return { river: { id: river.id, slug: river.slug }, hill: { id: hill.id, slug: hill.slug }, budget, bridge, hillStory, quiet, waiting };
}

/** A seeded listing database with the app on it at {@link LNOW}; `cleanup` closes and removes it. */
export interface ListingFixture {
  store: Store;
  ids: ListingSeeded;
  app: express.Express;
  cleanup: () => Promise<void>;
}

/** Opens a fresh store on the test's backend, seeds it with {@link seedListings} and makes the app (config overrides). */
export async function listingFixture(overrides: Record<string, unknown> = {}): Promise<ListingFixture> {
  const t = await tmpStore();
  const ids = await seedListings(t.store);
  return { store: t.store, ids, app: createApp({ store: t.store, config: testConfig(overrides), now: () => LNOW }), cleanup: t.cleanup };
}
