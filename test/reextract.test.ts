/** Re-extraction of history stored by a deliberately weak extractor (whole-page text, furniture included). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import { EXTRACTOR_VERSION } from '../src/extractor/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { reextractArticle } from '../src/tracker/reextract.js';
import { startNewsOrigin, type NewsOrigin, type OriginVersion } from './helpers/news-origin.js';
import { tmpStore } from './helpers/tmp.js';
import { wholePage } from './helpers/whole-page.js';

let origin: NewsOrigin;
let store: Store;
let cleanup: () => Promise<void>;
const config = loadConfig({ env: {}, flags: { allowPrivate: true } });
const A: OriginVersion = {
  title: 'Storm closes schools', byline: 'Kim Writer', paragraphs: [
    'Schools across the county will stay closed on Friday after the storm brought down power lines overnight.',
    'The school board said buses could not run safely while crews cleared the roads, and asked parents to keep children home.',
    'Power had been restored to most homes by the evening, the utility said.'],
};
const B: OriginVersion = { ...A, paragraphs: [...A.paragraphs.slice(0, 2), 'Power had been restored to all but 300 homes by the evening, the utility said.'] };

beforeAll(async () => {
  origin = await startNewsOrigin();
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await origin.close();
  await cleanup();
});

describe('reextract', () => {
  it('merges the weak extractor\'s false versions and keeps the real change, with the right texts', async () => {
    const url = origin.addArticle('/storm', [A, B]);
    const id = (await store.insertArticle(url, new Date().toISOString())).article.id;
    const weak = { store, config, extract: (html: string) => wholePage(html), extractorVersion: 'whole-page/0' };
    for (const live of [0, 0, 0, 1, 1]) {
      origin.publish('/storm', live);
      await checkArticle(weak, id);
    }
    expect((await store.listVersions(id)).length).toBe(5); // furniture changes every time: five false or real "versions"

    const report = await reextractArticle(store, id);
    expect(report).toEqual({ articleId: id, versionsBefore: 5, versionsAfter: 2, textsChanged: 2, kept: 0 });
    const after = await store.listVersions(id);
    expect(after.map((v) => v.number)).toEqual([1, 2]);
    expect(after.map((v) => v.text)).toEqual([A.paragraphs.join('\n\n'), B.paragraphs.join('\n\n')]);
    expect(after.map((v) => v.title)).toEqual(['Storm closes schools', 'Storm closes schools']);
    expect(after.every((v) => v.extractorVersion === EXTRACTOR_VERSION)).toBe(true);
    expect([after[1]!.wordsAdded, after[1]!.wordsRemoved, after[1]!.changeKind]).toEqual([3, 1, 'substantive']); // "most" -> "all but 300"
    expect((await store.getArticle(id))!.versionCount).toBe(2);

    const again = await reextractArticle(store, id);
    expect([again.versionsAfter, again.textsChanged]).toEqual([2, 0]);
  });

  it('never invents versions and keeps versions that have no stored response', async () => {
    const url = origin.addArticle('/storm2', [A, B]);
    const id = (await store.insertArticle(url, new Date().toISOString())).article.id;
    for (const live of [0, 1]) {
      origin.publish('/storm2', live);
      await checkArticle({ store, config }, id);
    }
    // A version whose raw response is gone (deleting a response unlinks its version).
    await store.deleteResponse((await store.getVersion(id, 1))!.responseId!);
    expect((await store.getVersion(id, 1))?.responseId).toBeNull();
    const r = await reextractArticle(store, id);
    expect([r.versionsBefore, r.versionsAfter, r.kept]).toEqual([2, 2, 1]);
    expect((await store.listVersions(id)).map((v) => v.text)).toEqual([A.paragraphs.join('\n\n'), B.paragraphs.join('\n\n')]);
  });
});
