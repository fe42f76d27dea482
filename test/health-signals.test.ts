/** The signals of broken extraction (src/health/signals.ts): judging one capture, and a source's window against its baseline. */
import { describe, expect, it } from '@jest/globals';
import { healthSchema } from '../src/config/health.js';
import { degradedReason, judgeCapture, paragraphsGoneShare, recoveredReason } from '../src/health/signals.js';

const h = healthSchema.parse({});
const story = [
  'The council approved its budget on Tuesday after a debate that lasted well into the night.',
  'Spending on roads rises by four percent, most of it for repairs to bridges damaged in the winter floods.',
  'Libraries keep their opening hours, reversing a plan announced in March that had drawn thousands of letters.',
  'Opposition members called the increase in parking fees a tax on shoppers and small traders.',
  'The mayor said the city had no choice after the national grant was cut for a third year running.',
  'A final vote on the school building programme was postponed until the auditors report in June.',
];
const text = story.join('\n\n');
const counts = (total: number, empty = 0, shorter = 0, rewrite = 0, suspectArticles = empty + shorter + rewrite) => ({ total, empty, shorter, rewrite, suspectArticles });

describe('judging one capture', () => {
  it('an empty body is suspect, even for a first capture', () => {
    expect(judgeCapture(null, [], h)).toEqual({ kind: 'empty', detail: 'an empty body' });
    expect(judgeCapture(text, [], h).kind).toBe('empty');
  });

  it('a first capture with text, a small edit or an added paragraph is healthy', () => {
    expect(judgeCapture(null, story, h).kind).toBe('ok');
    expect(judgeCapture(text, story.map((p) => p.replace('the', 'a')), h).kind).toBe('ok');
    expect(judgeCapture(text, [...story, 'Update: the vote was postponed to Friday.'], h).kind).toBe('ok');
  });

  it('a body under half the previous text is much shorter; a short previous text never counts', () => {
    const j = judgeCapture(text, story.slice(0, 2), h);
    expect(j.kind).toBe('shorter');
    expect(j.detail).toMatch(/^a body of \d+ characters where the previous version had \d+$/);
    expect(judgeCapture('Short note.\n\nTwo lines.', ['One.'], h).kind).toBe('ok');
  });

  it('a capture in which almost every paragraph is gone is a rewrite; most kept is not', () => {
    const other = Array.from({ length: 6 }, (_, i) => `Live item ${i}: weather warnings, traffic delays on the ring road and football scores from the weekend fixtures.`);
    const j = judgeCapture(text, other, h);
    expect(j).toEqual({ kind: 'rewrite', detail: "6 of the previous version's 6 paragraphs changed at once" });
    expect(paragraphsGoneShare(story, [...story.slice(0, 3), ...other.slice(0, 3)])).toBe(0.5);
    expect(judgeCapture(text, [...story.slice(0, 3), ...other.slice(0, 3)], h).kind).toBe('ok');
    // Too few paragraphs before to judge (minParagraphs).
    expect(judgeCapture(story.slice(0, 2).join('\n\n'), other.slice(0, 2), h).kind).toBe('ok');
  });
});

describe('a source window against its baseline', () => {
  it('needs enough articles, a large enough share, and a rise over the baseline', () => {
    expect(degradedReason(counts(15, 12), counts(40), h)).toBe('12 of 15 captures in the last 24 h had empty bodies (baseline 0 of 40)');
    // Four articles are not enough (minArticles 5), whatever the share.
    expect(degradedReason(counts(4, 4), counts(40), h)).toBeNull();
    // Five suspect articles among many healthy captures: under half.
    expect(degradedReason(counts(20, 5), counts(40), h)).toBeNull();
    // A source whose pages always came out that way has not broken.
    expect(degradedReason(counts(10, 8), counts(40, 30), h)).toBeNull();
    // One article failing over and over counts once.
    expect(degradedReason(counts(6, 6, 0, 0, 1), counts(40), h)).toBeNull();
  });

  it('names each kind of suspect capture when they mix', () => {
    expect(degradedReason(counts(10, 4, 3, 1), counts(20, 1), h))
      .toBe('8 of 10 captures in the last 24 h looked broken: 4 empty bodies, 3 much shorter bodies, 1 near-total rewrite (baseline 1 of 20)');
    expect(degradedReason(counts(6, 0, 0, 6), counts(0), { ...h, windowHours: 0.5 }))
      .toBe('6 of 6 captures in the last 30 min changed almost every paragraph at once (baseline 0 of 0)');
  });

  it('recovers after recoverAfter healthy captures in a row', () => {
    expect(recoveredReason(['ok', 'ok', 'ok', 'ok', 'ok'], 5)).toBe('the last 5 captures were healthy again');
    expect(recoveredReason(['ok', 'ok', 'ok', 'ok'], 5)).toBeNull();
    expect(recoveredReason(['ok', 'ok', 'empty', 'ok', 'ok'], 5)).toBeNull();
  });
});
