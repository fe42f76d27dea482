/** The `source` CLI commands, run as functions against a temporary database and a loopback origin. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import {
  sourceAddCommand, sourceListCommand, sourcePollCommand, sourceRemoveCommand, sourceSyncCommand,
} from '../src/cli/source-commands.js';
import type { GlobalOptions } from '../src/cli/context.js';
import { startFeedOrigin, type FeedOrigin } from './helpers/feed-origin.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';

let origin: FeedOrigin;
let dir: string;
let target: TmpTarget;
let g: GlobalOptions;

beforeAll(async () => {
  origin = await startFeedOrigin();
  origin.routes.set('/robots.txt', { body: 'User-agent: *\nAllow: /\n', contentType: 'text/plain' });
  origin.routes.set('/feed.json', {
    contentType: 'application/feed+json',
    body: JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [
      { id: '1', url: 'https://j.example/a?utm_source=json', title: 'A' }, { id: '2', url: 'https://j.example/b', title: 'B' },
    ] }),
  });
  target = await tmpTarget();
  dir = target.dir;
  g = { db: target.target, allowPrivate: true };
});
afterAll(async () => {
  await origin.close();
  await target.cleanup();
});

/** Runs a command, capturing what it writes to stdout and stderr. */
async function run(fn: () => number | Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    const code = await fn();
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
}

describe('palimpsest source', () => {
  it('add, poll, list, remove', async () => {
    const added = await run(() => sourceAddCommand(g, 'J Feed', { feed: [origin.url('/feed.json')], exclude: ['/b'], interval: '900' }));
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toMatch(/^added j-feed \(feed, 1 URL\)/);

    const polled = await run(() => sourcePollCommand(g, ['j-feed']));
    expect(polled.code).toBe(0);
    expect(polled.out).toBe('j-feed\tdiscovered 2, new 1, duplicates 0, excluded 1, not modified 0, errors 0\n');

    const listed = await run(() => sourceListCommand(g));
    expect(listed.out).toContain('j-feed\tJ Feed\tfeed\n');
    expect(listed.out).toContain(`  url: ${origin.url('/feed.json')}\n`);
    expect(listed.out).toMatch(/articles: 1 \(1 new in 7 days\)\tlast poll: \d{4}-/);
    const json = JSON.parse((await run(() => sourceListCommand(g, { json: true }))).out) as Array<{ slug: string; articleCount: number }>;
    expect(json[0]).toMatchObject({ slug: 'j-feed', articleCount: 1 });

    const removed = await run(() => sourceRemoveCommand(g, 'j-feed'));
    expect(removed.out).toBe('removed j-feed; its 1 article stays tracked\n');
    expect((await run(() => sourceRemoveCommand(g, 'j-feed'))).code).toBe(2);
  });

  it('rejects bad flags with a message and exit code 2', async () => {
    const both = await run(() => sourceAddCommand(g, 'X', { feed: ['https://x.example/rss'], sitemap: ['https://x.example/s.xml'] }));
    expect(both).toMatchObject({ code: 2, out: '' });
    expect(both.err).toContain('exactly one of --feed, --sitemap or --page');
    const bad = await run(() => sourceAddCommand(g, 'X', { page: ['not a url'] }));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('urls[0]: must be an absolute http(s) URL');
    expect(bad.err).toContain('links: a page source needs links');
    expect((await run(() => sourceAddCommand(g, 'X', { feed: ['https://x.example/rss'], interval: 'often' }))).err).toContain('--interval must be a whole number');
    expect((await run(() => sourcePollCommand(g, ['nope']))).err).toContain('no source "nope"');
  });

  it('sync reads a sources file and reports errors with their place', async () => {
    const file = path.join(dir, 'sources.yaml');
    fs.writeFileSync(file, `- name: Front\n  kind: page\n  urls: ["${origin.url('/')}"]\n  links: "/news/**"\n`);
    const ok = await run(() => sourceSyncCommand(g, file));
    expect(ok.out).toBe('created 1, updated 0, unchanged 0\n  created front\n');
    fs.writeFileSync(file, '- name: Front\n  kind: page\n  urls: []\n');
    const bad = await run(() => sourceSyncCommand(g, file));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${file} has 2 problems`);
    expect(bad.err).toContain('source 1 ("Front"): urls: give at least one URL');
  });
});
