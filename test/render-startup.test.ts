/**
 * Rendering asked for but no browser: `check`, `worker` and `serve` (real processes of the built CLI) refuse to start
 * with a message saying how to install Chromium; without rendering asked for they do not care where it is.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { createSource } from '../src/sources/index.js';
import { requireBuiltCli, runCli } from './helpers/processes.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';

const MISSING = '/nonexistent/palimpsest-test/chromium';
const env = { PALIMPSEST_CONFIG: '', PALIMPSEST_CHROMIUM: MISSING };

describe('start-up without the browser that rendering needs', () => {
  let t: TmpTarget;
  beforeAll(async () => {
    requireBuiltCli();
    t = await tmpTarget();
    const store = await openStore(t.target);
    try {
      await createSource(store, { name: 'Script News', slug: 'script-news', kind: 'feed', urls: ['https://news.example.org/feed.xml'], render: 'browser' });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => { await t?.cleanup(); });

  it.each([
    ['check', ['check']],
    ['worker', ['worker']],
    ['serve', ['serve', '--port', '0']],
  ])('%s fails at once, naming the source and saying how to install Chromium', async (_name, args) => {
    const r = await runCli(['--db', t.target, '--log-level', 'silent', ...args], env, { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('source script-news');
    expect(r.stderr).toContain(MISSING);
    expect(r.stderr).toMatch(/apt-get install chromium/);
    expect(r.stderr).toMatch(/render\.executablePath/);
  }, 70_000);

  it('render.default: browser (PALIMPSEST_RENDER) asks for it too', async () => {
    const empty = await tmpTarget();
    try {
      const r = await runCli(['--db', empty.target, '--log-level', 'silent', 'check'], { ...env, PALIMPSEST_RENDER: 'browser' }, { timeoutMs: 60_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/render\.default: browser.*apt-get install chromium/s);
      // Without rendering asked for, the missing browser does not matter.
      const plain = await runCli(['--db', empty.target, '--log-level', 'silent', 'check'], env, { timeoutMs: 60_000 });
      expect(plain.code).toBe(0);
    } finally {
      await empty.cleanup();
    }
  }, 130_000);
});
