/**
 * Writing the scale bench's articles (bench/scale-gen.ts plans them): every version goes through the tracker's own
 * capture path (`storeCapture`: versioning, statistics, classification, the stored response and whatever the store
 * does on insert), with the check log a real tracker would have written around it. Runs in the generator's worker
 * threads, or in-process for small databases and the test.
 */
import { createHash } from 'node:crypto';
import { validateConfig } from '../src/config/index.js';
import { EXTRACTOR_VERSION } from '../src/extractor/index.js';
import type { Extracted } from '../src/extractor/types.js';
import type { FetchResult } from '../src/fetcher/types.js';
import type { Article, Store } from '../src/store/index.js';
import { storeCapture, type CaptureInput } from '../src/tracker/capture.js';
import { rng } from './rng.js';
import { editText, pageBody, pick, type Material, type RealText } from './scale-texts.js';

/** One article to write: what it is built from and how many versions it gets. */
export interface ArticlePlan {
  index: number;
  url: string;
  sourceId: number | null;
  /** 'text': an extraction page's text edited at random; 'revisions': a real revision history first; 'live': a growing live page. */
  kind: 'text' | 'revisions' | 'live';
  /** Index into the material's texts (the template too) or revisions. */
  base: number;
  versions: number;
  /** First seen, ms since the epoch. */
  firstSeen: number;
  seed: number;
}

const MINUTE = 60_000;
/** Paragraphs a live page grows to before it only changes. */
const LIVE_MAX_PARAGRAPHS = 250;

/**
 * Runs `fn` again while it fails with SQLITE_BUSY: the generator's threads share one file, and on a busy machine the
 * other thread's transaction can hold the write lock past the store's 5 s busy timeout. A failed transaction was
 * rolled back whole, so running it again is safe.
 */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** Geometric count with the given mean (seeded). */
