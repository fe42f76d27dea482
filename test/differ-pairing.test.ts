/**
 * Honest pairing (src/differ/honest.ts): two paragraphs are shown as one edited paragraph only when their word
 * diff keeps at least a third of the longer side's words or half of the shorter side's; otherwise they are a
 * removal plus an addition. Checked on fixtures and on every consecutive version pair of the corpus revisions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from '@jest/globals';
import { countWords, diffTexts, reconstruct, splitParagraphs, type ArticleDiff, type DiffRow } from '../src/differ/index.js';
import { EDIT_MIN_SHARE_LONGER, EDIT_MIN_SHARE_SHORTER, isHonestEdit } from '../src/differ/honest.js';
import { describeCorpus } from './helpers/corpus.js';

const paras = (...p: string[]): string => p.join('\n\n');

/** Words a row shows unchanged, and the words of each side, counted from its ops (what a reader sees). */
function shares(row: DiffRow): { kept: number; oldWords: number; newWords: number; longer: number; shorter: number } {
  const ops = row.ops ?? [];
  const kept = ops.filter((o) => o.op === 'equal').reduce((n, o) => n + countWords(o.text), 0);
  const oldWords = ops.filter((o) => o.op !== 'insert').reduce((n, o) => n + countWords(o.text), 0);
  const newWords = ops.filter((o) => o.op !== 'delete').reduce((n, o) => n + countWords(o.text), 0);
  const max = Math.max(oldWords, newWords);
  const min = Math.min(oldWords, newWords);
  return { kept, oldWords, newWords, longer: max === 0 ? 1 : kept / max, shorter: min === 0 ? (max === 0 ? 1 : 0) : kept / min };
}

/** The rows a reader sees as an edit: changed rows, and moved rows whose words changed. */
function editRows(d: ArticleDiff): DiffRow[] {
  return d.rows.filter((r) => r.kind === 'changed' || (r.kind === 'moved-to' && (r.ops ?? []).some((o) => o.op !== 'equal')));
}

/** True when the row keeps the documented share of its words (independently of isHonestEdit's code). */
function keepsDocumentedShare(row: DiffRow): boolean {
  const s = shares(row);
  return s.longer >= EDIT_MIN_SHARE_LONGER - 1e-9 || s.shorter >= EDIT_MIN_SHARE_SHORTER - 1e-9;
}

const BEFORE = 'Police said the shooting began shortly after 9 a.m. outside the courthouse on Main Street.';
const AFTER = 'Officers closed the street for the rest of the day while investigators collected evidence.';

