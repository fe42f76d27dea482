/**
 * Search results say in which version the found passage first appeared and, when the latest version no longer has
 * it, in which version it was removed, with links to those diffs (worked out from the stored texts of the hits).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { placePassage } from '../src/web/search-history.js';
import { listingFixture, type ListingSeeded } from './helpers/listing-seed.js';

let cleanup: () => Promise<void>;
let ids: ListingSeeded;
let app: express.Express;

beforeAll(async () => ({ ids, app, cleanup } = await listingFixture()));
afterAll(() => cleanup());

/** The passage-history line of the result of one article. */
async function historyOf(q: string, articleId: number): Promise<string> {
  const html = (await request(app).get(`/search?q=${encodeURIComponent(q)}`).expect(200)).text;
  const start = html.indexOf(`<a class="title" href="/articles/${articleId}">`);
  if (start < 0) return '';
  const li = html.slice(start, html.indexOf('</li>', start));
  return li.slice(li.indexOf('<p class="passage-history">'), li.indexOf('</p>', li.indexOf('<p class="passage-history">')));
}

describe('search results with the history of the passage', () => {
  it('says where a removed passage appeared and where it was removed, with the diffs', async () => {
    const h = await historyOf('Monday', ids.budget);
    expect(h).toContain('<q>Monday</q> first appeared in');
    expect(h).toContain(`<a href="/articles/${ids.budget}/versions/1">version 1</a>`);
    expect(h).toContain(`removed in <a href="/articles/${ids.budget}/diff/1/2">version 2</a>`);
  });

  it('says where a passage still present appeared', async () => {
    const wed = await historyOf('Wednesday', ids.budget);
    expect(wed).toContain(`first appeared in <a href="/articles/${ids.budget}/diff/3/4">version 4</a> and is still in the latest version`);
    const phrase = await historyOf('"flood defences"', ids.budget);
    expect(phrase).toContain('<q>flood defences</q>');
    expect(phrase).toContain(`<a href="/articles/${ids.budget}/diff/2/3">version 3</a>`);
    const storm = await historyOf('storm', ids.bridge);
    expect(storm).toContain(`<a href="/articles/${ids.bridge}/diff/1/2">version 2</a> and is still in the latest version`);
  });

  it('places a passage that comes back after a removal at its first appearance and last removal', () => {
    const v = (number: number, text: string): { number: number; title: string; text: string } => ({ number, title: 't', text });
    expect(placePassage('red', [v(1, 'a red car'), v(2, 'a car'), v(3, 'a red car'), v(4, 'a blue car')])).toEqual({ first: 1, removed: 4 });
    expect(placePassage('Red', [v(1, 'a car'), v(2, 'A  RED car')])).toEqual({ first: 2, removed: null });
    expect(placePassage('green', [v(1, 'a car')])).toBeNull();
  });
});