function geometric(r: () => number, mean: number): number {
  return Math.floor(Math.log(1 - r()) / Math.log(1 - 1 / (mean + 1)));
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function extractedOf(v: RealText, url: string, publishedAt: string): Extracted {
  return {
    title: v.title, byline: 'Staff reporter', publishedAt, modifiedAt: null, lang: 'en', canonicalUrl: url, siteName: new URL(url).hostname,
    section: null, image: null, excerpt: (v.paragraphs[0] ?? '').slice(0, 200), paragraphs: v.paragraphs, text: v.paragraphs.join('\n\n'),
  };
}

function fetchOf(url: string, body: Buffer, html: string, at: string, n: number): FetchResult {
  return {
    requestedUrl: url, url, redirectChain: [url], status: 200, statusText: 'OK',
    headers: [['Content-Type', 'text/html; charset=utf-8'], ['ETag', `"${n.toString(16)}"`], ['Cache-Control', 'max-age=60'], ['Date', new Date(at).toUTCString()]],
    requestHeaders: [['User-Agent', 'Palimpsest/0.1 (+https://github.com/palimpsest)'], ['Accept-Encoding', 'gzip, br']],
    httpVersion: '1.1', body, text: html, charset: 'UTF-8', contentType: 'text/html', fetchedAt: at, durationMs: 120 + n % 300,
  };
}

/** The first text of an article (a real text, a little edited so that articles sharing a base text still differ). */
function firstText(r: () => number, m: Material, p: ArticlePlan): RealText {
  if (p.kind === 'revisions') return m.revisions[p.base % m.revisions.length]?.versions[0] ?? (m.texts[0] as RealText);
  const base = m.texts[p.base % m.texts.length] as RealText;
  if (p.kind === 'live') return { title: `Live: ${base.title}`, paragraphs: base.paragraphs.slice(0, 3) };
  return editText(r, m, base);
}

/** Writes one article and its versions; returns the versions stored. */
export async function writeArticle(store: Store, m: Material, p: ArticlePlan): Promise<number> {
  const r = rng(p.seed);
  const config = validateConfig({});
  const { article } = await retryBusy(() => store.insertArticle(p.url, new Date(p.firstSeen).toISOString(), p.sourceId));
  const template = m.templates[(p.kind === 'text' ? p.base : pick(r, m.templates.length)) % m.templates.length];
  if (!template) throw new Error('scale bench: the corpus has no pages');
  const revisions = p.kind === 'revisions' ? m.revisions[p.base % m.revisions.length]?.versions ?? [] : [];
  const publishedAt = new Date(p.firstSeen).toISOString();
  let text = firstText(r, m, p);
  let t = p.firstSeen;
  let stored = 0;
  let current: Article = article;
  let interval = 30 * MINUTE;
  // The next real revision to replay (some real revisions differ only in whitespace: not versions, so skipped).
  let rev = 1;
  for (let attempt = 0; stored < p.versions && attempt < p.versions * 3 + 10; attempt++) {
    // The unchanged checks a tracker makes before the page changes (each interval 1.2 times the last).
    const checks: Array<{ at: string; hash: string | null; notModified: boolean; ms: number }> = [];
    if (stored > 0) {
      for (let u = geometric(r, 5); u > 0; u--) {
        t += interval * (0.9 + 0.2 * r());
        interval = Math.min(interval * 1.2, 40 * 86_400_000);
        checks.push({ at: new Date(t).toISOString(), hash: null, notModified: r() < 0.3, ms: 80 + pick(r, 400) });
      }
      t += interval;
      interval = 30 * MINUTE;
      text = rev < revisions.length ? (revisions[rev++] as RealText)
        : editText(r, m, text, p.kind === 'live' && text.paragraphs.length < LIVE_MAX_PARAGRAPHS);
    }
    const at = new Date(t).toISOString();
    const body = pageBody(template, text, at, (p.seed ^ attempt).toString(16).padStart(8, '0'));
    const bodySha256 = sha256(body);
    const input: CaptureInput = {
      store, config, article: current, res: fetchOf(p.url, body, '', at, attempt), extracted: extractedOf(text, p.url, publishedAt),
      extractorVersion: EXTRACTOR_VERSION, started: new Date(t), random: r, validators: { etag: `"${attempt.toString(16)}"`, lastModified: null, bodySha256 },
    };
    const outcome = await retryBusy(() => storeCapture(input, async (o, tx) => {
      for (const c of checks) await tx.insertCheck(article.id, c.at, c.notModified ? 'not_modified' : 'unchanged', c.notModified ? 304 : 200, null, c.ms, c.hash);
      await tx.insertCheck(article.id, at, o.outcome, 200, null, 150 + (attempt * 37) % 600, o.hash);
    }));
    if (outcome.outcome === 'new_version') {
      stored++;
      current = (await store.getArticle(article.id)) ?? current;
    } else if (stored === 0) {
      // A first capture the tracker refuses (a text that reads like a wall): start from another real text.
      text = editText(r, m, m.texts[pick(r, m.texts.length)] as RealText);
    }
  }
  // The checks after the last change, until the article is no longer checked (or the database's "now").
  const tail: Array<{ at: string; notModified: boolean; ms: number }> = [];
  for (let u = geometric(r, 25); u > 0; u--) {
    t += interval * (0.9 + 0.2 * r());
    interval = Math.min(interval * 1.2, 40 * 86_400_000);
    tail.push({ at: new Date(t).toISOString(), notModified: r() < 0.3, ms: 80 + pick(r, 400) });
  }
  await retryBusy(() => store.transaction(async (tx) => {
    for (const c of tail) await tx.insertCheck(article.id, c.at, c.notModified ? 'not_modified' : 'unchanged', c.notModified ? 304 : 200, null, c.ms, null);
  }));
  return stored;
}

/** Writes articles in order, `concurrency` at a time (one's waits overlap the other's work); reports each one's versions. */
export async function writeArticles(store: Store, m: Material, plans: readonly ArticlePlan[], onArticle: (versions: number) => void, concurrency = 2): Promise<number> {
  let next = 0;
  let total = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < plans.length; i = next++) {
      const n = await writeArticle(store, m, plans[i] as ArticlePlan);
      total += n;
      onArticle(n);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return total;
}
