/** The external sort behind CDXJ indexes: spilled runs merge back into one sorted sequence. */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { describe, it, expect } from '@jest/globals';
import { ExternalSorter } from '../src/export/external-sort.js';
import { tmpDir } from './helpers/tmp.js';

async function sorted(lines: string[], maxChars: number, dir: string): Promise<string[]> {
  const sorter = new ExternalSorter(maxChars, dir);
  for (const l of lines) await sorter.add(l);
  const chunks: Buffer[] = [];
  await sorter.finish(new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }));
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

describe('ExternalSorter', () => {
  it('sorts in memory and through spilled runs alike, and removes its temporary files', async () => {
    const dir = tmpDir();
    const lines = Array.from({ length: 5000 }, (_, i) => `com,example)/p${(i * 7919) % 5000} 2024${String(i % 97).padStart(10, '0')} {"n":${i}}`);
    const expected = [...lines].sort();
    expect(await sorted(lines, 1 << 30, dir)).toEqual(expected);
    expect(await sorted(lines, 10_000, dir)).toEqual(expected);
    expect(await sorted([], 10, dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
