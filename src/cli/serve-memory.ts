/**
 * The memory settings `serve` applies to its own process when it starts. V8 sizes its heap for the machine: with a
 * few GB free it lets the heap grow up to four times what the last full collection kept before collecting again, so a
 * web process whose live data is 60 MB sits at 200-250 MB of heap, most of it garbage of answered requests. A
 * smaller growing factor keeps the garbage to a fraction of the live data, at the cost of more frequent (mostly
 * concurrent) collections. V8 reads the factor each time it sets its next limit, so it can be set after start-up.
 */
import v8 from 'node:v8';
import type { Config } from '../config/index.js';

/** The V8 flags `serve` sets for `config` (none when web.heapGrowingPercent is 0: V8's own heuristics). */
export function serveV8Flags(config: Pick<Config, 'web'>): string[] {
  const pct = config.web.heapGrowingPercent;
  return pct > 0 ? [`--heap-growing-percent=${pct}`] : [];
}

/** Sets the flags of {@link serveV8Flags} on this process (its worker threads share them); returns them. */
export function applyServeMemory(config: Pick<Config, 'web'>): string[] {
  const flags = serveV8Flags(config);
  for (const f of flags) v8.setFlagsFromString(f);
  return flags;
}
