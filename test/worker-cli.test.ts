/**
 * `palimpsest worker` as a real process: it checks what is due and serves /healthz and /metrics; it refuses an
 * unreachable database, wrong credentials and a database migrated by a newer Palimpsest with a message saying what
 * is wrong (never the password); SIGTERM stops it cleanly.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { startNewsOrigin, type NewsOrigin } from './helpers/news-origin.js';
import { requireBuiltCli, runCli, type CliResult, startCli, stopProcess } from './helpers/processes.js';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';


async function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, { PALIMPSEST_CONFIG: '', ...env }, { timeoutMs: 30_000 });
}

let origin: NewsOrigin;
let t: TmpTarget;
beforeAll(async () => {
  requireBuiltCli();
  origin = await startNewsOrigin();
  t = await tmpTarget();
});
afterAll(async () => {
  await origin.close();
  await t.cleanup();
});

describe(`palimpsest worker (${testBackend()})`, () => {
  it('checks the due articles, serves /healthz and /metrics, and stops on SIGTERM', async () => {
    const url = origin.addArticle('/2026/12/05/worker.html', [{
      title: 'Workers share the load', byline: 'A. Reporter',
      paragraphs: ['The first paragraph of a story checked by a worker process rather than by serve.',
        'A second paragraph, so that the page has an article body worth extracting and keeping.'],
    }]);
    const env = { PALIMPSEST_DB: t.target, PALIMPSEST_LOG_LEVEL: 'silent' };
    expect((await cli(['track', url], env)).code).toBe(0);
    const { proc, match } = await startCli(['worker', '--port', '0', '--allow-private'], env, /metrics and health on (http:\/\/\S+)\//);
    try {
      const base = match[1] ?? '';
      const store = await openStore(t.target);
      try {
        const until = Date.now() + 30_000;
        let versions = 0;
        while (versions === 0 && Date.now() < until) {
          versions = (await store.getArticleByUrl(url))?.versionCount ?? 0;
          if (versions === 0) await new Promise((r) => setTimeout(r, 100));
        }
        expect(versions).toBe(1);
      } finally {
        await store.close();
      }
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      const body = await health.json() as { status: string; role: string; checked: number; backend: string };
      expect(body).toMatchObject({ status: 'ok', role: 'worker', backend: testBackend() });
      expect(body.checked).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/palimpsest_\w+/);
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      expect(await stopProcess(proc)).toBe(0);
    }
  }, 60_000);

  it('refuses a database migrated by a newer Palimpsest, naming both versions', async () => {
    const newer = await tmpTarget();
    try {
      (await openStore(newer.target)).close().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      if (testBackend() === 'sqlite') {
        const db = new Database(newer.target);
        db.pragma('user_version = 999');
        db.close();
      } else {
        const c = new pg.Client({ connectionString: newer.target });
        await c.connect();
        await c.query("INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')");
        await c.end();
      }
      const r = await cli(['worker'], { PALIMPSEST_DB: newer.target });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/schema version 999, newer than this Palimpsest \(\d+\); upgrade Palimpsest/);
    } finally {
      await newer.cleanup();
    }
  }, 60_000);
});

const pgBase = process.env.PALIMPSEST_TEST_PG;
const describePg = pgBase && testBackend() === 'sqlite' ? describe : describe.skip;
describePg('palimpsest worker on a PostgreSQL it cannot use', () => {
  it('an unreachable server: exit 1, the host named, no password', async () => {
    const r = await cli(['worker'], { PALIMPSEST_DB: 'postgres://palimpsest:s3cret-pw@127.0.0.1:1/palimpsest' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(r.stderr).not.toContain('s3cret-pw');
  }, 30_000);

  it('wrong credentials: exit 1 with what to fix, no password', async () => {
    const u = new URL(pgBase ?? '');
    u.password = 'wrong-s3cret';
    const r = await cli(['worker'], { PALIMPSEST_DB: u.toString() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/password|authentication/i);
    expect(r.stderr).not.toContain('wrong-s3cret');
  }, 30_000);
});
