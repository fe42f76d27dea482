/** Where the benchmarks find the shared corpus. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this module holding package.json. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** The corpus folder: PALIMPSEST_CORPUS, or ../shared/corpus beside the repository. */
export function corpusDir(): string {
  return process.env.PALIMPSEST_CORPUS ?? path.resolve(repoRoot(), '../shared/corpus');
}
