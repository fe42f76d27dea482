/**
 * A small real database for the web tests: articles and versions inserted through the store, as the versioner would.
 * It works on either backend (the store comes from tmpStore() of ./tmp.ts).
 */
import { diffArticles, splitParagraphs } from '../../src/differ/index.js';
import { validateConfig, type Config } from '../../src/config/index.js';
import { sha256Hex, type Store } from '../../src/store/index.js';

/** The test clock's origin: the first capture. */
export const T0 = Date.parse('2024-05-01T08:00:00.000Z');
/** Minutes after T0 as an ISO string. */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
/** The fixed "now" of the tests: 50 days after T0. */
export const NOW = new Date(T0 + 50 * 86_400_000);

/** The hostile strings of the XSS checks. */
export const XSS = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(1)>',
  url: 'https://evil.example/a?q="><script>alert(1)</script>&x=\'y\'',
};

const noValidators = { etag: null, lastModified: null, bodySha256: null };

/** Inserts versions of an article through the store (stats from the differ, as the versioner would) and records each capture. */
export async function addVersions(
  store: Store, articleId: number, versions: Array<{ minutes: number; title: string; text: string; byline?: string }>,
): Promise<void> {
  let prev: { title: string; text: string } | null = null;
  for (const v of versions) {
    const stats = prev
      ? diffArticles({ title: prev.title, paragraphs: splitParagraphs(prev.text) }, { title: v.title, paragraphs: splitParagraphs(v.text) }).stats
      : null;
    await store.insertVersion({
      articleId, title: v.title, byline: v.byline ?? null, publishedAt: at(-60), text: v.text,
      contentHash: sha256Hex(v.text), capturedAt: at(v.minutes), responseId: null,
      extractorVersion: 'test-1', wordsAdded: stats?.wordsAdded ?? 0, wordsRemoved: stats?.wordsRemoved ?? 0,
      stats, metadata: {},
    });
    await store.recordChanged(articleId, at(v.minutes), v.title, at(v.minutes + 30), 1800, noValidators);
    prev = v;
  }
}

/** Ids of the seeded articles. */
export interface Seeded {
  /** 3 versions: a word change (Tuesday -> Wednesday) at +35 min, then a headline change and an added paragraph at +120 min. */
  story: number;
  /** 1 version, status 'stopped'. */
  stopped: number;
  /** No version, paused after errors. */
  paused: number;
  /** 2 versions whose title, text and URL carry script tags and quotes. */
  xss: number;
  /** 1 version. */
  plain: number;
}

/** The three versions of the main story. */
export const STORY = [
  {
    minutes: 0, title: 'Minister resigns after inquiry', byline: 'By Ada Reporter',
    text: 'The minister resigned on Tuesday after an inquiry found serious failings.\n\nOfficials said the report would be published next week.\n\nThe opposition called for a full debate.',
  },
  {
    minutes: 35, title: 'Minister resigns after inquiry', byline: 'By Ada Reporter',
    text: 'The minister resigned on Wednesday after an inquiry found serious failings.\n\nOfficials said the report would be published next week.\n\nThe opposition called for a full debate.',
  },
  {
    minutes: 120, title: 'Minister quits after damning inquiry', byline: 'By Ada Reporter',
    text: 'The minister resigned on Wednesday after an inquiry found serious failings.\n\nOfficials said the report would be published on Friday.\n\nA spokesperson declined to comment.\n\nThe opposition called for a full debate.',
  },
];

/** Seeds the database with the five articles of {@link Seeded}. */
export async function seed(store: Store): Promise<Seeded> {
  const track = async (url: string, firstSeen: string): Promise<number> => (await store.insertArticle(url, firstSeen)).article.id;
  const story = await track('https://news.example/2024/05/minister-resigns', at(0));
  await addVersions(store, story, STORY);
  await store.recordUnchanged(story, at(200), at(400), 3600, noValidators);

  const stopped = await track('https://news.example/2024/03/old-story', at(-60 * 24 * 60));
  await addVersions(store, stopped, [{ minutes: -60 * 24 * 60, title: 'An old story', text: 'Nothing happened here.' }]);
  await store.setArticleStatus(stopped, 'stopped');

  const paused = await track('https://down.example/story', at(10));
  for (let i = 0; i < 3; i++) {
    await store.recordError(paused, at(10 + i * 5), 'fetcher: HTTP 503 Service Unavailable', at(30 + i * 10), i === 2 ? 'paused' : 'active');
  }

  const xss = await track(XSS.url, at(20));
  await addVersions(store, xss, [
    { minutes: 20, title: `${XSS.script} Breaking "news" & more`, text: `First ${XSS.script} paragraph.\n\nSecond ${XSS.img} paragraph.` },
    { minutes: 80, title: `${XSS.script} Breaking "news" & even more`, text: `First ${XSS.script} paragraph changed.\n\nSecond ${XSS.img} paragraph.\n\nThird ]]> paragraph ${XSS.script}.` },
  ]);

  const plain = await track('https://other.example/news/1', at(30));
  await addVersions(store, plain, [{ minutes: 30, title: 'Plain story', text: 'Plain text.' }]);
  return { story, stopped, paused, xss, plain };
}

/** A valid configuration for tests (silent logs), with overrides. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return validateConfig({ db: ':memory:', logLevel: 'silent', ...overrides });
}
