/** The real `palimpsest` command line (the built dist/), run as a user would, on the test's backend. */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';

const exec = promisify(execFile);
const CLI = path.resolve('dist/src/cli/main.js');
let target: TmpTarget;
let dir: string;
let db: string;

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, PALIMPSEST_CONFIG: '', PALIMPSEST_DB: db, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`cli test: ${CLI} is missing; run "npm run build" first (npm test does)`);
  target = await tmpTarget();
  dir = target.dir;
  // SQLite: a file in a folder that does not exist yet (migrate creates both).
  db = testBackend() === 'sqlite' ? path.join(dir, 'nested', 'db.sqlite') : target.target;
});
afterAll(async () => target?.cleanup());

describe('palimpsest CLI', () => {
  it('migrate creates the database and reports the schema version', async () => {
    const r = await cli(['migrate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applied migrations [\d, ]+; schema version \d+/);
    // SQLite only: the database is a file, created with its folder.
    if (testBackend() === 'sqlite') expect(fs.existsSync(db)).toBe(true);
    expect((await cli(['migrate'])).stdout).toMatch(/up to date/);
  });

  it('track prints ids, refuses bad URLs with a clear message', async () => {
    const ok = await cli(['track', 'https://news.example/a#frag', 'https://news.example/b']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^1\thttps:\/\/news\.example\/a\n2\thttps:\/\/news\.example\/b\n$/);
    const again = await cli(['track', 'https://news.example/a']);
    expect(again.stdout).toContain('(already tracked)');
    const bad = await cli(['track', 'ftp://x/y', 'not a url']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('only http and https URLs can be tracked: ftp://x/y');
    expect(bad.stderr).toContain('not a valid URL: not a url');
  });

  it('check refuses a loopback article without --allow-private and records why', async () => {
    const t = await cli(['track', 'http://127.0.0.1:9/article']);
    const id = t.stdout.split('\t')[0]!;
    const r = await cli(['check', id]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[private_address]');
    expect(r.stdout).toMatch(/checked 1, new versions 0, unchanged 0, errors 1/);
    const unknown = await cli(['check', '999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no tracked article 999');
  });

  it('extract prints JSON for a file and for stdin', async () => {
    const file = path.join(dir, 'page.html');
    const paragraphs = ['The council voted on Tuesday to close the old bridge for repairs that will last at least a year.', 'Residents said the detour would add twenty minutes to their commute each way.'];
    fs.writeFileSync(file, `<html><head><title>Bridge to close - Daily</title><meta property="og:title" content="Bridge to close"></head><body><nav><a href="/">Home</a></nav><article><h1>Bridge to close</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`);
    const r = await cli(['extract', file, '--url', 'https://daily.example/bridge']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { title: string; paragraphs: string[]; text: string };
    expect(out.title).toBe('Bridge to close');
    expect(out.paragraphs).toEqual(paragraphs);
    expect(out.text).toBe(paragraphs.join('\n\n'));
    const child = spawn(process.execPath, [CLI, 'extract', '-'], { env: process.env });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stdin.end(fs.readFileSync(file));
    await new Promise((r2) => child.on('close', r2));
    expect((JSON.parse(stdout) as { title: string }).title).toBe('Bridge to close');
    const missing = await cli(['extract', path.join(dir, 'nope.html')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.html/);
  });

  it('extract --jsonl prints one object per file, with errors for unreadable files', async () => {
    const one = path.join(dir, 'one.html');
    const two = path.join(dir, 'two.html');
    const body = 'A paragraph long enough to be the article body of this small page, with a few more words in it.';
    fs.writeFileSync(one, `<html><head><title>One</title></head><body><article><h1>One</h1><p>${body}</p></article></body></html>`);
    fs.writeFileSync(two, `<html><head><title>Two</title></head><body><article><h1>Two</h1><p>${body}</p></article></body></html>`);
    const r = await cli(['extract', '--jsonl', one, two, path.join(dir, 'missing.html')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; title?: string; error?: string });
    expect(lines.map((l) => [l.file, l.title ?? null])).toEqual([[one, 'One'], [two, 'Two'], [path.join(dir, 'missing.html'), null]]);
    expect(lines[2]!.error).toMatch(/^extract: .*missing\.html/);
    expect(r.stderr).toContain('1 of 3 files could not be read');
    expect((await cli(['extract', one, two])).stderr).toContain('several files need --jsonl');
  });

  it('reextract needs ids or --all', async () => {
    const r = await cli(['reextract']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('name article ids or use --all');
    const all = await cli(['reextract', '--all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/re-extracted \d+ articles: versions 0 -> 0/);
  });

  it('diff prints text and JSON', async () => {
    const a = path.join(dir, 'a.txt');
    const b = path.join(dir, 'b.txt');
    fs.writeFileSync(a, 'The minister resigned on Monday.\n\nMore to follow.');
    fs.writeFileSync(b, 'The minister resigned on Tuesday.\n\nMore to follow.');
    const text = await cli(['diff', a, b, '--no-color']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Monday');
    expect(text.stdout).toContain('Tuesday');
    const json = await cli(['diff', a, b, '--format', 'json']);
    const d = JSON.parse(json.stdout) as { stats: { wordsAdded: number; wordsRemoved: number } };
    expect([d.stats.wordsAdded, d.stats.wordsRemoved]).toEqual([1, 1]);
    const bad = await cli(['diff', a, b, '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be json or text');
  });

  it('bad configuration fails at start-up with a message saying what to fix', async () => {
    const r = await cli(['migrate'], { PALIMPSEST_PORT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PALIMPSEST_PORT=abc is not a number');
  });

  it('refuses a database setting that is neither a file path nor a PostgreSQL URL, without printing its password', async () => {
    const r = await cli(['--db', 'mysql://news:s3cret@db.example/palimpsest', 'migrate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('db: mysql://news:***@db.example/palimpsest: mysql:// databases are not supported');
    expect(r.stderr).toContain('postgres://user:password@host:5432/database');
    expect(r.stderr).not.toContain('s3cret');
  });

  it.each([
    ['palimpsest serve', [CLI, 'serve']],
    ['npm start (scripts/start.mjs)', [path.resolve('scripts/start.mjs')]],
  ])('%s answers / and /healthz, and stops on SIGTERM', async (_name, entry) => {
    const child = spawn(process.execPath, [...entry, '--port', '0', '--no-scheduler', '--log-level', 'silent'], {
      env: { ...process.env, PALIMPSEST_CONFIG: '', PALIMPSEST_DB: db },
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/[^/\s]+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    // Where the data is, never with a PostgreSQL password.
    const password = testBackend() === 'postgres' ? new URL(db).password : '';
    expect(out).toMatch(/\(database \S+; scheduler off\)/);
    if (password) expect(out).not.toContain(`:${password}@`);
    else if (testBackend() === 'sqlite') expect(out).toContain(`(database ${db}; scheduler off)`);
    const get = (p: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get(new URL(p, url), (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const home = await get('/');
      expect(home.status).toBe(200);
      expect(home.body).toContain('Latest changes');
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      child.kill('SIGTERM'); // also when an assertion failed, so no server outlives the test
    }
    expect(await exited).toBe(0);
  });
});
