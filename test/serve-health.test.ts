/**
 * `palimpsest serve` as a real process (its scheduler in a thread of its own): /healthz says when the scheduler
 * last ticked, and answers 503 once a tick has run for three tick periods without ending (a check whose server
 * never answers holds the tick, and every tick meanwhile is skipped: nothing else is checked), then 200 again when
 * the tick ends. The tick is every second here (a six-field cron expression), so "three periods" is three seconds.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { CLI, requireBuiltCli, startCli, stopProcess, type RunningProcess } from './helpers/processes.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';

const exec = promisify(execFile);

let target: TmpTarget;
let origin: FaultOrigin;
let originClosed = false;

/** Closes the origin once (its held requests end with it). */
async function closeOrigin(): Promise<void> {
  if (originClosed) return;
  originClosed = true;
  await origin.close();
}

beforeAll(async () => {
  requireBuiltCli();
  target = await tmpTarget();
  origin = await startFaultOrigin();
});

afterAll(async () => {
  if (origin) await closeOrigin();
  await target?.cleanup();
});

interface Health {
  status: string;
  problem?: string;
  scheduler: { state: string; running: boolean; lastTickAt: string | null; lastTickFinishedAt: string | null; secondsSinceTick: number; tickSeconds: number; staleAfterS: number };
}

async function health(base: string): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

/** Polls /healthz until `ok` holds (every 100 ms, at most `ms`); returns the last answer. */
async function waitHealth(base: string, ok: (h: { status: number; body: Health }) => boolean, ms: number): Promise<{ status: number; body: Health }> {
  const until = Date.now() + ms;
  let last = await health(base);
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`serve-health: /healthz never reached the awaited state; last: ${last.status} ${JSON.stringify(last.body)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await health(base);
  }
  return last;
}

describe('serve /healthz and the scheduler', () => {
  it('reports the last tick, answers 503 while a tick is stuck for three periods, and 200 again once it ends', async () => {
    const config = path.join(target.dir, 'palimpsest.json');
    fs.writeFileSync(config, JSON.stringify({
      scheduler: { cron: '* * * * * *', extractThreads: 0 },
      fetch: { totalTimeoutMs: 120_000, perHostDelayMs: 0 },
    }));
    const env = { PALIMPSEST_DB: target.target, PALIMPSEST_ALLOW_PRIVATE: '1', PALIMPSEST_LOG_LEVEL: 'silent' };
    let serve: RunningProcess | null = null;
    let exit: number | string | null = null;
    try {
      const started = await startCli(['--config', config, 'serve', '--port', '0'], env, /listening on (http:\/\/[^/\s]+)\//);
      serve = started.proc;
      const base = started.match[1]!;
      // Nothing to check yet: ticks come and go every second.
      const ok = await waitHealth(base, (h) => h.body.scheduler?.lastTickFinishedAt !== null && h.body.scheduler?.lastTickFinishedAt !== undefined, 15_000);
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('ok');
      expect(ok.body.scheduler).toMatchObject({ state: 'ok', tickSeconds: 1, staleAfterS: 3 });
      expect(ok.body.scheduler.secondsSinceTick).toBeLessThan(3);

      // An article whose server accepts the request and never answers: the tick that checks it does not end.
      const tracked = await exec(process.execPath, [CLI, 'track', origin.url('/hang')], { env: { ...process.env, PALIMPSEST_CONFIG: '', ...env } });
      expect(tracked.stdout).toMatch(/^\d+\t/);
      const stalled = await waitHealth(base, (h) => h.status === 503, 30_000);
      expect(stalled.body.status).toBe('error');
      expect(stalled.body.scheduler).toMatchObject({ state: 'stalled', running: true });
      expect(stalled.body.scheduler.secondsSinceTick).toBeGreaterThanOrEqual(3);
      expect(stalled.body.problem).toMatch(/^scheduler: no tick started or finished for [\d.]+ s \(stalled after 3 s, 3 tick periods\); nothing is being checked$/);

      // The server goes away: the check fails, the tick ends, the scheduler ticks again.
      await closeOrigin();
      const back = await waitHealth(base, (h) => h.status === 200, 30_000);
      expect(back.body.scheduler.state).toBe('ok');
    } finally {
      // serve finishes its running tick before it exits: end the held check first, also when an assertion failed.
      await closeOrigin();
      if (serve) exit = await stopProcess(serve);
    }
    expect(exit).toBe(0);
  });
});
