/**
 * Extraction health end to end, on both backends: a real loopback origin serves a source's articles, then
 * "redesigns" its site. The source is marked degraded once enough articles break, suspect captures are held back
 * (raw response kept, no version, check log says held_back), /sources, /api/sources and /metrics show it, and after
 * the site rules are fixed `reextract` turns the held captures into versions and the source recovers. One odd
 * article never degrades a source; a site that comes back heals it by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loadConfig, type Config } from '../src/config/index.js';
import { createMetrics } from '../src/metrics/index.js';
import { createSource } from '../src/sources/index.js';
import type { Source, Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { reextractArticle } from '../src/tracker/reextract.js';
import { settleAfterReextract } from '../src/health/recover.js';
import { createApp } from '../src/web/app.js';
import { tmpStore } from './helpers/tmp.js';
import { FIXED_RULES, OLD_RULES, startRedesignOrigin, type Layout, type RedesignOrigin } from './helpers/redesign-origin.js';

let origin: RedesignOrigin;
let base: string;
let store: Store;
let cleanup: () => Promise<void>;

const config: Config = loadConfig({ env: {}, flags: { allowPrivate: true, logLevel: 'silent' } });
const DAY = 86_400_000;
/** The redesign happens at T0; the old design's captures are three days older (the baseline). */
const T0 = new Date('2026-03-10T12:00:00.000Z');

beforeAll(async () => {
  origin = await startRedesignOrigin();
  base = origin.base;
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await origin.close();
  await cleanup();
});

/** Sets the layout of each article's page. */
async function redesign(ids: number[], layout: Layout): Promise<void> {
  for (const id of ids) origin.layouts.set(new URL((await store.getArticle(id))!.url).pathname, layout);
}

/** A source with `count` articles under /<site>/<n>, each captured once in the old design at T0 - 3 days. */
async function siteWithArticles(site: string, count: number): Promise<{ source: Source; ids: number[] }> {
  const source = await createSource(store, { name: `${site} Gazette`, kind: 'feed', urls: [`${base}/${site}/feed.xml`], rules: OLD_RULES });
  const ids: number[] = [];
  const then = new Date(T0.getTime() - 3 * DAY);
  for (let n = 1; n <= count; n++) {
    const id = (await store.insertArticle(`${base}/${site}/${n}`, then.toISOString(), source.id)).article.id;
    expect((await checkArticle({ store, config, now: () => then }, id)).outcome).toBe('new_version');
    ids.push(id);
  }
  return { source, ids };
}

/** Checks an article at `at` and gives the outcome. */
async function check(id: number, at: Date, metrics?: ReturnType<typeof createMetrics>): Promise<string> {
  return (await checkArticle({ store, config, now: () => at, ...(metrics ? { metrics } : {}) }, id)).outcome;
}

