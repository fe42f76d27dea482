/**
 * Feed items show the changes whole and only excerpts of the unchanged text around them (src/differ/render/excerpt.ts):
 * a context paragraph keeps its sentence nearest the change, a changed paragraph the sentences its changes sit in,
 * each cut to EXCERPT_CHARS; nothing deleted or inserted is ever cut.
 */
import { describe, expect, it } from '@jest/globals';
import { diffArticles, toFeedHtml, type ArticleDiff } from '../src/differ/index.js';
import { contextExcerpt, ELLIPSIS, EXCERPT_CHARS, excerptSegments } from '../src/differ/render/excerpt.js';
import { describeCorpus } from './helpers/corpus.js';
import { loadRevisions } from './helpers/revisions.js';

/** Sentence `k` of paragraph `p`: distinct words, so that no two sentences look alike to the differ. */
function sentence(p: number, k: number, words = 9): string {
  const w = Array.from({ length: words }, (_, i) => `p${p}s${k}w${i}`);
  return `${w[0]?.replace(/^p/, 'P')} ${w.slice(1).join(' ')}.`;
}

/** Paragraph `p` of `n` sentences. */
const paragraph = (p: number, n: number, words = 9): string => Array.from({ length: n }, (_, k) => sentence(p, k, words)).join(' ');

const diff = (a: string[], b: string[]): ArticleDiff => diffArticles({ title: 'T', paragraphs: a }, { title: 'T', paragraphs: b });

/** The texts of the del and ins elements of a feed fragment, in order. */
function marked(html: string): string[] {
  return [...html.matchAll(/<(del|ins) [^>]*>(.*?)<\/\1>/g)].map((m) => `${m[1]}:${m[2]}`);
}

/** The fragment's paragraphs as text (tags dropped). */
function paragraphs(html: string): string[] {
  return [...html.matchAll(/<p[^>]*>(.*?)<\/p>/g)].map((m) => (m[1] ?? '').replace(/<[^>]+>/g, ''));
}

describe('context paragraphs', () => {
  it('keep only their sentence nearest the change, an ellipsis for the rest', () => {
    const before = paragraph(1, 6);
    const after = paragraph(3, 6);
    const d = diff([paragraph(0, 2), before, 'The vote was on Tuesday.', after, paragraph(4, 2)], [paragraph(0, 2), before, 'The vote was on Wednesday.', after, paragraph(4, 2)]);
    const shown = paragraphs(toFeedHtml(d));
    expect(shown).toEqual([
      '… 1 unchanged paragraph …',
      `${ELLIPSIS} ${sentence(1, 5)}`,
      'The vote was on TuesdayWednesday.',
      `${sentence(3, 0)} ${ELLIPSIS}`,
      '… 1 unchanged paragraph …',
    ]);
  });

  it('keep both ends when a change lies on either side, and are cut at a word when one sentence is long', () => {
    const long = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const between = `${sentence(1, 0)} ${sentence(1, 1)} ${sentence(1, 2)} ${sentence(1, 3)}`;
    const d = diff(['First old.', between, 'Second old.', `${long}.`], ['First new.', between, 'Second new.', `${long}.`]);
    const shown = paragraphs(toFeedHtml(d));
    expect(shown[1]).toBe(`${sentence(1, 0)} ${ELLIPSIS} ${sentence(1, 3)}`);
    const cut = shown[3] ?? '';
    expect(cut.startsWith('word0 word1 ')).toBe(true);
    expect(cut.endsWith(` ${ELLIPSIS}`)).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(EXCERPT_CHARS + 2);
    // Cut between two words, never inside one.
    expect(cut.slice(0, -2).split(' ').every((w) => /^word\d+$/.test(w))).toBe(true);
  });

  it('are shown whole when short, and whole with excerptChars Infinity', () => {
    expect(contextExcerpt('Short one. Another short one.', true, true)).toBe('Short one. Another short one.');
    const before = paragraph(1, 6);
    const d = diff([before, 'The vote was on Tuesday.'], [before, 'The vote was on Wednesday.']);
    expect(paragraphs(toFeedHtml(d, { excerptChars: Infinity }))[0]).toBe(before);
  });
});

