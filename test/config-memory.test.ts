/**
 * The memory settings of `serve`: web.heapGrowingPercent's default and validation, the V8 flag it becomes, and the
 * byte bounds of the web caches as configured.
 */
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import { applyServeMemory, serveV8Flags } from '../src/cli/serve-memory.js';

describe('serve memory settings', () => {
  it('bound the heap growth and the caches by default', () => {
    const c = loadConfig({ env: {} });
    expect(c.web.heapGrowingPercent).toBe(30);
    expect([c.web.feedCacheBytes, c.web.diffCacheBytes, c.web.pageCacheBytes]).toEqual([16 * 2 ** 20, 16 * 2 ** 20, 16 * 2 ** 20]);
    expect(serveV8Flags(c)).toEqual(['--heap-growing-percent=30']);
  });

  it('leave V8 its own heuristics at 0, and take any other percentage up to 300', () => {
    expect(serveV8Flags(loadConfig({ env: {}, flags: { web: { heapGrowingPercent: 0 } } }))).toEqual([]);
    expect(applyServeMemory(loadConfig({ env: {}, flags: { web: { heapGrowingPercent: 0 } } }))).toEqual([]);
    expect(serveV8Flags(loadConfig({ env: {}, flags: { web: { heapGrowingPercent: 300 } } }))).toEqual(['--heap-growing-percent=300']);
  });

  it('refuse a growth that is not a whole percentage from 0 to 300, naming the setting', () => {
    for (const bad of [-1, 301, 12.5, '30']) {
      expect(() => loadConfig({ env: {}, flags: { web: { heapGrowingPercent: bad } } })).toThrow(/web\.heapGrowingPercent/);
    }
    expect(() => loadConfig({ env: {}, flags: { web: { pageCacheBytes: -1 } } })).toThrow(/web\.pageCacheBytes/);
  });
});
