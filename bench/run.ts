/**
 * `npm run bench [-- <name>... [--option...]]`: runs the benchmarks in bench/ one after the other, each printing its
 * table under a header. With names (cli, extract, nesting, differ, fetch, fleet, export, scale) only those run, in the
 * order given; without, all that exist. Arguments from the first one starting with `--` on are given to each bench
 * (`npm run bench -- scale --sizes 10k,100k`). The export bench generates 100,000 versions; fleet starts real worker
 * processes; scale generates (once, then cached) databases of up to 500,000 versions and is by far the slowest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Every benchmark, in the default order (fast ones first). */
const BENCHES = ['cli', 'extract', 'nesting', 'differ', 'fetch', 'fleet', 'export', 'scale'];

interface BenchModule {
  /** Runs the bench with the `--` options of the command line (benches without options ignore them). */
  run(args: readonly string[]): Promise<void>;
}

async function main(): Promise<number> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const ext = path.extname(fileURLToPath(import.meta.url));
  const argv = process.argv.slice(2);
  const firstOption = argv.findIndex((a) => a.startsWith('--'));
  const asked = firstOption < 0 ? argv : argv.slice(0, firstOption);
  const options = firstOption < 0 ? [] : argv.slice(firstOption);
  const unknown = asked.filter((n) => !BENCHES.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (known: ${BENCHES.join(', ')})\n`);
    return 2;
  }
  const names = (asked.length > 0 ? asked : BENCHES).filter((n) => fs.existsSync(path.join(dir, `${n}${ext}`)));
  const started = performance.now();
  for (const name of names) {
    process.stdout.write(`\n=== bench: ${name} ===\n`);
    const t0 = performance.now();
    const mod = (await import(pathToFileURL(path.join(dir, `${name}${ext}`)).href)) as BenchModule;
    await mod.run(options);
    process.stdout.write(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(`\nbench: ${names.length} benchmark${names.length === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

process.exitCode = await main();
