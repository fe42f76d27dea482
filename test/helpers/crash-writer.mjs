// A process that dies in the middle of a write transaction: it commits one article, then opens a transaction that
// stores a response and a version, says "in transaction" on stdout and waits to be killed (SIGKILL) before COMMIT.
// Run by test/store-crash.test.ts with the built store (dist/) and PALIMPSEST_DB naming the database.
import { openStore } from '../../dist/src/store/index.js';

const store = await openStore(process.env.PALIMPSEST_DB);
const now = new Date().toISOString();
const { article } = await store.insertArticle('https://news.example/crash', now);
process.stdout.write(`committed ${article.id}\n`);
await store.transaction(async (tx) => {
  const responseId = await tx.insertResponse({
    articleId: article.id, requestedUrl: article.url, url: article.url, fetchedAt: now, status: 200, statusText: 'OK',
    httpVersion: '1.1', headers: [['content-type', 'text/html']], requestHeaders: [], body: Buffer.from('<p>never committed</p>'),
  });
  await tx.insertVersion({
    articleId: article.id, title: 'Never committed', byline: null, publishedAt: null, text: 'never committed', contentHash: 'x',
    capturedAt: now, responseId, extractorVersion: 'test', wordsAdded: 2, wordsRemoved: 0, stats: null, metadata: {},
  });
  await tx.recordChanged(article.id, now, 'Never committed', now, 60, { etag: null, lastModified: null, bodySha256: null });
  process.stdout.write('in transaction\n');
  await new Promise(() => setInterval(() => undefined, 1000));
});
