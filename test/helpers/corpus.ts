/** Locates the shared real-article corpus through PALIMPSEST_CORPUS; tests that need it skip with one line when unset. */
import fs from 'node:fs';
import path from 'node:path';
import { describe } from '@jest/globals';

/** The corpus root directory, or null when PALIMPSEST_CORPUS is not set. Throws when set but missing. */
export function corpusDir(): string | null {
  const dir = process.env.PALIMPSEST_CORPUS;
  if (!dir) return null;
  if (!fs.existsSync(path.join(dir, 'extraction', 'index.json'))) {
    throw new Error(`PALIMPSEST_CORPUS=${dir} does not contain extraction/index.json`);
  }
  return dir;
}

const warned = new Set<string>();

/** `describe` when the corpus is available, otherwise `describe.skip` after printing one line saying why. */
export function describeCorpus(name: string, fn: (dir: string) => void): void {
  const dir = corpusDir();
  if (dir) {
    describe(name, () => fn(dir));
    return;
  }
  if (!warned.has(name)) {
    warned.add(name);
    process.stdout.write(`skipping "${name}": PALIMPSEST_CORPUS is not set (point it at the shared corpus to run it)\n`);
  }
  describe.skip(name, () => fn(''));
}
