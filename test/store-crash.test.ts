/**
 * A process killed (SIGKILL) in the middle of a write transaction loses nothing that was committed and leaves
 * nothing half-written: run on each backend, against a real second process and the built store.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { requireBuiltCli } from './helpers/processes.js';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';

let t: TmpTarget;
beforeAll(async () => {
  requireBuiltCli();
  t = await tmpTarget();
});
afterAll(async () => { await t.cleanup(); });

describe(`a crash mid-write (${testBackend()})`, () => {
  it('keeps the committed article and drops the uncommitted version, response and counters', async () => {
    const child = spawn(process.execPath, [path.resolve('test/helpers/crash-writer.mjs')], {
      env: { ...process.env, PALIMPSEST_DB: t.target }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<string | number>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('in transaction')) resolve();
      });
      void exited.then((c) => reject(new Error(`crash-writer exited (${c}) early: ${out}${err}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = await openStore(t.target);
    try {
      const article = await store.getArticleByUrl('https://news.example/crash');
      expect(article).not.toBeNull();
      expect(article?.versionCount).toBe(0);
      expect(article?.title).toBeNull();
      expect(await store.listVersions(article!.id)).toEqual([]);
      expect(await store.listResponseIds(article!.id)).toEqual([]);
      expect(await store.checkConsistency()).toEqual([]);
      // The database takes writes again at once (no lock left behind by the dead process).
      await store.transaction(async (tx) => { await tx.setNextCheck(article!.id, new Date().toISOString()); });
    } finally {
      await store.close();
    }
  }, 60_000);
});
