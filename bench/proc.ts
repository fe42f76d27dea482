/** Child processes of the benchmarks: a Node program started, awaited until it says it is ready, and stopped. */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running child process. */
export interface NodeProc {
  child: ChildProcess;
  pid: number;
  /** The first group of the ready pattern (a base URL, say). */
  url: string;
  /** The last 20,000 characters of its stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Runs `node <args>` with `env` added to this environment and waits until `ready` matches its stdout; rejects (after
 * stopping it) when it exits first or takes longer than `timeoutMs`. `what` names it in messages.
 */
export async function startNode(args: string[], env: Record<string, string>, ready: RegExp, what: string, timeoutMs = 60_000): Promise<NodeProc> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => { out = (out + d.toString()).slice(-20_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const look = (): void => {
      const m = ready.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1] ?? ''); }
    };
    child.stdout?.on('data', look);
    void exited.then(() => { clearTimeout(timer); reject(new Error(`${what} exited before it was ready:\n${out}`)); });
  }).catch(async (err: unknown) => { await stop(); throw err; });
  return { child, pid: child.pid ?? -1, url, output: () => out, stop };
}
