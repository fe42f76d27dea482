/**
 * Command-line start-up: wall time of `palimpsest --help`, `palimpsest diff` on two tiny files and `palimpsest
 * extract` on a small page, against `node -e 0` (Node's own start) measured in the same run. Each command runs as
 * a real process, several times; the table gives the median and the best run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs of each command (after one untimed run that fills the file cache). */
const RUNS = 15;

function timeRuns(args: readonly string[]): number[] {
  const run = (): number => {
    const t0 = performance.now();
    execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    return performance.now() - t0;
  };
  run();
  return Array.from({ length: RUNS }, run).sort((a, b) => a - b);
}

/** Prints the start-up table. */
export async function run(): Promise<void> {
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-bench-cli-'));
  try {
    const a = path.join(dir, 'a.txt');
    const b = path.join(dir, 'b.txt');
    const page = path.join(dir, 'page.html');
    fs.writeFileSync(a, 'The minister said on Tuesday.\n\nA second paragraph.\n');
    fs.writeFileSync(b, 'The minister said on Wednesday.\n\nA second paragraph, longer.\n');
    fs.writeFileSync(page, '<html><head><title>A story</title></head><body><article><h1>A story</h1><p>The minister said on Tuesday that the plan would go ahead as agreed.</p></article></body></html>');
    const rows: Array<[string, readonly string[]]> = [
      ['node -e 0 (Node alone)', ['-e', '0']],
      ['palimpsest --help', [cli, '--help']],
      ['palimpsest diff a.txt b.txt', [cli, 'diff', a, b]],
      ['palimpsest extract page.html', [cli, 'extract', page]],
    ];
    const results = rows.map(([name, args]) => ({ name, times: timeRuns(args) }));
    const floor = results[0]?.times[Math.floor(RUNS / 2)] ?? 1;
    process.stdout.write(`${'command'.padEnd(32)} ${'median ms'.padStart(10)} ${'best ms'.padStart(9)} ${'x node'.padStart(7)}\n`);
    for (const r of results) {
      const median = r.times[Math.floor(RUNS / 2)] ?? 0;
      process.stdout.write(`${r.name.padEnd(32)} ${median.toFixed(0).padStart(10)} ${(r.times[0] ?? 0).toFixed(0).padStart(9)} ${(median / floor).toFixed(2).padStart(7)}\n`);
    }
    process.stdout.write(`(${RUNS} runs each; goal: --help and diff under 300 ms)\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
