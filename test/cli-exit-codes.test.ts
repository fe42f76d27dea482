/**
 * The real `palimpsest` CLI (built dist/) on the test's backend, against a loopback news origin (issue 13, point
 * 10): `check` exits 1 when any check of its batch failed, as the README promises ("1 failure (or partly failed
 * batch)"), and 0 only when all succeeded; `track` refuses URLs with a user name or password, without printing the
 * password, and stores nothing for them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { startNewsOrigin, type NewsOrigin } from './helpers/news-origin.js';
import { requireBuiltCli, runCli, type CliResult } from './helpers/processes.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';


let target: TmpTarget;
let origin: NewsOrigin;

async function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, { PALIMPSEST_CONFIG: '', PALIMPSEST_DB: target.target, PALIMPSEST_ALLOW_PRIVATE: '1', PALIMPSEST_LOG_LEVEL: 'silent' });
}

beforeAll(async () => {
  requireBuiltCli();
  target = await tmpTarget();
  origin = await startNewsOrigin();
});
afterAll(async () => {
  await origin?.close();
  await target?.cleanup();
});

describe('check exit codes', () => {
  let good: string;
  let bad: string;
  beforeAll(async () => {
    const ok = origin.addArticle('/2026/ok-story', [{ title: 'Council approves budget', byline: 'Ana Ruiz', paragraphs: ['The council approved the budget on Tuesday after a long debate.', 'Café owners welcomed it.'] }]);
    // Nothing is published at this path: every check of it fails with HTTP 404.
    const gone = `${origin.baseUrl}/2026/gone-story`;
    const t = await cli('track', ok, gone);
    expect(t.code).toBe(0);
    [good, bad] = t.stdout.trim().split('\n').map((l) => l.split('\t')[0]!) as [string, string];
  });

  it('exits 0 when every check succeeded', async () => {
    const r = await cli('check', good);
    expect(r.stdout).toMatch(/checked 1, new versions 1, unchanged 0, errors 0/);
    expect(r.code).toBe(0);
  });

  it('exits 1 when every check failed', async () => {
    const r = await cli('check', bad);
    expect(r.stdout).toMatch(/checked 1, new versions 0, unchanged 0, errors 1/);
    expect(r.code).toBe(1);
  });

  it('exits 1 when some checks of the batch failed', async () => {
    const r = await cli('check', '--all');
    expect(r.stdout).toMatch(/checked 2, new versions 0, unchanged 1, errors 1/);
    expect(r.code).toBe(1);
  });
});

describe('track', () => {
  it('refuses URLs with a user name or password, without printing the password, and tracks the others', async () => {
    const r = await cli('track', 'https://editor:hunter2@news.example/a', 'https://news.example/ok', 'https://editor@news.example/b');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('palimpsest track: URLs with a user name or password are not accepted (they would be shown on public pages)');
    expect(r.stderr.match(/user name or password/g)).toHaveLength(2);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
    expect(r.stdout).toMatch(/^\d+\thttps:\/\/news\.example\/ok\n$/);
    const store = await openStore(target.target);
    try {
      const urls = (await store.listAllArticles()).map((a) => a.url);
      expect(urls).toContain('https://news.example/ok');
      expect(urls.filter((u) => u.includes('@'))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
