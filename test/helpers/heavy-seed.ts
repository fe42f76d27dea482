/**
 * A database large enough to make exports and feeds heavy, filled through the store (either backend): a few hundred
 * articles of one source, each with versions of some forty paragraphs (so that every diff costs the differ real
 * work) and a captured response per version whose body does not compress (so that an export carries tens of MB).
 */
import crypto from 'node:crypto';
import { sha256Hex, type Store } from '../../src/store/index.js';

const WORDS = ('minister council budget inquiry report officials spokesperson opposition debate vote party election '
  + 'statement police court judge witness evidence hospital doctors patients school teachers pupils city mayor '
  + 'residents flood storm river bridge road traffic train station airport flights prices markets shares bank '
  + 'interest rates inflation workers union strike talks agreement deal plan scheme funding million pounds').split(' ');

/** A small deterministic random generator (mulberry32), so every run seeds the same texts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paragraph(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]!);
  const s = out.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

/** The paragraphs of each version: the next one edits words in a few paragraphs, moves one and adds one. */
function versions(seed: number, count: number, paragraphs: number): string[][] {
  const rnd = random(seed);
  let cur = Array.from({ length: paragraphs }, () => paragraph(rnd, 40 + Math.floor(rnd() * 30)));
  const out = [cur];
  for (let v = 1; v < count; v++) {
    const next = cur.slice();
    for (let k = 0; k < 6; k++) {
      const i = Math.floor(rnd() * next.length);
      const words = next[i]!.split(' ');
      words[Math.floor(rnd() * words.length)] = WORDS[Math.floor(rnd() * WORDS.length)]!;
      next[i] = words.join(' ');
    }
    const [moved] = next.splice(Math.floor(rnd() * next.length), 1);
    next.splice(Math.floor(rnd() * next.length), 0, moved!);
    next.splice(Math.floor(rnd() * next.length), 0, paragraph(rnd, 50));
    out.push(next);
    cur = next;
  }
  return out;
}

/** Options of seedHeavy. */
export interface HeavySeedOptions {
  articles: number;
  versionsPerArticle: number;
  paragraphs: number;
  /** Bytes of incompressible filler in each captured body. */
  bodyFiller: number;
  /** Slug of the source holding every article. */
  slug: string;
}

/** Fills `store` in one transaction; returns how many versions it stored. */
export async function seedHeavy(store: Store, o: HeavySeedOptions): Promise<{ versions: number }> {
  const t0 = Date.parse('2024-05-01T08:00:00.000Z');
  let n = 0;
  await store.transaction(async (tx) => {
    const source = await tx.insertSource({ slug: o.slug, name: `Source ${o.slug}`, kind: 'manual', config: {} }, new Date(t0).toISOString());
    for (let a = 0; a < o.articles; a++) {
      const url = `https://news.example/${o.slug}/story-${a}`;
      const { article } = await tx.insertArticle(url, new Date(t0 + a * 60_000).toISOString(), source.id);
      for (const [i, paras] of versions(a + 1, o.versionsPerArticle, o.paragraphs).entries()) {
        const at = new Date(t0 + a * 60_000 + i * 3_600_000).toISOString();
        const text = paras.join('\n\n');
        const title = `Story ${a}, version ${i + 1}`;
        const filler = crypto.randomBytes(o.bodyFiller).toString('base64');
        const body = Buffer.from(`<html><head><title>${title}</title></head><body><article>${paras.map((p) => `<p>${p}</p>`).join('')}</article><!-- ${filler} --></body></html>`);
        const responseId = await tx.insertResponse({
          articleId: article.id, requestedUrl: url, url, fetchedAt: at, status: 200, statusText: 'OK', httpVersion: '1.1',
          headers: [['content-type', 'text/html; charset=utf-8']], requestHeaders: [['user-agent', 'test']], body,
        });
        await tx.insertVersion({
          articleId: article.id, title, byline: 'Staff', publishedAt: new Date(t0).toISOString(), text, contentHash: sha256Hex(text),
          capturedAt: at, responseId, extractorVersion: 'test-1', wordsAdded: i === 0 ? 0 : 8, wordsRemoved: i === 0 ? 0 : 6,
          stats: null, metadata: {},
        });
        await tx.recordChanged(article.id, at, title, new Date(Date.parse(at) + 1_800_000).toISOString(), 1800,
          { etag: null, lastModified: null, bodySha256: null });
        n++;
      }
    }
  });
  return { versions: n };
}
