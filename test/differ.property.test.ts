import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import {
  applyOps,
  countWords,
  diffArticles,
  isWordToken,
  mirrorDiff,
  opsNewText,
  opsOldText,
  reconstruct,
  splitParagraphs,
  tokenize,
  type ArticleDiff,
  type ArticleVersion,
} from '../src/differ/index.js';
import { diffSequences } from '../src/differ/myers.js';
import { histogramMatch } from '../src/differ/histogram.js';
import { dice, similarPairs } from '../src/differ/similarity.js';
import { intlSentenceRanges, sentenceRanges } from '../src/differ/segment.js';
import { resetSharedInterner } from '../src/differ/intern.js';
import { Workspace } from '../src/differ/workspace.js';

/** Small vocabulary with punctuation and odd whitespace, so random versions share words and make real diffs. */
const WORDS = ['the', 'mayor', 'said', 'on', 'Monday', 'that', 'city', 'budget', '3.5', 'million', 'won’t', 'U.S.', '“vote”', 'police', 'a', 'new', '—', '東京', '发布'];
const word = fc.constantFrom(...WORDS);
const space = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '\u00a0');
const sentence = fc
  .tuple(fc.array(fc.tuple(word, space), { minLength: 1, maxLength: 10 }), word, fc.constantFrom('.', '!', '?', ''))
  .map(([pairs, last, end]) => `${pairs.map(([w, s]) => w + s).join('')}${last}${end}`);
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' '));
const version = fc.record({ title: fc.array(word, { maxLength: 4 }).map((w) => w.join(' ')), paragraphs: fc.array(paragraph, { maxLength: 8 }) });

/** A version and an edited copy: paragraphs dropped, added, duplicated, reordered, words changed. */
const versionPair = fc
  .tuple(version, fc.array(fc.tuple(fc.nat(20), fc.nat(3), paragraph), { maxLength: 6 }), fc.array(word, { maxLength: 3 }))
  .map(([a, edits, titleWords]): [ArticleVersion, ArticleVersion] => {
    const paras = [...a.paragraphs];
    for (const [at, kind, p] of edits) {
      const k = paras.length === 0 ? 0 : at % paras.length;
      if (kind === 0) paras.splice(k, 0, p);
      else if (kind === 1) paras.splice(k, 1);
      else if (kind === 2 && paras[k] !== undefined) paras[k] = `${paras[k]} ${p}`;
      else if (paras.length > 1) paras.push(...paras.splice(k, 1));
    }
    return [a, { title: titleWords.length > 0 ? titleWords.join(' ') : a.title, paragraphs: paras }];
  });

const RUNS = { numRuns: 300 };

/** Checks everything that must hold for any diff of (a, b). */
function checkDiff(d: ArticleDiff, a: ArticleVersion, b: ArticleVersion): void {
  const rebuilt = reconstruct(d);
  expect(rebuilt.old).toEqual({ title: a.title, paragraphs: a.paragraphs });
  expect(rebuilt.new).toEqual({ title: b.title, paragraphs: b.paragraphs });
  let added = 0;
  let removed = 0;
  const words = (text: string): number => tokenize(text).filter(isWordToken).length;
  for (const row of d.rows) {
    if (row.ops) {
      expect(opsOldText(row.ops)).toBe(row.left);
      expect(applyOps(row.left ?? '', row.ops)).toBe(row.right);
      for (const op of row.ops) {
        if (op.op === 'insert') added += words(op.text);
        if (op.op === 'delete') removed += words(op.text);
      }
    }
    if (row.kind === 'added') added += countWords(row.right ?? '');
    if (row.kind === 'removed') removed += countWords(row.left ?? '');
    if (row.kind === 'changed' || row.kind === 'moved-to') expect(row.ops).toBeDefined();
  }
  // Stats count exactly the words the ops show.
  expect(d.stats.wordsAdded).toBe(added);
  expect(d.stats.wordsRemoved).toBe(removed);
  expect(d.stats.changedShare).toBeGreaterThanOrEqual(0);
  expect(d.stats.changedShare).toBeLessThanOrEqual(1);
  const moveIds = d.rows.filter((r) => r.moveId !== undefined).map((r) => r.moveId);
  for (const id of new Set(moveIds)) expect(moveIds.filter((m) => m === id)).toHaveLength(2);
  for (const s of d.sentences) {
    if (s.ops) {
      expect(opsOldText(s.ops)).toBe(s.old);
      expect(opsNewText(s.ops)).toBe(s.new);
    }
    if (s.action === 'edited') expect(s.ops).toBeDefined();
  }
  const count = (kind: string): number => d.sentences.filter((s) => s.action === kind).length;
  expect([d.stats.sentencesAdded, d.stats.sentencesDeleted, d.stats.sentencesEdited, d.stats.sentencesMoved]).toEqual([
    count('added'),
    count('deleted'),
    count('edited'),
    count('moved'),
  ]);
}

