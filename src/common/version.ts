/** Palimpsest's own version, read from package.json (shared by the fetcher's User-Agent and the exports). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads the version from the nearest package.json named "palimpsest" above this file. Walking up (rather than a
 * fixed relative path) works both from src/ under ts/jest and from dist/src/ after a build.
 */
function readVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'palimpsest' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No (readable) package.json at this level: keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

/** Palimpsest's version as written in package.json. */
export const PALIMPSEST_VERSION: string = readVersion();
