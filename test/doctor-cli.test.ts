/**
 * `palimpsest doctor` as a user runs it (the built CLI, on the test's backend): a readable report and --json of a
 * healthy database (integrity, search index, counts, the oldest due article, hosts deferred), exit code 1 with the
 * problems named for a database whose data breaks an invariant, and, on SQLite, for a file with a damaged page.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore, type Store } from '../src/store/index.js';
import { corruptTableRoot } from './helpers/corrupt.js';
import { CLI, requireBuiltCli } from './helpers/processes.js';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';
import { seed } from './helpers/web-seed.js';

const exec = promisify(execFile);

async function doctor(db: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, '--db', db, 'doctor', ...args], { env: { ...process.env, PALIMPSEST_CONFIG: '' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface Report {
  ok: boolean;
  database: { backend: string; schemaVersion: number };
  integrity: { ok: boolean; problems: string[] };
  searchIndex: { ok: boolean; problem: string | null };
  counts: { articles: Record<string, number>; versions: number; sources: number };
  due: { count: number; oldest: { id: number; url: string; nextCheck: string; overdueS: number } | null };
  deferredHosts: Array<{ host: string; until: string; reason: string; remainingS: number }>;
  problems: string[];
  warnings: string[];
}

let targets: TmpTarget[] = [];

beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const t of targets) await t.cleanup();
  targets = [];
});

/** A database seeded through the store; `more` runs on the open store before it is closed. */
async function seeded(more: (store: Store, ids: Awaited<ReturnType<typeof seed>>) => Promise<void> = async () => undefined): Promise<TmpTarget> {
  const t = await tmpTarget();
  targets.push(t);
  const store = await openStore(t.target);
  try {
    const ids = await seed(store);
    await store.insertSource({ slug: 'wire', name: 'The Wire', kind: 'manual', config: {} }, new Date().toISOString());
    // One article due two hours ago; the other active ones later on.
    const now = Date.now();
    await store.setNextCheck(ids.story, new Date(now + 86_400_000).toISOString());
    await store.setNextCheck(ids.xss, new Date(now + 86_400_000).toISOString());
    await store.setNextCheck(ids.plain, new Date(now - 7_200_000).toISOString());
    await more(store, ids);
  } finally {
    await store.close();
  }
  return t;
}

describe('palimpsest doctor', () => {
  it('reports a healthy database: integrity, search index, counts, the oldest due article, hosts deferred; exit 0', async () => {
    let plain = 0;
    const t = await seeded(async (store, ids) => {
      plain = ids.plain;
      await store.deferHost('slow.example', new Date(Date.now() + 3_600_000).toISOString(), 'Retry-After');
    });
    const text = await doctor(t.target);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Palimpsest doctor: .+ \\(${testBackend()}, schema version \\d+\\)\\n`));
    expect(text.stdout).toMatch(/^integrity {7}ok$/m);
    expect(text.stdout).toMatch(/^search index {4}ok$/m);
    expect(text.stdout).toMatch(/^articles {8}5 \(active 3, paused 1, stopped 1\)$/m);
    expect(text.stdout).toMatch(/^versions {8}7$/m);
    expect(text.stdout).toMatch(/^sources {9}1$/m);
    expect(text.stdout).toMatch(new RegExp(`^due now {9}1; the oldest is article ${plain}, due since \\S+ \\(overdue by 2 h( \\d+ min)?\\): https://other\\.example/news/1$`, 'm'));
    expect(text.stdout).toMatch(/^hosts deferred {2}1\n {2}- slow\.example until \S+ \((59 min \d+ s|1 h)[^)]*\): Retry-After$/m);
    expect(text.stdout).toMatch(/^warning: article \d+ has been due for 2 h/m);
    expect(text.stdout).toMatch(/No problems found\.\n$/);

    const json = await doctor(t.target, '--json');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as Report;
    expect(r).toMatchObject({
      ok: true, database: { backend: testBackend() }, integrity: { ok: true, problems: [] }, searchIndex: { ok: true, problem: null },
      counts: { articles: { active: 3, paused: 1, stopped: 1, total: 5 }, versions: 7, sources: 1 },
      due: { count: 1, oldest: { id: plain, url: 'https://other.example/news/1' } }, problems: [],
    });
    expect(r.due.oldest!.overdueS).toBeGreaterThanOrEqual(7200);
    expect(r.deferredHosts).toEqual([{ host: 'slow.example', until: expect.any(String), reason: 'Retry-After', remainingS: expect.any(Number) }]);
    expect(r.deferredHosts[0]!.remainingS).toBeGreaterThan(3500);
    expect(r.warnings).toHaveLength(1);
  });

  it('finds data that breaks an invariant (a gap in the version numbers) and exits 1, naming the article', async () => {
    let story = 0;
    const t = await seeded(async (store, ids) => {
      story = ids.story;
      // Version 5 of an article that has 3: what a bad import or a hand edit could leave.
      await store.insertVersionRow({
        article_id: ids.story, number: 5, title: 'Skipped ahead', byline: null, published_at: null, text: 'A version after a gap.',
        content_hash: 'gap', captured_at: new Date().toISOString(), response_id: null, extractor_version: 'test', words_added: 0, words_removed: 0,
        stats: null, metadata: '{}', change_kind: 'substantive', minor_reason: null,
      });
    });
    const text = await doctor(t.target);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^integrity {7}2 problems$/m);
    expect(text.stdout).toContain(`  - versions not numbered 1..n: article ${story}`);
    expect(text.stdout).toContain(`  - version_count differs from the versions stored: article ${story}`);
    expect(text.stdout).toMatch(/2 problems found:\n/);
    const r = JSON.parse((await doctor(t.target, '--json')).stdout) as Report;
    expect(r.ok).toBe(false);
    expect(r.integrity.ok).toBe(false);
    expect(r.problems).toEqual([`versions not numbered 1..n: article ${story}`, `version_count differs from the versions stored: article ${story}`]);
  });

  (testBackend() === 'sqlite' ? it : it.skip)('finds a damaged page (SQLite: a table page overwritten in a copy of the file), exits 1, and leaves the file as it was', async () => {
    const t = await seeded();
    const damaged = path.join(t.dir, 'damaged.db');
    corruptTableRoot(t.target, damaged, 'versions');
    const before = fs.readFileSync(damaged);
    const text = await doctor(damaged);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^integrity {7}\d+ problems?$/m);
    expect(text.stdout).toMatch(/ - integrity: /);
    expect(text.stdout).toMatch(/\d+ problems? found:\n/);
    const r = JSON.parse((await doctor(damaged, '--json')).stdout) as Report;
    expect(r.ok).toBe(false);
    expect(r.integrity.problems.some((p) => p.startsWith('integrity: '))).toBe(true);
    expect(fs.readFileSync(damaged).equals(before)).toBe(true);
  });

  (testBackend() === 'sqlite' ? it : it.skip)('refuses a database file that does not exist, without creating it', async () => {
    const t = await tmpTarget();
    targets.push(t);
    const missing = path.join(t.dir, 'nope', 'missing.db');
    const r = await doctor(missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`palimpsest doctor: no database at ${missing} (give --db or PALIMPSEST_DB)\n`);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });
});

if (testBackend() !== 'sqlite') console.log('doctor-cli: the damaged-file and missing-file tests run on SQLite only');
