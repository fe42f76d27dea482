/**
 * Extraction health on real article revisions (corpus revisions/): ordinary edits of real news articles, however
 * large, must not look like broken extraction (no false "much shorter" or "rewrite" judgements).
 */
import { expect, it } from '@jest/globals';
import { healthSchema } from '../src/config/health.js';
import { judgeCapture, paragraphsGoneShare } from '../src/health/signals.js';
import { versionText } from '../src/versioner/index.js';
import { describeCorpus } from './helpers/corpus.js';
import { loadRevisions } from './helpers/revisions.js';

describeCorpus('extraction health on real revisions', (corpus) => {
  it('judges every real edit healthy', () => {
    const h = healthSchema.parse({});
    const judged: Array<{ id: string; step: string; kind: string; gone: number }> = [];
    for (const a of loadRevisions(corpus)) {
      for (let k = 1; k < a.versions.length; k++) {
        const before = versionText(a.versions[k - 1]!.paragraphs);
        const after = a.versions[k]!.paragraphs;
        judged.push({ id: a.id, step: `${k}->${k + 1}`, kind: judgeCapture(before, after, h).kind, gone: Math.round(paragraphsGoneShare(a.versions[k - 1]!.paragraphs, after) * 100) / 100 });
      }
    }
    process.stdout.write(`health on ${judged.length} real edits: ${JSON.stringify(judged.map((j) => `${j.id} ${j.step} ${j.kind} gone=${j.gone}`))}\n`);
    expect(judged.length).toBeGreaterThan(10);
    expect(judged.filter((j) => j.kind !== 'ok')).toEqual([]);
  });
});
