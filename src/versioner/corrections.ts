/**
 * Correction and update notices: finds, in the text a version ADDED relative to the previous one (the differ's
 * sentence actions), a sentence that announces a correction or an update ("Correction: …", "An earlier version of
 * this article …", "This article has been updated", "Update:", "Clarification:", and the same in German, French,
 * Spanish, Italian, Portuguese and Dutch). A notice that was already there in the previous version does not flag
 * the new one. Pure: the rules below, the operator's extra patterns (RE2, see src/common/operator-regex.ts) and
 * the diff in, the notice out.
 *
 * The built-in rules are JavaScript regular expressions written here (bounded, no nested quantifiers: linear on
 * any text); the extra patterns come from the configuration and run on RE2 like every operator pattern.
 */
import type { SentenceAction } from '../differ/types.js';
import { compileOperatorRegex, type OperatorRegex } from '../common/operator-regex.js';

/** How corrections are looked for (config `corrections`). */
export interface CorrectionSettings {
  /** False: versions are never flagged. */
  enabled: boolean;
  /** Extra patterns (JavaScript syntax, run on RE2), tested on each added sentence as written and lower-cased. */
  patterns: readonly string[];
}

/** The defaults: on, no extra patterns. */
export const DEFAULT_CORRECTIONS: CorrectionSettings = { enabled: true, patterns: [] };

/** Longest notice kept on a version, in characters (a notice is a sentence; a run-on one is cut). */
export const NOTICE_MAX = 400;

// A letter or digit must not touch a keyword (JavaScript's \b is ASCII-only: "corrigé\b" would never match).
const START = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}])';

/**
 * Words that open a notice when followed by a colon or a dash, optionally with a time in between
 * ("Update, 3:15 p.m. ET:", "UPDATE —", "Mise à jour :", "Korrektur:").
 */
const HEADINGS = [
  // English
  'corrections?', 'clarifications?', 'editor[\'’]s note', 'updated?', 'amendments?', 'retraction',
  // German
  'korrektur', 'korrigendum', 'berichtigung', 'richtigstellung', 'klarstellung', 'aktualisierung', 'anmerkung der redaktion',
  'nachtrag', 'hinweis der redaktion',
  // French
  'rectificatifs?', 'précision', 'mise à jour', 'erratum', 'note de la rédaction',
  // Spanish
  'corrección', 'fe de erratas', 'aclaración', 'actualización', 'nota del editor', 'nota de la redacción',
  // Italian
  'correzione', 'rettifica', 'precisazione', 'aggiornamento', 'nota della redazione',
  // Portuguese
  'correção', 'correcção', 'errata', 'esclarecimento', 'atualização', 'actualização', 'nota da redação', 'nota da redacção',
  // Dutch
  'correctie', 'rectificatie', 'verduidelijking', 'naschrift', 'noot van de redactie',
];

/** Words that may stand between a heading and its colon: "added", a time or a date ("Correction added Nov. 18, 2019:"). */
const TIME_WORDS = [
  'added', 'appended', 'posted', 'issued', 'ergänzt', 'ajoutée?',
  '[0-9]{1,4}(?:[:.h][0-9]{2})?', 'a\\.?m\\.?', 'p\\.?m\\.?', 'uhr', 'h',
  'et', 'est', 'edt', 'pt', 'pst', 'pdt', 'ct', 'gmt', 'utc', 'bst', 'cet', 'cest', 'mez', 'mesz',
  'jan(?:uary)?', 'feb(?:ruary)?', 'mar(?:ch)?', 'apr(?:il)?', 'may', 'june?', 'july?', 'aug(?:ust)?', 'sept?(?:ember)?',
  'oct(?:ober)?', 'nov(?:ember)?', 'dec(?:ember)?',
];
/** Up to six of TIME_WORDS, each after a space, comma, bracket or dash: "Update, 3:15 p.m. ET", "Correction, Nov. 15, 2019". */
const TIME = `(?:[\\s,(–-]+(?:${TIME_WORDS.join('|')})\\.?\\)?){0,6}`;

