/**
 * Correction notices on real text: the corpus's real successive article versions (each pair diffed as the tracker
 * does), and real article prose in many languages (the extraction corpus's article bodies and the snippets'
 * main-text passages, each sentence as if it had just been added) as the place where a rule could fire wrongly.
 * Everything flagged is written to test-output/corrections-corpus.txt for people to judge; the test holds the rule
 * to firing on a small share of ordinary prose and to flagging only text a version really added.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from '@jest/globals';
import { diffArticles, splitParagraphs } from '../src/differ/index.js';
import { correctionRules, findCorrectionNotice, isNotice } from '../src/versioner/corrections.js';
import { describeCorpus } from './helpers/corpus.js';
import { loadRevisions } from './helpers/revisions.js';

const REPORT = path.resolve('test-output', 'corrections-corpus.txt');

describeCorpus('correction notices on the real corpus', (dir) => {
  const rules = correctionRules();
  const lines: string[] = [];

  it('flags in successive real versions only notices that the later version added', () => {
    let pairs = 0;
    let flagged = 0;
    for (const a of loadRevisions(dir)) {
      for (let i = 1; i < a.versions.length; i++) {
        const prev = a.versions[i - 1]!;
        const cur = a.versions[i]!;
        pairs++;
        const notice = findCorrectionNotice(diffArticles(prev, cur).sentences, rules, cur.paragraphs);
        if (notice === null) continue;
        flagged++;
        lines.push(`revisions ${a.id} v${i + 1}: ${notice}`);
        const folded = (ps: readonly string[]): string => ps.join(' ').replace(/\s+/g, ' ');
        expect(folded(cur.paragraphs)).toContain(notice.replace(/…$/, ''));
        expect(folded(prev.paragraphs)).not.toContain(notice.replace(/…$/, ''));
      }
    }
    lines.push(`revisions: ${pairs} successive pairs, ${flagged} flagged`);
    expect(pairs).toBeGreaterThan(0);
  });

  it('fires on few sentences of ordinary article prose, in every language of the corpus', () => {
    const sentences: Array<{ where: string; text: string }> = [];
    const extraction = path.join(dir, 'extraction');
    for (const id of fs.readdirSync(extraction).sort()) {
      const file = path.join(extraction, id, 'truth.json');
      if (!fs.existsSync(file)) continue;
      const truth = JSON.parse(fs.readFileSync(file, 'utf8')) as { body?: string; site?: string };
      const added = diffArticles({ title: '', paragraphs: [] }, { title: '', paragraphs: splitParagraphs(truth.body ?? '') }).sentences;
      for (const s of added) if (s.new) sentences.push({ where: `extraction ${id} (${truth.site ?? '?'})`, text: s.new });
    }
    const snippets = path.join(dir, 'snippets');
    for (const id of fs.readdirSync(snippets).sort()) {
      const file = path.join(snippets, id, 'snippets.json');
      if (!fs.existsSync(file)) continue;
      const s = JSON.parse(fs.readFileSync(file, 'utf8')) as { with?: string[] };
      for (const text of s.with ?? []) sentences.push({ where: `snippets ${id}`, text });
    }
    const hits = sentences.filter((s) => isNotice(s.text, rules));
    for (const h of hits) lines.push(`prose ${h.where}: ${h.text.slice(0, 240)}`);
    lines.push(`prose: ${sentences.length} sentences and passages, ${hits.length} read as notices`);
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, `${lines.join('\n')}\n`);
    expect(sentences.length).toBeGreaterThan(1000);
    // A notice is rare in a body; a rule that fires on more than 1 sentence in 500 of ordinary prose is too loose.
    expect(hits.length / sentences.length).toBeLessThan(0.002);
  });
});
