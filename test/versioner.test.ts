import { describe, expect, it } from '@jest/globals';
import { contentHash, decideVersion, versionText } from '../src/versioner/index.js';
import { intervalAfterChange, intervalAfterError, intervalAfterUnchanged } from '../src/scheduler/intervals.js';
import { loadConfig } from '../src/config/index.js';

const s = loadConfig({ env: {} }).scheduler;

describe('versioner', () => {
  const base = { title: 'Headline', paragraphs: ['First paragraph here.', 'Second one.'] };
  it('a first capture is always new', () => {
    expect(decideVersion(null, base).isNew).toBe(true);
  });
  it('whitespace-only and re-wrapping differences are not changes', () => {
    const prev = { contentHash: contentHash(base), title: base.title };
    expect(decideVersion(prev, { title: ' Headline ', paragraphs: ['First  paragraph\nhere.', 'Second one. '] }).isNew).toBe(false);
    expect(decideVersion(prev, { title: 'Headline', paragraphs: ['First paragraph here. Second one.'] }).isNew).toBe(false);
    expect(decideVersion(prev, { title: 'Headline', paragraphs: ['First\u00a0paragraph here.', 'Second one.'] }).isNew).toBe(false);
  });
  it('a word or the title changing is a change', () => {
    const prev = { contentHash: contentHash(base), title: base.title };
    expect(decideVersion(prev, { title: 'Headline', paragraphs: ['First paragraph there.', 'Second one.'] }).isNew).toBe(true);
    const t = decideVersion(prev, { title: 'New headline', paragraphs: base.paragraphs });
    expect([t.isNew, t.titleChanged]).toEqual([true, true]);
  });
  it('NFC and NFD forms are the same text', () => {
    const nfc = { title: 'Café', paragraphs: ['Crème brûlée.'] };
    const nfd = { title: 'Café'.normalize('NFD'), paragraphs: ['Crème brûlée.'.normalize('NFD')] };
    expect(contentHash(nfc)).toBe(contentHash(nfd));
  });
  it('stores paragraphs separated by blank lines', () => {
    expect(versionText([' a  b ', '', 'c'])).toBe('a b\n\nc');
  });
});

describe('adaptive intervals', () => {
  const mid = () => 0.5;
  it('after a change the next check is 30 minutes later', () => {
    expect(intervalAfterChange(s, false, mid)).toBe(1800);
  });
  it('each unchanged check multiplies the interval by 1.2, within the jitter', () => {
    expect(intervalAfterUnchanged(s, 1800, mid).intervalS).toBeCloseTo(2160);
    const low = intervalAfterUnchanged(s, 1800, () => 0).intervalS;
    const high = intervalAfterUnchanged(s, 1800, () => 1).intervalS;
    expect(low).toBeCloseTo(2160 * 0.9);
    expect(high).toBeCloseTo(2160 * 1.1);
  });
  it('stops past 40 days', () => {
    expect(intervalAfterUnchanged(s, 35 * 86400, mid).stop).toBe(true);
    expect(intervalAfterUnchanged(s, 30 * 86400, mid).stop).toBe(false);
  });
  it('backs off exponentially after errors, capped', () => {
    const d1 = intervalAfterError(s, 1, () => 1);
    const d3 = intervalAfterError(s, 3, () => 1);
    expect(d3).toBe(d1 * 4);
    expect(intervalAfterError(s, 50, () => 1)).toBe(s.errorMaxS);
  });
});
