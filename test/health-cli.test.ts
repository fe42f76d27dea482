/**
 * Extraction health from the command line, against a real database and a loopback site that redesigns itself:
 * `source health` lists the degraded source and its held captures, `doctor` warns about it, `reextract --source`
 * recovers the held captures after the rules are fixed and says the source recovered, `--clear` by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GlobalOptions } from '../src/cli/context.js';
import { diagnose, formatReport } from '../src/cli/doctor.js';
import { sourceHealthCommand } from '../src/cli/health-command.js';
import { reextractCommand } from '../src/cli/reextract.js';
import { loadConfig } from '../src/config/index.js';
import { createSource } from '../src/sources/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { FIXED_RULES, OLD_RULES, startRedesignOrigin, type RedesignOrigin } from './helpers/redesign-origin.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';
import { runCapturing } from './helpers/capture-output.js';

let origin: RedesignOrigin;
let target: TmpTarget;
let store: Store;
let g: GlobalOptions;
const T0 = new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  origin = await startRedesignOrigin();
  target = await tmpTarget();
  store = await openStore(target.target);
  g = { db: target.target, allowPrivate: true };
});
afterAll(async () => {
  await store.close();
  await origin.close();
  await target.cleanup();
});

const run = runCapturing;

describe('palimpsest source health, doctor and reextract --source', () => {
  it('show a degraded source, recover it with fixed rules, and clear one by hand', async () => {
    const config = loadConfig({ env: {}, flags: { db: target.target, allowPrivate: true } });
    const source = await createSource(store, { name: 'Pier Post', kind: 'feed', urls: [`${origin.base}/pier/feed.xml`], rules: OLD_RULES });
    const other = await createSource(store, { name: 'Quiet Times', kind: 'feed', urls: [`${origin.base}/quiet/feed.xml`] });
    const ids: number[] = [];
    const then = new Date(T0.getTime() - 3 * 86_400_000);
    for (let n = 1; n <= 7; n++) {
      const id = (await store.insertArticle(`${origin.base}/pier/${n}`, then.toISOString(), source.id)).article.id;
      expect((await checkArticle({ store, config, now: () => then }, id)).outcome).toBe('new_version');
      ids.push(id);
      origin.layouts.set(`/pier/${n}`, 'empty');
    }
    const outcomes: string[] = [];
    for (const [i, id] of ids.entries()) outcomes.push((await checkArticle({ store, config, now: () => new Date(T0.getTime() + i * 1000) }, id)).outcome);
    expect(outcomes).toEqual(['error', 'error', 'error', 'error', 'held_back', 'held_back', 'held_back']);

    const all = await run(() => sourceHealthCommand(g, undefined, {}));
    expect(all.code).toBe(0);
    expect(all.out).toBe(
      `${source.slug}\tDEGRADED since ${new Date(T0.getTime() + 4000).toISOString()}: 5 of 5 captures in the last 24 h had empty bodies (baseline 0 of 7)`
      + `\t3 captures held back (palimpsest reextract --source ${source.slug})\n${other.slug}\thealthy\n`,
    );
    const report = await diagnose(store, new Date());
    expect(report.degradedSources).toEqual([expect.objectContaining({ sourceSlug: source.slug, heldCaptures: 3 })]);
    expect(report.warnings).toContain(`source ${source.slug} is degraded (its extraction looks broken): fix its rules, then palimpsest reextract --source ${source.slug}`);
    expect(formatReport(report)).toMatch(new RegExp(`degraded +1\\n  - ${source.slug} since .*; 3 captures held back`));

    // Fix the rules, then re-extract the source: the three held captures become versions and the source recovers.
    await store.updateSource(source.id, { name: source.name, kind: source.kind, config: { ...(source.config as Record<string, unknown>), rules: FIXED_RULES } });
    const re = await run(() => reextractCommand(g, [], { source: source.slug }));
    expect(re.code).toBe(0);
    expect(re.out).toContain('re-extracted 7 articles: versions 7 -> 10 (0 merged, 3 recovered from held-back captures)');
    expect(re.out).toContain(`source ${source.slug} recovered: re-extraction recovered 3 held-back captures; none is left held\n`);
    for (const id of ids.slice(4)) expect((await store.getArticle(id))!.versionCount).toBe(2);

    const one = await run(() => sourceHealthCommand(g, source.slug, { json: true }));
    const parsed = JSON.parse(one.out) as { degraded: unknown; heldCaptures: number; events: Array<{ kind: string }> };
    expect(parsed.degraded).toBeNull();
    expect(parsed.heldCaptures).toBe(0);
    expect(parsed.events.map((e) => e.kind)).toEqual(['recovered', 'degraded']);

    // By hand.
    expect((await run(() => sourceHealthCommand(g, other.slug, { clear: true }))).out).toContain(`${other.slug}: was not degraded\n`);
    await store.setSourceDegraded(other.id, new Date().toISOString(), 'checked by hand');
    const cleared = await run(() => sourceHealthCommand(g, other.slug, { clear: true }));
    expect(cleared.out).toContain(`${other.slug}: marked recovered\n`);
    expect(cleared.out).toContain('recovered\tcleared by an operator');
    expect(await store.getSourceHealthState(other.id)).toBeNull();
  });

  it('refuses --clear without a slug and an unknown source', async () => {
    expect(await run(() => sourceHealthCommand(g, undefined, { clear: true }))).toMatchObject({ code: 2, err: 'palimpsest source health: --clear needs the source slug\n' });
    expect(await run(() => sourceHealthCommand(g, 'no-such', {}))).toMatchObject({ code: 2, err: 'palimpsest source health: no source no-such\n' });
    expect(await run(() => reextractCommand(g, [], { source: 'no-such' }))).toMatchObject({ code: 2, err: 'palimpsest reextract: no source no-such\n' });
  });
});
