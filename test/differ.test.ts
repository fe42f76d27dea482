import { describe, it, expect } from '@jest/globals';
import {
  applyOps,
  countWords,
  diffArticles,
  diffStatsOnly,
  diffTexts,
  isWordToken,
  opsNewText,
  opsOldText,
  reconstruct,
  sentenceActions,
  splitParagraphs,
  toFeedHtml,
  toInline,
  toSideBySide,
  toUnifiedText,
  tokenize,
  type ArticleDiff,
  type DiffRow,
} from '../src/differ/index.js';
import { diffSequences } from '../src/differ/myers.js';

const paras = (...p: string[]): string => p.join('\n\n');
const kinds = (d: ArticleDiff): string[] => d.rows.map((r) => r.kind);

/** Deterministic filler text: paragraph `n` made of distinct words, so paragraphs never resemble each other. */
function filler(n: number, words = 12): string {
  const out: string[] = [];
  for (let k = 0; k < words; k++) out.push(`w${n}x${k}`);
  return `${out.join(' ')}.`;
}

describe('splitParagraphs', () => {
  it('splits at blank lines, trims, drops empties', () => {
    expect(splitParagraphs('  a b \n\n\n  c\nd  \n \t \n e\r\n\r\nf\n\n')).toEqual(['a b', 'c\nd', 'e', 'f']);
    expect(splitParagraphs('')).toEqual([]);
    expect(splitParagraphs('\n\n \n')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('is lossless and keeps words, numbers, punctuation and whitespace apart', () => {
    const text = 'Mr. King’s 1,000 dollars —  “paid”\tin 2012!';
    const tokens = tokenize(text);
    expect(tokens.join('')).toBe(text);
    expect(tokens).toEqual(['Mr', '.', ' ', 'King', '’', 's', ' ', '1', ',', '000', ' ', 'dollars', ' ', '—', '  ', '“', 'paid', '”', '\t', 'in', ' ', '2012', '!']);
    expect(countWords(text)).toBe(tokens.filter(isWordToken).length);
  });

  it('segments Chinese and Japanese into words with Intl.Segmenter', () => {
    const ja = '東京都に住んでいます。';
    const jaTokens = tokenize(ja);
    expect(jaTokens.join('')).toBe(ja);
    expect(jaTokens.length).toBeGreaterThan(3);
    expect(jaTokens).toContain('。');
    const zh = '我们今天去北京。iPhone 15 发布';
    const zhTokens = tokenize(zh);
    expect(zhTokens.join('')).toBe(zh);
    expect(zhTokens).toEqual(expect.arrayContaining(['我们', '今天', '北京', 'iPhone', '15']));
    expect(countWords(zh)).toBe(zhTokens.filter(isWordToken).length);
  });

  it('word-diffs CJK text word by word, not character by character or as one blob', () => {
    const d = diffTexts('我们今天去北京。', '我们明天去北京。');
    const ops = d.rows[0]?.ops ?? [];
    expect(ops).toEqual([
      { op: 'equal', text: '我们' },
      { op: 'delete', text: '今天' },
      { op: 'insert', text: '明天' },
      { op: 'equal', text: '去北京。' },
    ]);
    expect(d.stats.wordsAdded).toBe(1);
    expect(d.stats.wordsRemoved).toBe(1);
  });

  it('keeps astral characters and lone surrogates intact', () => {
    const text = 'emoji 😀 and 𝒳 and \ud800 lone';
    expect(tokenize(text).join('')).toBe(text);
  });
});

describe('diffArticles: rows', () => {
  it('word-diffs a changed paragraph', () => {
    const d = diffTexts(paras('The quick brown fox.', 'Same.'), paras('The quick red fox.', 'Same.'));
    expect(kinds(d)).toEqual(['changed', 'unchanged']);
    expect(d.rows[0]?.ops).toEqual([
      { op: 'equal', text: 'The quick ' },
      { op: 'delete', text: 'brown' },
      { op: 'insert', text: 'red' },
      { op: 'equal', text: ' fox.' },
    ]);
    expect(d.stats).toMatchObject({ wordsAdded: 1, wordsRemoved: 1, paragraphsChanged: 1, paragraphsAdded: 0, paragraphsRemoved: 0 });
  });

  it('shows a paragraph split in two as one changed row', () => {
    const whole = 'Officials said the bridge would reopen on Monday. Traffic has been diverted through the old town since March.';
    const d = diffTexts(paras(filler(1), whole, filler(2)), paras(filler(1), 'Officials said the bridge would reopen on Monday.', 'Traffic has been diverted through the old town since March.', filler(2)));
    expect(kinds(d)).toEqual(['unchanged', 'changed', 'unchanged']);
    const row = d.rows[1] as DiffRow;
    expect(row.rightCount).toBe(2);
    expect(row.leftCount).toBeUndefined();
    expect(row.right).toBe('Officials said the bridge would reopen on Monday.\n\nTraffic has been diverted through the old town since March.');
    expect(row.ops).toContainEqual({ op: 'insert', text: '\n\n' });
    expect(d.stats).toMatchObject({ paragraphsChanged: 1, paragraphsAdded: 0, paragraphsRemoved: 0, wordsAdded: 0, wordsRemoved: 0 });
    expect(reconstruct(d).new.paragraphs).toHaveLength(4);
  });

  it('shows two paragraphs merged into one as one changed row, with an edit inside', () => {
    const d = diffTexts(
      paras(filler(1), 'The mayor resigned on Tuesday.', 'She had led the city for nine years.', filler(2)),
      paras(filler(1), 'The mayor resigned on Tuesday; she had led the city for ten years.', filler(2)),
    );
    expect(kinds(d)).toEqual(['unchanged', 'changed', 'unchanged']);
    const row = d.rows[1] as DiffRow;
    expect(row.leftCount).toBe(2);
    expect(row.left).toBe('The mayor resigned on Tuesday.\n\nShe had led the city for nine years.');
    expect(d.stats).toMatchObject({ paragraphsChanged: 1, paragraphsAdded: 0, paragraphsRemoved: 0 });
    expect(opsOldText(row.ops ?? [])).toBe(row.left);
    expect(opsNewText(row.ops ?? [])).toBe(row.right);
  });

  it('shows a moved paragraph as moved, with its edits as ops on the moved-to row', () => {
    const moved = 'The central bank raised interest rates by a quarter point on Wednesday, its third increase this year.';
    const edited = 'The central bank raised interest rates by half a point on Wednesday, its third increase this year.';
    const a = [filler(1), moved, filler(2), filler(3), filler(4), filler(5)];
    const b = [filler(1), filler(2), filler(3), filler(4), edited, filler(5)];
    const d = diffArticles({ title: 't', paragraphs: a }, { title: 't', paragraphs: b });
    expect(kinds(d)).toEqual(['unchanged', 'moved-from', 'unchanged', 'unchanged', 'unchanged', 'moved-to', 'unchanged']);
    const from = d.rows[1] as DiffRow;
    const to = d.rows[5] as DiffRow;
    expect(from).toMatchObject({ left: moved, right: null, leftIndex: 1, rightIndex: null, moveId: 1 });
    expect(to).toMatchObject({ left: moved, right: edited, leftIndex: 1, rightIndex: 4, moveId: 1 });
    expect(applyOps(moved, to.ops ?? [])).toBe(edited);
    expect(d.stats).toMatchObject({ paragraphsMoved: 1, paragraphsAdded: 0, paragraphsRemoved: 0, wordsAdded: 1, wordsRemoved: 1 });
  });

  it('treats whitespace-only differences inside a paragraph as unchanged', () => {
    const d = diffTexts('One  two\tthree.\n\n\n\nFour.', 'One two three.\n\nFour.');
    expect(kinds(d)).toEqual(['unchanged', 'unchanged']);
    expect(d.rows[0]).toMatchObject({ left: 'One  two\tthree.', right: 'One two three.' });
    expect(d.stats.wordsAdded + d.stats.wordsRemoved + d.stats.paragraphsChanged).toBe(0);
  });

  it('reports added and removed paragraphs, old-only rows first within a gap', () => {
    const d = diffTexts(paras(filler(1), filler(2), filler(3)), paras(filler(1), filler(9), filler(3)));
    expect(kinds(d)).toEqual(['unchanged', 'removed', 'added', 'unchanged']);
    expect(d.stats).toMatchObject({ paragraphsAdded: 1, paragraphsRemoved: 1, wordsAdded: 12, wordsRemoved: 12 });
    expect(d.stats.changedShare).toBeCloseTo(24 / 72);
  });

  it('diffs the title word by word', () => {
    const d = diffArticles({ title: 'Greece Votes Today', paragraphs: ['x'] }, { title: 'Greece Votes  Again', paragraphs: ['x'] });
    expect(d.title.changed).toBe(true);
    expect(d.stats.titleChanged).toBe(true);
    expect(opsOldText(d.title.ops)).toBe('Greece Votes Today');
    expect(opsNewText(d.title.ops)).toBe('Greece Votes  Again');
    const same = diffArticles({ title: 'A  b', paragraphs: [] }, { title: 'A b', paragraphs: [] });
    expect(same.title.changed).toBe(false);
    expect(same.rows).toEqual([]);
  });

  it('tells apart paragraphs that agree at every character the paragraph matcher samples', () => {
    // 64-character paragraphs equal at every 4th character and at the end, different elsewhere: same sample
    // hash, so they share one chain of the matcher's table, which past a few entries switches to exact lookup.
    const para = (k: number): string => {
      let s = '';
      for (let q = 0; q < 64; q++) s += q % 4 === 0 || q === 63 ? 'a' : String.fromCharCode(98 + ((k >> (q % 4)) % 8));
      return s;
    };
    const old = Array.from({ length: 24 }, (_, k) => para(k));
    const now = [...old].reverse();
    now.splice(5, 1, para(40));
    const d = diffArticles({ title: '', paragraphs: old }, { title: '', paragraphs: now });
    const rebuilt = reconstruct(d);
    expect(rebuilt.old.paragraphs).toEqual(old);
    expect(rebuilt.new.paragraphs).toEqual(now);
    const unchanged = d.rows.filter((r) => r.kind === 'unchanged');
    for (const r of unchanged) expect(r.left).toBe(r.right);
    expect(new Set(old).size).toBeGreaterThan(9);
  });

  it('rejects malformed input with a message naming the module', () => {
    expect(() => diffArticles({ title: 'x', paragraphs: 'nope' as unknown as string[] }, { title: '', paragraphs: [] })).toThrow(/^differ: /);
  });

  it('stays bounded and correct on two long unrelated single paragraphs', () => {
    const words = (seed: number, n: number): string => {
      let x = seed;
      const out: string[] = [];
      for (let k = 0; k < n; k++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        out.push(`t${x % 400}`);
      }
      return out.join(' ');
    };
    const a = words(1, 5000);
    const b = words(2, 5000);
    const d = diffTexts(a, b);
    const rebuilt = reconstruct(d);
    expect(rebuilt.old.paragraphs).toEqual([a]);
    expect(rebuilt.new.paragraphs).toEqual([b]);
    // Whatever the cost cut-off did, counts must agree with the ops.
    const row = d.rows[0] as DiffRow;
    if (row.kind === 'changed') {
      const inserted = (row.ops ?? []).filter((o) => o.op === 'insert').reduce((n, o) => n + countWords(o.text), 0);
      expect(d.stats.wordsAdded).toBe(inserted);
    }
  });
});

describe('diffSequences (bounded Myers)', () => {
  it('is minimal on a small example and valid when the cost bound cuts in', () => {
    const a = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = Int32Array.from([1, 3, 4, 9, 6, 7, 2, 8]);
    for (const maxCost of [1, 2, 1000]) {
      const del = new Uint8Array(a.length);
      const ins = new Uint8Array(b.length);
      diffSequences(a, b, del, ins, { maxCost });
      const keptA = [...a].filter((_, i) => !del[i]);
      const keptB = [...b].filter((_, j) => !ins[j]);
      expect(keptA).toEqual(keptB);
      if (maxCost === 1000) expect(keptA).toEqual([1, 3, 4, 6, 7, 8]);
    }
  });
});

describe('sentence actions', () => {
  it('classifies added, deleted, edited and moved sentences', () => {
    const a = paras(
      'The storm hit the coast on Monday. Thousands lost power. Schools were closed.',
      filler(1),
      'Rescue teams were sent from three states.',
    );
    const b = paras(
      'The storm hit the coast early on Monday. Schools were closed. Officials urged residents to stay home.',
      filler(1),
      'Rescue teams were sent from three states. Thousands lost power.',
    );
    const actions = sentenceActions({ title: '', paragraphs: splitParagraphs(a) }, { title: '', paragraphs: splitParagraphs(b) });
    const summary = actions.map((s) => [s.action, s.old, s.new]);
    expect(summary).toEqual([
      ['edited', 'The storm hit the coast on Monday.', 'The storm hit the coast early on Monday.'],
      ['added', null, 'Officials urged residents to stay home.'],
      ['moved', 'Thousands lost power.', 'Thousands lost power.'],
    ]);
    const edited = actions[0];
    expect(edited?.oldAt).toEqual({ paragraph: 0, sentence: 0 });
    expect(opsOldText(edited?.ops ?? [])).toBe(edited?.old);
    expect(opsNewText(edited?.ops ?? [])).toBe(edited?.new);
    const stats = diffStatsOnly({ title: '', paragraphs: splitParagraphs(a) }, { title: '', paragraphs: splitParagraphs(b) });
    expect(stats).toMatchObject({ sentencesAdded: 1, sentencesDeleted: 0, sentencesEdited: 1, sentencesMoved: 1 });
  });

  it('counts the sentences of removed paragraphs as deleted', () => {
    const d = diffTexts(paras(filler(1), 'First gone. Second gone too!', filler(2)), paras(filler(1), filler(2)));
    expect(d.sentences.map((s) => [s.action, s.old])).toEqual([
      ['deleted', 'First gone.'],
      ['deleted', 'Second gone too!'],
    ]);
    expect(d.sentences[1]?.oldAt).toEqual({ paragraph: 1, sentence: 1 });
  });
});

describe('view models', () => {
  const d = diffTexts(paras('Alpha beta gamma.', filler(1), 'Removed here.'), paras('Alpha delta gamma.', filler(1), 'Added here instead, entirely new.'));

  it('side by side: segments rebuild each side', () => {
    const view = toSideBySide(d);
    expect(view.rows.map((r) => r.kind)).toEqual(['changed', 'unchanged', 'removed', 'added']);
    const first = view.rows[0];
    expect(first?.left).toEqual([
      { text: 'Alpha ', mark: null },
      { text: 'beta', mark: 'del' },
      { text: ' gamma.', mark: null },
    ]);
    expect(first?.right?.map((s) => s.text).join('')).toBe('Alpha delta gamma.');
    expect(view.rows[2]).toMatchObject({ left: [{ text: 'Removed here.', mark: 'del' }], right: null });
  });

  it('inline: one block per row with del/ins interleaved', () => {
    const view = toInline(d);
    expect(view.blocks[0]?.segments).toEqual([
      { text: 'Alpha ', mark: null },
      { text: 'beta', mark: 'del' },
      { text: 'delta', mark: 'ins' },
      { text: ' gamma.', mark: null },
    ]);
    expect(view.blocks[3]?.segments).toEqual([{ text: 'Added here instead, entirely new.', mark: 'ins' }]);
  });

  it('links the two rows of a move', () => {
    const moved = 'A long paragraph that will move somewhere else in the article text.';
    const m = diffArticles(
      { title: '', paragraphs: [moved, filler(1), filler(2), filler(3)] },
      { title: '', paragraphs: [filler(1), filler(2), filler(3), moved] },
    );
    const view = toSideBySide(m);
    const from = view.rows.findIndex((r) => r.kind === 'moved-from');
    const to = view.rows.findIndex((r) => r.kind === 'moved-to');
    expect(view.rows[from]?.otherRow).toBe(to);
    expect(view.rows[to]?.otherRow).toBe(from);
  });
});

describe('toFeedHtml', () => {
  it('escapes article text, including markup in deletions and insertions', () => {
    const d = diffArticles(
      { title: 'Old <b>title</b>', paragraphs: ['Safe text & more.', 'x < y'] },
      { title: 'New <b>title</b>', paragraphs: ['Safe text & more <script>alert("x")</script>.', '<img src=x onerror=alert(1)>'] },
    );
    const html = toFeedHtml(d);
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('&#38;');
    expect(html).toMatch(/<del style="[^"]+">/);
    expect(html).toMatch(/<ins style="[^"]+">/);
    expect(html).not.toMatch(/class=/);
  });

  it('trims long diffs to the changed paragraphs with context and markers', () => {
    const a = Array.from({ length: 30 }, (_, k) => filler(k));
    const b = [...a];
    b[10] = filler(100);
    b[25] = `${filler(25)} Extra sentence.`;
    const d = diffArticles({ title: '', paragraphs: a }, { title: '', paragraphs: b });
    const html = toFeedHtml(d, { contextParagraphs: 1, fullDiffUrl: 'https://example.org/a/1/diff/1/2?x=1&y=2' });
    expect(html).toContain('… 9 unchanged paragraphs …');
    expect(html).toContain('… 12 unchanged paragraphs …');
    expect(html).toContain('… 3 unchanged paragraphs …');
    expect(html).toContain(filler(9));
    expect(html).not.toContain(filler(8));
    expect(html).toContain('<a href="https://example.org/a/1/diff/1/2?x=1&#38;y=2">');
    const zero = toFeedHtml(d, { contextParagraphs: 0 });
    expect(zero).not.toContain(filler(9));
    expect(zero).toContain('… 10 unchanged paragraphs …');
  });

  it('cuts after maxParagraphs and says how many changes are left out', () => {
    const a = Array.from({ length: 10 }, (_, k) => filler(k));
    const b = a.map((p, k) => (k % 2 === 0 ? `${p} More.` : p));
    const html = toFeedHtml(diffArticles({ title: '', paragraphs: a }, { title: '', paragraphs: b }), { contextParagraphs: 0, maxParagraphs: 2 });
    expect(html).toContain('… 3 more changed paragraphs, 4 unchanged …');
  });

  it('refuses a link that is not http(s) or a path', () => {
    const d = diffTexts('a', 'b');
    expect(() => toFeedHtml(d, { fullDiffUrl: 'javascript:alert(1)' })).toThrow(/^differ: /);
    expect(toFeedHtml(d, { fullDiffUrl: '/articles/1/diff/1/2' })).toContain('href="/articles/1/diff/1/2"');
  });
});

describe('toUnifiedText', () => {
  const d = diffTexts(paras('Alpha beta gamma.', filler(1), 'Gone now.'), paras('Alpha delta gamma.', filler(1)));

  it('uses git word-diff markers without colour', () => {
    expect(toUnifiedText(d, { color: false })).toBe(`Alpha [-beta-]{+delta+} gamma.\n\n${filler(1)}\n\n[-Gone now.-]\n`);
    expect(toUnifiedText(d, { color: false, contextParagraphs: 0 })).toBe('Alpha [-beta-]{+delta+} gamma.\n\n… 1 unchanged paragraph …\n\n[-Gone now.-]\n');
  });

  it('shows a changed headline whole, old then new, never interleaved (as the feed does)', () => {
    const h = diffArticles({ title: 'Minister resigns after inquiry', paragraphs: ['Same text.'] }, { title: 'Minister quits after inquiry', paragraphs: ['Same text.'] });
    expect(toUnifiedText(h, { color: false })).toContain('Title: [-Minister resigns after inquiry-] {+Minister quits after inquiry+}');
    expect(toFeedHtml(h)).toMatch(/Headline:<\/strong> <del[^>]*>Minister resigns after inquiry<\/del> <ins[^>]*>Minister quits after inquiry<\/ins>/);
  });

  it('uses ANSI colours when asked, and neutralises control characters from the text', () => {
    const out = toUnifiedText(diffTexts('plain', 'plain \x1b[2J evil'), { color: true });
    expect(out).toContain('\x1b[32m');
    expect(out).not.toContain('\x1b[2J');
    expect(out).toContain('\ufffd[2J');
  });
});
