/** The correction-notice rules (src/versioner/corrections.ts) on single sentences and on differ results. */
import { describe, expect, it } from '@jest/globals';
import { diffArticles } from '../src/differ/index.js';
import { correctionRules, findCorrectionNotice, isNotice, NOTICE_MAX } from '../src/versioner/corrections.js';

const rules = correctionRules();

describe('isNotice', () => {
  it.each([
    'Correction: An earlier version of this article misstated the date.',
    'Correction, Nov. 15, 2019: This article originally misidentified the first publisher of the novel.',
    'Correction added Nov. 18, 2019: The caption below the photograph originally made an unconfirmed statement.',
    'UPDATE: many readers asked how the charts were made.',
    'Update, 3:15 p.m. ET: The mayor has responded.',
    'Updated 14.05 Uhr — the vote was postponed.',
    'Clarification: The plan covers buses only.',
    "Editor's note: This story has been updated to include a response.",
    'This story was updated on Tuesday with comments from the council.',
    'A previous version of this report gave the wrong figure.',
    'The headline originally misstated the number of votes.',
    'Korrektur: In einer früheren Version dieses Artikels stand ein falsches Datum.',
    'Dieser Artikel wurde nachträglich aktualisiert.',
    'Mise à jour : le maire a réagi.',
    'Une version précédente de cet article indiquait une mauvaise date.',
    'Cet article a été corrigé.',
    'Fe de erratas: la votación fue el martes.',
    'Esta noticia ha sido actualizada con la reacción del alcalde.',
    'Rettifica: il voto si è tenuto martedì.',
    'Questo articolo è stato aggiornato.',
    'Atualização: o prefeito respondeu.',
    'Esta reportagem foi corrigida.',
    'Correctie: de stemming was op dinsdag.',
    'Dit artikel is bijgewerkt met een reactie van de burgemeester.',
  ])('reads %j as a notice', (s) => {
    expect(isNotice(s, rules)).toBe(true);
  });

  it.each([
    'The correction in the stock market wiped out a year of gains.',
    'Update your browser to keep reading.',
    'Update your browser: a newer version is available.',
    'Updated Police Identify Man, Woman Found Dead in Plano Apartment',
    'The entry-level MacBook Pro was last updated in July.',
    'Officers at the Metropolitan Correctional Center were charged.',
    'Une version de cet article a été publiée dans le journal du dimanche.',
    'An earlier version of the iPhone had a smaller screen.',
    'Der Artikel 5 des Grundgesetzes schützt die Pressefreiheit.',
  ])('does not read %j as a notice', (s) => {
    expect(isNotice(s, rules)).toBe(false);
  });

  it('runs extra patterns from the configuration on RE2, as written and lower-cased', () => {
    const extra = correctionRules({ enabled: true, patterns: ['^nota bene:'] });
    expect(isNotice('NOTA BENE: figures revised.', extra)).toBe(true);
    expect(isNotice('NOTA BENE: figures revised.', rules)).toBe(false);
    expect(() => correctionRules({ enabled: true, patterns: ['(a)\\1'] })).toThrow(/regex: .*backreferences/);
  });
});

describe('findCorrectionNotice', () => {
  const v1 = { title: 'T', paragraphs: ['The council voted on Tuesday.', 'The mayor welcomed the result.'] };

  it('finds a notice the new version added, as its whole paragraph', () => {
    const v2 = { title: 'T', paragraphs: [...v1.paragraphs, 'Update, 3:15 p.m. ET: The mayor has responded. More soon.'] };
    expect(findCorrectionNotice(diffArticles(v1, v2).sentences, rules, v2.paragraphs)).toBe('Update, 3:15 p.m. ET: The mayor has responded. More soon.');
  });

  it('ignores a notice that was there already, edited or not, and one that was removed', () => {
    const withNotice = { title: 'T', paragraphs: [...v1.paragraphs, 'Correction: the vote was on Tuesday, not Monday.'] };
    const edited = { title: 'T', paragraphs: ['The council voted on Tuesday evening.', v1.paragraphs[1]!, 'Correction: the vote was on Tuesday, not on Monday.'] };
    expect(findCorrectionNotice(diffArticles(withNotice, edited).sentences, rules, edited.paragraphs)).toBeNull();
    expect(findCorrectionNotice(diffArticles(withNotice, v1).sentences, rules, v1.paragraphs)).toBeNull();
  });

  it('cuts a long notice and says nothing when disabled', () => {
    const long = `Correction: ${'the figures were wrong and '.repeat(40)}now fixed.`;
    const v2 = { title: 'T', paragraphs: [...v1.paragraphs, long] };
    const found = findCorrectionNotice(diffArticles(v1, v2).sentences, rules, v2.paragraphs)!;
    expect(found.length).toBe(NOTICE_MAX);
    expect(found.endsWith('…')).toBe(true);
    expect(findCorrectionNotice(diffArticles(v1, v2).sentences, correctionRules({ enabled: false, patterns: [] }), v2.paragraphs)).toBeNull();
  });
});