describe('differ properties', () => {
  it('tokenize is lossless on any string and countWords agrees with it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const tokens = tokenize(s);
        expect(tokens.join('')).toBe(s);
        expect(countWords(s)).toBe(tokens.filter(isWordToken).length);
      }),
      { numRuns: 300 },
    );
  });

  it('countWords agrees with tokenize on long text too (read as UTF-8 byte pairs)', () => {
    const piece = fc.constantFrom('a', 'Bc', ' ', '  ', '.', '_', '\u00ad', '\u0301', 'é', '’', '1', '3.5', '😀', '\ud83d', '\udc00', '\ufffd', 'Ω', '東京', 'ไทย', '\t', '\u00a0', 'x_y');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 20, maxLength: 150 }), (pieces) => {
        const s = pieces.join('');
        expect(countWords(s)).toBe(tokenize(s).filter(isWordToken).length);
      }),
      { numRuns: 1000 },
    );
  });

  it('tokenizing an edited paragraph from its old version gives its own tokens', () => {
    const piece = fc.constantFrom('a', 'b', 'word', 'Word', ' ', '  ', '.', ',', '_', 'é', '’', '\u0301', '😀', '\ud800', '1', '3.5', '東京', '\n', '\u00a0');
    const text = fc.array(piece, { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, text, text, (start, oldMiddle, newMiddle, end) => {
        const a = start + oldMiddle + end;
        const b = start + newMiddle + end;
        const ws = new Workspace([a], [b]);
        ws.old.tokens(0);
        const ids = ws.new.tokensLike(0, ws.old, 0);
        expect(Array.from(ids, (id) => ws.interner.text(id))).toEqual(tokenize(b));
        const starts = Array.from(ws.new.tokenStarts(0));
        expect(starts.slice(1).map((e, k) => b.slice(starts[k], e))).toEqual(tokenize(b));
      }),
      { numRuns: 500 },
    );
  });

  it('splitParagraphs cuts exactly at blank lines (as text.split(/\\n\\s*\\n/) with trimming would)', () => {
    const text = fc.array(fc.constantFrom('a', 'b c', ' ', '\n', '\n', '\r', '\t', '\u00a0', '\u2028'), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const expected = t
          .split(/\n\s*\n/)
          .map((p) => p.trim())
          .filter((p) => p !== '');
        expect(splitParagraphs(t)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('rows and ops rebuild both versions exactly, and stats match the ops', () => {
    fc.assert(
      fc.property(versionPair, ([a, b]) => {
        checkDiff(diffArticles(a, b), a, b);
      }),
      RUNS,
    );
  });

  it('rebuilds arbitrary unicode paragraphs exactly', () => {
    const para = fc.string({ unit: 'grapheme', maxLength: 40 });
    fc.assert(
      fc.property(fc.array(para, { maxLength: 5 }), fc.array(para, { maxLength: 5 }), (pa, pb) => {
        const a = { title: '', paragraphs: pa };
        const b = { title: '', paragraphs: pb };
        checkDiff(diffArticles(a, b), a, b);
      }),
      { numRuns: 200 },
    );
  });

  it('identical versions give no changes', () => {
    fc.assert(
      fc.property(version, (a) => {
        const d = diffArticles(a, { title: a.title, paragraphs: [...a.paragraphs] });
        expect(d.rows.every((r) => r.kind === 'unchanged')).toBe(true);
        expect(d.sentences).toEqual([]);
        expect(d.title.changed).toBe(false);
        const { changedShare, titleChanged, ...counts } = d.stats;
        expect(changedShare).toBe(0);
        expect(titleChanged).toBe(false);
        expect(Object.values(counts).every((n) => n === 0)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('diff(b, a) mirrors diff(a, b): insertions and deletions swapped, counts swapped', () => {
    fc.assert(
      fc.property(versionPair, ([a, b]) => {
        const ab = diffArticles(a, b);
        const ba = diffArticles(b, a);
        checkDiff(ba, b, a);
        expect(ba.stats).toEqual({
          ...ab.stats,
          wordsAdded: ab.stats.wordsRemoved,
          wordsRemoved: ab.stats.wordsAdded,
          paragraphsAdded: ab.stats.paragraphsRemoved,
          paragraphsRemoved: ab.stats.paragraphsAdded,
          sentencesAdded: ab.stats.sentencesDeleted,
          sentencesDeleted: ab.stats.sentencesAdded,
        });
        const kinds = (d: ArticleDiff, k: string): number => d.rows.filter((r) => r.kind === k).length;
        expect(kinds(ba, 'added')).toBe(kinds(ab, 'removed'));
        expect(kinds(ba, 'moved-to')).toBe(kinds(ab, 'moved-from'));
        expect(ba).toEqual(mirrorDiff(ab));
        expect(mirrorDiff(ba)).toEqual(ab);
      }),
      RUNS,
    );
  });

  it('results do not depend on earlier diffs (token ids come from an interner shared by all diffs)', () => {
    fc.assert(
      fc.property(versionPair, versionPair, ([a, b], [c, d]) => {
        resetSharedInterner();
        const fresh = diffArticles(a, b);
        resetSharedInterner();
        diffArticles(d, c);
        diffArticles({ title: '', paragraphs: [...b.paragraphs].reverse() }, { title: '', paragraphs: [...a.paragraphs].reverse() });
        expect(diffArticles(a, b)).toEqual(fresh);
      }),
      { numRuns: 100 },
    );
  });

  it('finds a paragraph that was moved and lightly edited', () => {
    // Paragraphs of distinct words (ids drawn without repetition), 10 to 25 words each.
    const article = fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 60, maxLength: 150 }).chain((ids) => {
      const paras: string[] = [];
      let k = 0;
      while (ids.length - k >= 10) {
        const n = Math.min(ids.length - k, 10 + ((ids[k] as number) % 16));
        paras.push(`${ids.slice(k, k + n).map((x) => `w${x}`).join(' ')}.`);
        k += n;
      }
      return fc.constant(paras);
    });
    fc.assert(
      fc.property(article, fc.nat(), fc.nat(), fc.nat(), (paras, from0, to0, at) => {
        fc.pre(paras.length >= 5);
        const from = from0 % paras.length;
        const to = to0 % paras.length;
        fc.pre(Math.abs(from - to) >= 2);
        const moved = paras[from] as string;
        const words = moved.split(' ');
        words[at % words.length] = 'changedword';
        const edited = words.join(' ');
        const b = [...paras];
        b.splice(from, 1);
        b.splice(to, 0, edited);
        const d = diffArticles({ title: '', paragraphs: paras }, { title: '', paragraphs: b });
        const fromRow = d.rows.find((r) => r.kind === 'moved-from');
        const toRow = d.rows.find((r) => r.kind === 'moved-to');
        expect(d.stats.paragraphsMoved).toBe(1);
        expect(fromRow?.left).toBe(moved);
        expect(toRow).toMatchObject({ left: moved, right: edited, leftIndex: from, rightIndex: to, moveId: fromRow?.moveId });
        expect(applyOps(moved, toRow?.ops ?? [])).toBe(edited);
        expect(d.stats.paragraphsAdded + d.stats.paragraphsRemoved + d.stats.paragraphsChanged).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('bounded Myers always yields a common subsequence, and a longest one when unbounded', () => {
    const seq = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 });
    fc.assert(
      fc.property(seq, seq, fc.integer({ min: 1, max: 4 }), (xs, ys, maxCost) => {
        const a = Int32Array.from(xs);
        const b = Int32Array.from(ys);
        for (const opts of [{ maxCost }, { maxCost: 1_000_000 }]) {
          const del = new Uint8Array(a.length);
          const ins = new Uint8Array(b.length);
          diffSequences(a, b, del, ins, opts);
          const keptA = xs.filter((_, i) => !del[i]);
          expect(keptA).toEqual(ys.filter((_, j) => !ins[j]));
          if (opts.maxCost === 1_000_000) expect(keptA.length).toBe(lcsLength(xs, ys));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('histogram matching pairs equal elements in increasing order', () => {
    const seq = fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 40 });
    fc.assert(
      fc.property(seq, seq, (xs, ys) => {
        const { aToB, bToA } = histogramMatch(Int32Array.from(xs), Int32Array.from(ys));
        let last = -1;
        aToB.forEach((j, i) => {
          if (j < 0) return;
          expect(j).toBeGreaterThan(last);
          expect(xs[i]).toBe(ys[j]);
          expect(bToA[j]).toBe(i);
          last = j;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('similarPairs (prefix and positional filtering) finds exactly the pairs a brute-force comparison finds', () => {
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 14 }).map((xs) => Int32Array.from(xs).sort());
    const sets = fc.array(set, { minLength: 1, maxLength: 14 });
    fc.assert(
      fc.property(sets, sets, fc.constantFrom(0.2, 0.4, 0.5, 0.6, 0.8), (left, right, t) => {
        const expected: string[] = [];
        left.forEach((a, i) =>
          right.forEach((b, j) => {
            if (a.length + b.length > 0 && dice(a, b) >= t) expected.push(`${i}:${j}:${dice(a, b).toFixed(6)}`);
          }),
        );
        expect(similarPairs(left, right, t).map((p) => `${p.i}:${p.j}:${p.sim.toFixed(6)}`)).toEqual(expected);
        // Word sets come in order of first appearance: the order of their ids changes nothing.
        const reversed = (xs: Int32Array[]): Int32Array[] => xs.map((x) => x.slice().reverse());
        expect(similarPairs(reversed(left), reversed(right), t)).toEqual(similarPairs(left, right, t));
      }),
      { numRuns: 400 },
    );
  });

  it('the fast sentence splitter agrees with Intl.Segmenter', () => {
    const ch = fc.constantFrom(...'.!?"\'()[],;:- \n\r\tABab1éÉß’”“‘—–\u00a0xY«»#\u0085…'.split(''));
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 30 }), (chars) => {
        const text = chars.join('');
        expect(sentenceRanges(text)).toEqual(intlSentenceRanges(text));
        // Callers that know a text is ASCII skip the check for characters the splitter does not know.
        if ([...text].every((c) => c.charCodeAt(0) < 0x80)) expect(sentenceRanges(text, true)).toEqual(intlSentenceRanges(text));
      }),
      { numRuns: 3000 },
    );
  });
});

function lcsLength(xs: number[], ys: number[]): number {
  const row = new Array<number>(ys.length + 1).fill(0);
  for (const x of xs) {
    let prev = 0;
    for (let j = 1; j <= ys.length; j++) {
      const tmp = row[j] as number;
      row[j] = x === ys[j - 1] ? prev + 1 : Math.max(row[j] as number, row[j - 1] as number);
      prev = tmp;
    }
  }
  return row[ys.length] as number;
}