describe('a source whose redesign empties every page', () => {
  it('is degraded after the threshold, holds captures back, shows it everywhere, and recovers by reextract', async () => {
    const { source, ids } = await siteWithArticles('harbour', 8);
    const metrics = createMetrics({ store });
    await redesign(ids, 'empty');

    // Four broken articles: fewer than health.minArticles (5), so failed checks as before, no degradation.
    for (const [i, id] of ids.slice(0, 4).entries()) expect(await check(id, new Date(T0.getTime() + i * 60_000), metrics)).toBe('error');
    expect(await store.getSourceHealthState(source.id)).toBeNull();
    // The fifth tips it: degraded, and that capture is already held back.
    const tip = new Date(T0.getTime() + 4 * 60_000);
    expect(await check(ids[4]!, tip, metrics)).toBe('held_back');
    const state = await store.getSourceHealthState(source.id);
    expect(state).toEqual({
      sourceId: source.id, sourceSlug: source.slug, since: tip.toISOString(),
      reason: '5 of 5 captures in the last 24 h had empty bodies (baseline 0 of 8)',
    });
    for (const id of ids.slice(5)) expect(await check(id, new Date(tip.getTime() + 60_000), metrics)).toBe('held_back');

    // No version from a suspect capture; its raw response is kept; the check log says why.
    for (const id of ids) expect((await store.getArticle(id))!.versionCount).toBe(1);
    for (const id of ids.slice(4)) {
      const held = await store.listHeldCaptures(id);
      expect(held).toHaveLength(1);
      const r = (await store.getResponse(held[0]!.responseId))!;
      expect(r.body.toString('utf8')).toContain('class="newsticker story-body"');
      const [last] = await store.listChecks(id, 1);
      expect(last!.outcome).toBe('held_back');
      expect(last!.error).toMatch(/^held back: an empty body; the source is degraded since /);
    }
    // The same broken page again is not stored twice: its body is remembered, so the check is "unchanged".
    expect(await check(ids[5]!, new Date(tip.getTime() + 120_000))).toBe('unchanged');
    expect(await store.listHeldCaptures(ids[5]!)).toHaveLength(1);

    const events = await store.listSourceHealthEventsAfter(0, 100);
    const mine = events.filter((e) => e.sourceId === source.id);
    expect(mine.map((e) => [e.kind, e.at, e.reason])).toEqual([['degraded', tip.toISOString(), state!.reason]]);

    // /metrics: the degraded gauge, the held captures, the held_back check counter.
    const text = await metrics.text();
    expect(text).toContain(`palimpsest_source_degraded{source="${source.slug}"} 1`);
    expect(text).toContain(`palimpsest_source_held_captures{source="${source.slug}"} 4`);
    expect(text).toContain('palimpsest_fetches_total{outcome="held_back"} 4');

    // /sources, the source page and the API say so in words.
    const app = createApp({ store, config, now: () => new Date(tip.getTime() + 3_600_000) });
    const list = (await request(app).get('/sources').expect(200)).text;
    expect(list).toContain('Degraded</strong> since');
    expect(list).toContain('5 of 5 captures in the last 24 h had empty bodies (baseline 0 of 8)');
    expect(list).toContain('(4 held so far)');
    const one = (await request(app).get(`/sources/${source.slug}`).expect(200)).text;
    expect(one).toContain('Degraded</strong> since');
    expect(one).toContain('marked degraded (5 of 5 captures');
    const api = (await request(app).get(`/api/sources/${source.slug}`).expect(200)).body as { source: { health: unknown } };
    expect(api.source.health).toEqual({ degraded: true, degraded_since: tip.toISOString(), degraded_reason: state!.reason, held_captures: 4 });

    // The operator fixes the site rules; reextract turns the held captures into versions and the source recovers.
    await store.updateSource(source.id, {
      name: source.name, kind: source.kind,
      config: { ...(source.config as Record<string, unknown>), rules: FIXED_RULES },
    });
    let dealt = 0;
    for (const id of ids) {
      const r = await reextractArticle(store, id, { config });
      dealt += (r.held?.recovered ?? 0) + (r.held?.released ?? 0);
      expect(r.versionsAfter).toBe(1); // the old design's versions are untouched by the new rule
    }
    expect(dealt).toBe(4);
    for (const id of ids.slice(4)) {
      const a = (await store.getArticle(id))!;
      expect(a.versionCount).toBe(2);
      const v = (await store.getLatestVersion(id))!;
      expect(v.text).toContain('Update: the opening date for quay');
      expect(v.capturedAt < new Date(tip.getTime() + 120_000).toISOString()).toBe(true); // dated when it was fetched
      expect(v.responseId).not.toBeNull();
      expect(await store.listHeldCaptures(id)).toEqual([]);
    }
    const recovered = await settleAfterReextract(store, source.id, dealt);
    expect(recovered).toMatchObject({ kind: 'recovered', sourceSlug: source.slug, reason: 're-extraction recovered 4 held-back captures; none is left held' });
    expect(await store.getSourceHealthState(source.id)).toBeNull();
    expect(await metrics.text()).toContain(`palimpsest_source_degraded{source="${source.slug}"} 0`);
    const after = (await request(app).get('/sources').expect(200)).text;
    expect(after).not.toContain('Degraded</strong>');
  });
});

describe('one odd article', () => {
  it('does not degrade its source', async () => {
    const { source, ids } = await siteWithArticles('valley', 6);
    await redesign([ids[0]!], 'empty');
    // The odd one fails again and again; the others are fine.
    for (let k = 0; k < 6; k++) expect(await check(ids[0]!, new Date(T0.getTime() + k * 3_600_000))).toBe('error');
    expect(await store.getSourceHealthState(source.id)).toBeNull();
    expect((await store.countCaptureHealth(source.id, T0.toISOString(), '9999')).empty).toBe(6);
  });
});

describe('a redesign that makes the extractor read other text', () => {
  it('is degraded on near-total rewrites, holds them back, and heals once the site comes back', async () => {
    const { source, ids } = await siteWithArticles('coast', 7);
    await redesign(ids, 'rewrite');
    // The generic extractor reads the live rail: every paragraph differs from the story. The first four of those
    // become versions (not enough articles yet); the fifth tips the source.
    const outcomes: string[] = [];
    for (const [i, id] of ids.entries()) outcomes.push(await check(id, new Date(T0.getTime() + i * 60_000)));
    expect(outcomes).toEqual(['new_version', 'new_version', 'new_version', 'new_version', 'held_back', 'held_back', 'held_back']);
    const state = (await store.getSourceHealthState(source.id))!;
    expect(state.reason).toBe('5 of 5 captures in the last 24 h changed almost every paragraph at once (baseline 0 of 7)');
    for (const id of ids.slice(4)) expect((await store.getArticle(id))!.versionCount).toBe(1);

    // The site reverts to its old design: healthy captures again; after health.recoverAfter (5) the source recovers.
    await redesign(ids, 'good');
    const later = T0.getTime() + 3_600_000;
    for (const [i, id] of ids.slice(0, 4).entries()) await check(id, new Date(later + i * 60_000));
    expect(await store.getSourceHealthState(source.id)).not.toBeNull();
    await check(ids[4]!, new Date(later + 5 * 60_000));
    expect(await store.getSourceHealthState(source.id)).toBeNull();
    const [last] = (await store.listSourceHealthEvents(source.id, 1));
    expect(last).toMatchObject({ kind: 'recovered', reason: 'the last 5 captures were healthy again' });
  });
});
