/** Starting the built `palimpsest` CLI as real long-running processes (servers, workers) and stopping them. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** The built CLI entry point. */
export const CLI = path.resolve('dist/src/cli/main.js');

/** Throws with a clear message when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing; run "npm run build" first (npm test does)`);
}

/** What a finished CLI process printed, and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const execFileAsync = promisify(execFile);

/**
 * Runs the built CLI to completion with `env` over the test's own environment; resolves with its exit code and
 * output, also when it exits non-zero. `timeoutMs` 0 (the default) waits as long as it takes.
 */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, opts: { timeoutMs?: number; maxBuffer?: number } = {}): Promise<CliResult> {
  try {
    const r = await execFileAsync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: opts.timeoutMs ?? 0, maxBuffer: opts.maxBuffer ?? 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A running CLI process with everything it printed so far. */
export interface RunningProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  exited: Promise<number | string>;
}

/** Starts `palimpsest <args>` and resolves once its standard output matches `ready` (the match is returned too). */
export async function startCli(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 30_000):
  Promise<{ proc: RunningProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, PALIMPSEST_CONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const proc: RunningProcess = { child, stdout: () => out, stderr: () => err, exited };
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`palimpsest ${args[0]} did not start within ${timeoutMs} ms:\n${out}\n${err.slice(-3000)}`)), timeoutMs);
    const look = (): void => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', look);
        resolve(m);
      }
    };
    child.stdout?.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`palimpsest ${args[0]} exited (${code}) before it was ready:\n${out}\n${err.slice(-3000)}`));
    });
  });
  return { proc, match };
}

/** Stops a process with SIGTERM (SIGKILL after `graceMs`) and waits for it. */
export async function stopProcess(p: RunningProcess, graceMs = 10_000): Promise<number | string> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}
