/**
 * `npm run bench [-- <name>...]`: runs the benchmarks in bench/ one after the other, each printing its table under
 * a header. With names (cli, extract, nesting, differ, fetch, fleet, export) only those run, in the order given; without, all that
 * exist. The export bench generates 100,000 versions and is the slowest; fleet starts real worker processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Every benchmark, in the default order (fast ones first). */
const BENCHES = ['cli', 'extract', 'nesting', 'differ', 'fetch', 'fleet', 'export'];

interface BenchModule {
  run(): Promise<void>;
}

async function main(): Promise<number> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const ext = path.extname(fileURLToPath(import.meta.url));
  const asked = process.argv.slice(2);
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
    await mod.run();
    process.stdout.write(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(`\nbench: ${names.length} benchmark${names.length === 1 ? '' : 's'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

process.exitCode = await main();
