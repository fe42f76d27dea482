/**
 * `palimpsest notify` as real processes on the test's backend: add (the secret printed once), list (masked),
 * run (three processes racing send each delivery once), log (every attempt), test, remove, and refusals.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { openStore, type Store } from '../src/store/index.js';
import { addVersion, startReceiver, type Receiver } from './helpers/notify-receiver.js';
import { requireBuiltCli, runCli } from './helpers/processes.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';

const T = '2026-12-01T10:00:00.000Z';
let t: TmpTarget;
let store: Store;
let receiver: Receiver;
let secret = '';
let articleId = 0;

const cli = (...args: string[]): ReturnType<typeof runCli> =>
  runCli(['--db', t.target, '--allow-private', '--log-level', 'silent', ...args], { PALIMPSEST_CONFIG: '' }, { timeoutMs: 60_000 });

beforeAll(async () => {
  requireBuiltCli();
  t = await tmpTarget();
  store = await openStore(t.target);
  articleId = (await store.insertArticle('https://news.example/story', T)).article.id;
  await addVersion(store, articleId, 'Storm warning', 'A storm is coming.\n\nStay inside.', T);
  receiver = await startReceiver([{ status: 200 }], () => secret);
});

afterAll(async () => {
  await receiver.close();
  await store.close();
  await t.cleanup();
});

describe('palimpsest notify', () => {
  test('add prints the id and the secret once; list masks it', async () => {
    const add = await cli('notify', 'add', '--webhook', receiver.url, '--min-words', '1');
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^added subscription 1: webhook, http:\/\/127\.0\.0\.1:\d+\/hook, all articles/m);
    secret = /secret \(shown once[^)]*\): ([0-9a-f]{64})/.exec(add.stdout)?.[1] ?? '';
    expect(secret).toHaveLength(64);
    const second = await cli('notify', 'add', '--webhook', receiver.url, '--article', String(articleId), '--secret', secret);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain(secret);

    const list = await cli('notify', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`secret ${secret.slice(0, 4)}…`);
    expect(list.stdout).not.toContain(secret);
    expect(list.stdout).toMatch(/^2\twebhook\t.*\tarticle 1\t/m);
    const json = JSON.parse((await cli('notify', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(json.map((s) => [s.id, s.scope, s.min_words])).toEqual([[1, 'all', 1], [2, 'article', 0]]);
    expect(JSON.stringify(json)).not.toContain(secret);
  });

  test('three `notify run` processes racing send each new version once to each subscription', async () => {
    // The first run starts the cursors at the end: version 1 is never sent.
    expect((await cli('notify', 'run')).code).toBe(0);
    for (let i = 2; i <= 4; i++) await addVersion(store, articleId, 'Storm warning', `A storm is coming (${i}).\n\nStay inside.`, T);
    const runs = await Promise.all([cli('notify', 'run'), cli('notify', 'run'), cli('notify', 'run')]);
    for (const r of runs) expect(r).toMatchObject({ code: 0, stderr: '' });
    await cli('notify', 'run');
    expect(receiver.received).toHaveLength(6);
    expect(receiver.received.every((r) => r.signatureOk)).toBe(true);
    const pairs = receiver.received.map((r) => JSON.parse(r.body) as { subscription: number; version: { number: number } });
    expect(pairs.map((p) => `${p.subscription}:${p.version.number}`).sort()).toEqual(['1:2', '1:3', '1:4', '2:2', '2:3', '2:4']);
  });

  test('log shows each delivery with its attempts', async () => {
    const log = await cli('notify', 'log', '1');
    expect(log.code).toBe(0);
    expect(log.stdout.match(/^delivery \d+\tsubscription 1\tversion \d of article 1\tdelivered after 1 attempt$/gm)).toHaveLength(3);
    expect(log.stdout).toMatch(/^ {2}attempt 1 at \S+: ok 200, \d+ ms$/m);
    const json = JSON.parse((await cli('notify', 'log', '--json', '--limit', '2')).stdout) as Array<{ attemptLog: unknown[] }>;
    expect(json).toHaveLength(2);
    expect(json[0]!.attemptLog).toHaveLength(1);
  });

  test('test sends the newest change at once, marked as a test', async () => {
    const before = receiver.received.length;
    const r = await cli('notify', 'test', '2');
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/sent a test notification to subscription 2 \(200\)/);
    const body = JSON.parse(receiver.received[before]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ test: true, event: 'version', version: { number: 4 } });
  });

  test('remove deletes; wrong input is refused with a message', async () => {
    expect((await cli('notify', 'remove', '2')).stdout).toBe('removed subscription 2\n');
    expect((await cli('notify', 'remove', '2'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/no subscription 2/) });
    expect((await cli('notify', 'add'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/exactly one of --webhook/) });
    expect((await cli('notify', 'add', '--webhook', 'ftp://x.example/'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid webhook URL/) });
    expect((await cli('notify', 'add', '--email', 'a@b.example'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/notify\.smtp\.host/) });
    expect((await cli('notify', 'add', '--webhook', 'https://x.example/', '--events', 'bogus'))).toMatchObject({ code: 2 });
    expect((await cli('notify', 'list')).stdout).not.toMatch(/^2\t/m);
  });
});