describe('honest pairing: fixtures', () => {
  it('shows two unrelated paragraphs in the same place as a removal and an addition, not as one edit', () => {
    // They share "The / was / the / and / only one person": 7 of 28 words (25 %), 29 % of the shorter.
    const oldP = 'The woman was in close vicinity to the shooting and said she saw only one person with a gun, before she ran into the bakery on the corner.';
    const newP = 'The gunman was chillingly accurate, the police chief said: he fired six shots and hit only one person who was not his target.';
    const d = diffTexts(paras(BEFORE, oldP, AFTER), paras(BEFORE, newP, AFTER));
    expect(d.rows.map((r) => r.kind)).toEqual(['unchanged', 'removed', 'added', 'unchanged']);
    expect(d.rows[1]?.left).toBe(oldP);
    expect(d.rows[2]?.right).toBe(newP);
    expect(d.stats.paragraphsChanged).toBe(0);
    expect(d.stats.wordsRemoved).toBe(countWords(oldP));
    expect(d.stats.wordsAdded).toBe(countWords(newP));
    // The other way round too (the differ mirrors one orientation).
    const back = diffTexts(paras(BEFORE, newP, AFTER), paras(BEFORE, oldP, AFTER));
    expect(back.rows.map((r) => r.kind)).toEqual(['unchanged', 'removed', 'added', 'unchanged']);
    const rebuilt = reconstruct(d);
    expect(rebuilt.new.paragraphs).toEqual([BEFORE, newP, AFTER]);
  });

  it('keeps a one-word edit as one changed paragraph with the word marked', () => {
    const d = diffTexts(
      paras(BEFORE, 'She wanted to teach history at the local school for ten more years.', AFTER),
      paras(BEFORE, 'She wanted to teacher history at the local school for ten more years.', AFTER),
    );
    expect(d.rows.map((r) => r.kind)).toEqual(['unchanged', 'changed', 'unchanged']);
    const ops = d.rows[1]?.ops ?? [];
    expect(ops.filter((o) => o.op === 'delete').map((o) => o.text)).toEqual(['teach']);
    expect(ops.filter((o) => o.op === 'insert').map((o) => o.text)).toEqual(['teacher']);
    expect(d.stats).toMatchObject({ wordsAdded: 1, wordsRemoved: 1, paragraphsChanged: 1 });
  });

  it('keeps an expansion that keeps most of the short paragraph as an edit', () => {
    const oldP = 'The mayor said the bridge would reopen on Friday.';
    const newP = 'The mayor said at a news conference on Thursday evening, after engineers finished a last inspection of the cables and the deck, that the bridge would reopen to cars and buses on Friday.';
    const d = diffTexts(paras(BEFORE, oldP, AFTER), paras(BEFORE, newP, AFTER));
    expect(d.rows.map((r) => r.kind)).toEqual(['unchanged', 'changed', 'unchanged']);
    const s = shares(d.rows[1] as DiffRow);
    expect(s.longer).toBeLessThan(EDIT_MIN_SHARE_LONGER);
    expect(s.shorter).toBeGreaterThanOrEqual(EDIT_MIN_SHARE_SHORTER);
  });

  it('states the rule on word counts', () => {
    expect(isHonestEdit(10, 30, 30)).toBe(true); // a third of the longer
    expect(isHonestEdit(9, 30, 30)).toBe(false);
    expect(isHonestEdit(5, 10, 40)).toBe(true); // half of the shorter
    expect(isHonestEdit(4, 10, 40)).toBe(false);
    expect(isHonestEdit(0, 0, 0)).toBe(true); // punctuation only on both sides
    expect(isHonestEdit(0, 0, 3)).toBe(false);
  });
});

/** Every consecutive version pair of `<corpus>/revisions`, as texts. */
function consecutivePairs(dir: string): Array<{ name: string; a: string; b: string }> {
  const root = path.join(dir, 'revisions');
  const out: Array<{ name: string; a: string; b: string }> = [];
  for (const article of fs.readdirSync(root).sort()) {
    const metaFile = path.join(root, article, 'meta.json');
    if (!fs.existsSync(metaFile)) continue;
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { versions: Array<{ file: string }> };
    const texts = meta.versions.map((v) => fs.readFileSync(path.join(root, article, v.file), 'utf8'));
    for (let k = 1; k < texts.length; k++) out.push({ name: `${article} v${k}→v${k + 1}`, a: texts[k - 1] as string, b: texts[k] as string });
  }
  return out;
}

describeCorpus('honest pairing on the corpus revisions', (dir) => {
  it('shows no row as an edit whose two sides share less than the documented share of words, either way round', () => {
    const pairs = dir ? consecutivePairs(dir) : [];
    expect(pairs.length).toBeGreaterThan(10);
    const lines: string[] = [];
    let edits = 0;
    for (const p of pairs) {
      for (const [a, b, dir_] of [[p.a, p.b, '→'], [p.b, p.a, '←']] as const) {
        const d = diffTexts(a, b);
        for (const row of editRows(d)) {
          edits++;
          const s = shares(row);
          if (dir_ === '→') lines.push(`${p.name}: kept ${s.kept} of ${s.oldWords}/${s.newWords} words (${(100 * s.longer).toFixed(0)} % of the longer, ${(100 * s.shorter).toFixed(0)} % of the shorter)`);
          expect({ pair: p.name, left: row.left, ok: keepsDocumentedShare(row) }).toEqual({ pair: p.name, left: row.left, ok: true });
        }
        // Nothing is lost: the rows still give back both versions.
        const rebuilt = reconstruct(d);
        expect(rebuilt.old.paragraphs).toEqual(splitParagraphs(a));
        expect(rebuilt.new.paragraphs).toEqual(splitParagraphs(b));
      }
    }
    expect(edits).toBeGreaterThan(10);
    process.stdout.write(`\nedited rows of the corpus revisions (consecutive versions):\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  });
});