describe('changed paragraphs', () => {
  it('show the changed sentence whole inside a long paragraph, ellipses for the unchanged sentences around it', () => {
    const old = Array.from({ length: 12 }, (_, k) => sentence(7, k));
    const edited = [...old];
    edited[5] = (old[5] ?? '').replace('p7s5w4', 'CHANGED');
    const d = diff([old.join(' ')], [edited.join(' ')]);
    const html = toFeedHtml(d);
    expect(marked(html)).toEqual(['del:p7s5w4', 'ins:CHANGED']);
    const [shown] = paragraphs(html);
    expect(shown).toBe(`${ELLIPSIS} ${(old[5] ?? '').replace('p7s5w4', 'p7s5w4CHANGED')} ${ELLIPSIS}`);
    for (const k of [0, 4, 6, 11]) expect(shown).not.toContain(old[k]);
  });

  it('keep the unchanged text between two changes of one sentence, and leave out the sentences between far changes', () => {
    const s = Array.from({ length: 8 }, (_, k) => sentence(2, k));
    const near = [...s];
    near[3] = (s[3] ?? '').replace('p2s3w1', 'ONE').replace('p2s3w7', 'TWO');
    const [oneSentence] = paragraphs(toFeedHtml(diff([s.join(' ')], [near.join(' ')])));
    expect(oneSentence).toContain('p2s3w1ONE p2s3w2 p2s3w3 p2s3w4 p2s3w5 p2s3w6 p2s3w7TWO');
    const far = [...s];
    far[1] = (s[1] ?? '').replace('p2s1w3', 'FIRST');
    far[6] = (s[6] ?? '').replace('p2s6w3', 'LAST');
    const [apart] = paragraphs(toFeedHtml(diff([s.join(' ')], [far.join(' ')])));
    expect(apart).toBe(`${ELLIPSIS} ${(s[1] ?? '').replace('p2s1w3', 'p2s1w3FIRST')} ${ELLIPSIS} ${(s[6] ?? '').replace('p2s6w3', 'p2s6w3LAST')} ${ELLIPSIS}`);
  });

  it('never cut a deletion or an insertion, however long', () => {
    const s = Array.from({ length: 6 }, (_, k) => sentence(5, k));
    const inserted = Array.from({ length: 150 }, (_, i) => `new${i}`).join(' ');
    const removed = s[2] ?? '';
    const edited = [s[0], s[1], `${inserted}.`, s[3], s[4], s[5]].join(' ');
    const html = toFeedHtml(diff([s.join(' ')], [edited]));
    const changes = marked(html).join(' ');
    for (const w of inserted.split(' ')) expect(changes).toContain(w);
    for (const w of removed.replace('.', '').split(' ')) expect(changes).toContain(w);
  });

  it('keep the first sentence of a paragraph moved unedited', () => {
    const moved = paragraph(9, 5);
    const others = [paragraph(1, 1), paragraph(2, 1), paragraph(3, 1), paragraph(4, 1)];
    const html = toFeedHtml(diff([moved, ...others], [...others, moved]));
    expect(html).toContain(`${sentence(9, 0)} ${ELLIPSIS}`);
    expect(html).not.toContain(sentence(9, 3));
  });
});

describe('nothing of a change is lost', () => {
  /** A deterministic pseudo-random generator (a linear congruential one), so that a failure can be replayed. */
  function random(seed: number): () => number {
    let x = seed;
    return () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
  }

  it('every deleted and inserted run of many edited texts is shown whole, as without excerpts', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = random(seed);
      const old = Array.from({ length: 8 }, (_, p) => paragraph(p, 1 + Math.floor(r() * 8), 4 + Math.floor(r() * 30)));
      const edited = old.map((text) => {
        if (r() < 0.5) return text;
        const words = text.split(' ');
        for (let e = 0; e < 1 + r() * 4; e++) {
          const at = Math.floor(r() * words.length);
          if (r() < 0.4) words.splice(at, 1 + Math.floor(r() * 20));
          else words.splice(at, 0, ...Array.from({ length: 1 + Math.floor(r() * 60) }, (_, i) => `ins${seed}x${e}x${i}${r() < 0.1 ? '.' : ''}`));
        }
        return words.join(' ');
      });
      if (r() < 0.3) edited.splice(Math.floor(r() * edited.length), 1);
      if (r() < 0.3) edited.splice(Math.floor(r() * edited.length), 0, paragraph(50 + seed, 3));
      const d = diff(old, edited);
      const whole = toFeedHtml(d, { excerptChars: Infinity, maxParagraphs: 100 });
      const cut = toFeedHtml(d, { maxParagraphs: 100 });
      expect({ seed, changes: marked(cut) }).toEqual({ seed, changes: marked(whole) });
      expect(cut.length).toBeLessThanOrEqual(whole.length);
    }
  });

  it('excerptSegments keeps every marked segment as it is and shortens only unchanged ones', () => {
    const segments = [
      { text: `${paragraph(1, 5)} Start of `, mark: null },
      { text: 'old words', mark: 'del' as const },
      { text: 'new words', mark: 'ins' as const },
      { text: ` end of it. ${paragraph(2, 5)}`, mark: null },
    ];
    const out = excerptSegments(segments);
    expect(out.map((s) => s.mark)).toEqual([null, 'del', 'ins', null]);
    expect(out[1]).toEqual(segments[1]);
    expect(out[2]).toEqual(segments[2]);
    expect(out[0]?.text).toBe(`${ELLIPSIS} Start of `);
    expect(out[3]?.text).toBe(` end of it. ${ELLIPSIS}`);
  });
});

describeCorpus('excerpts of real revisions', (corpus) => {
  it('every change of every consecutive pair of corpus revisions is shown whole, in less text', () => {
    let pairs = 0;
    let whole = 0;
    let cut = 0;
    for (const a of loadRevisions(corpus)) {
      for (let k = 1; k < a.versions.length; k++) {
        const prev = a.versions[k - 1]!;
        const next = a.versions[k]!;
        const d = diffArticles({ title: prev.title, paragraphs: prev.paragraphs }, { title: next.title, paragraphs: next.paragraphs });
        const full = toFeedHtml(d, { excerptChars: Infinity, maxParagraphs: 1000 });
        const short = toFeedHtml(d, { maxParagraphs: 1000 });
        expect({ article: a.id, k, changes: marked(short) }).toEqual({ article: a.id, k, changes: marked(full) });
        pairs++;
        whole += full.length;
        cut += short.length;
      }
    }
    expect(pairs).toBeGreaterThan(0);
    expect(cut).toBeLessThan(whole);
  });
});