/** Phrases that announce a correction or update wherever they stand in the sentence. */
const PHRASES = [
  // English
  '(?:an|a) (?:earlier|previous|prior) version of this (?:article|story|report|post|piece|column)',
  'this (?:article|story|report|post|piece) (?:has been|was) (?:updated|amended|corrected|changed|revised)',
  '(?:this|the) (?:article|story|report|post|piece|headline|caption) (?:originally|previously|incorrectly|erroneously) (?:mis[a-z]+|said|stated|reported|gave|described|referred|named|identified|attributed)',
  // German
  'in einer (?:früheren|ersten|vorherigen|älteren) (?:version|fassung) (?:dieses|des) (?:artikels|textes|beitrags)',
  '(?:dieser|der) (?:artikel|text|beitrag) wurde (?:nachträglich )?(?:aktualisiert|korrigiert|geändert|ergänzt|berichtigt)',
  // French
  'une (?:(?:précédente|première|ancienne) version|version (?:précédente|antérieure)) de cet (?:article|texte)',
  'cet article a été (?:mis à jour|corrigé|modifié|actualisé|rectifié)',
  // Spanish
  'una (?:versión anterior|primera versión|versión previa) de (?:este|esta) (?:artículo|nota|información|noticia|texto)',
  '(?:este artículo|esta noticia|esta nota|esta información|este texto) (?:ha sido|fue) (?:actualizad[oa]|corregid[oa]|modificad[oa])',
  // Italian
  'una (?:precedente|prima) versione di questo (?:articolo|testo|pezzo)',
  '(?:questo articolo|l[\'’]articolo) è stato (?:aggiornato|corretto|modificato|rettificato)',
  // Portuguese
  'uma (?:versão anterior|primeira versão) (?:deste|desta) (?:artigo|texto|reportagem|notícia|matéria)',
  '(?:este artigo|esta reportagem|esta notícia|esta matéria|este texto) foi (?:atualizad[oa]|actualizad[oa]|corrigid[oa]|modificad[oa])',
  // Dutch
  'een (?:eerdere|vorige) versie van dit (?:artikel|bericht|stuk)',
  'dit (?:artikel|bericht|stuk) is (?:aangepast|bijgewerkt|gecorrigeerd|gewijzigd)',
];

/** The built-in rules, compiled once: a heading at the start of a sentence, or a phrase anywhere in it. */
const BUILT_IN: readonly RegExp[] = [
  // The heading may also stand alone as a sentence: a splitter cuts "Correction, Nov. 15, 2019: …" after "Nov.".
  new RegExp(`^[\\s*\\[(«"“]*${START}(?:${HEADINGS.join('|')})${END}${TIME}\\s*(?:[:：—–]|\\.?\\s*$)`, 'iu'),
  new RegExp(`${START}(?:${PHRASES.join('|')})${END}`, 'iu'),
];

/** The rules of `settings`: the built-in ones and the compiled extra patterns (throws "regex: …" on a bad one). */
export interface CorrectionRules {
  enabled: boolean;
  extra: readonly OperatorRegex[];
}

// A configuration object lives as long as the process that loaded it: its patterns are compiled once, not per capture.
const compiled = new WeakMap<CorrectionSettings, CorrectionRules>();

/** Compiles the settings' extra patterns (once per configuration object); throws "regex: …" on a pattern RE2 cannot run. */
export function correctionRules(settings: CorrectionSettings = DEFAULT_CORRECTIONS): CorrectionRules {
  const known = compiled.get(settings);
  if (known) return known;
  const rules = { enabled: settings.enabled, extra: settings.patterns.map((p) => compileOperatorRegex(p, { unicode: true })) };
  compiled.set(settings, rules);
  return rules;
}

/** True when `sentence` reads as a correction or update notice under `rules`. */
export function isNotice(sentence: string, rules: CorrectionRules): boolean {
  const s = sentence.normalize('NFC');
  if (BUILT_IN.some((re) => re.test(s))) return true;
  if (rules.extra.length === 0) return false;
  const lower = s.toLowerCase();
  return rules.extra.some((re) => re.test(s) || re.test(lower));
}

/**
 * The first correction or update notice among the sentences a version added (the differ's sentence actions
 * against the previous version: added sentences, and edited or moved ones whose old text was no notice): the
 * whole paragraph holding it when `paragraphs` (the new version's) are given and it fits in NOTICE_MAX characters
 * (a sentence splitter cuts "Update, 3:15 p.m. ET: …" after "p.m."), else the sentence cut to NOTICE_MAX; null
 * when there is none or the rules are disabled.
 */
export function findCorrectionNotice(actions: readonly SentenceAction[], rules: CorrectionRules, paragraphs: readonly string[] = []): string | null {
  if (!rules.enabled) return null;
  for (const a of actions) {
    if (a.action === 'deleted' || a.new === null) continue;
    if (!isNotice(a.new, rules)) continue;
    if (a.old !== null && isNotice(a.old, rules)) continue; // the notice was there already
    const paragraph = a.newAt ? paragraphs[a.newAt.paragraph] : undefined;
    const whole = paragraph?.replace(/\s+/gu, ' ').trim();
    if (whole && whole.length <= NOTICE_MAX) return whole;
    const text = a.new.replace(/\s+/gu, ' ').trim();
    return text.length > NOTICE_MAX ? `${text.slice(0, NOTICE_MAX - 1)}…` : text;
  }
  return null;
}
