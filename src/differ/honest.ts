/**
 * The honest-pairing rule: when two paragraphs may be shown as one edited paragraph.
 *
 * Two paragraphs are shown as an edit (a 'changed' or edited 'moved-to' row) only when their word diff keeps
 * enough of them: with `kept` the word tokens the diff shows unchanged (the words of its 'equal' ops, a
 * longest common subsequence of the two word sequences),
 *
 *   kept >= 1/3 of the longer side's words    (a rewrite that keeps a third of the text), or
 *   kept >= 1/2 of the shorter side's words   (an expansion or condensation that keeps most of the short side).
 *
 * Otherwise they are a removal plus an addition. The numbers come from every paragraph the differ paired as an
 * edit before this rule, between the versions of the corpus's real revisions (82 rows over all version pairs,
 * 29 between consecutive ones; see the README's "Diffs"). Unrelated pairs kept 15-22 % of the longer side and
 * 23-39 % of the shorter ("In the two decades since the riots, Mr. King…" against "Mr. King, whose life was a
 * roller coaster…": 17 % / 32 %; two attacks in Kandahar: 19 % / 23 %). Rewrites of one paragraph kept 39-100 %
 * of the longer side, or less of it but at least 53 % of the shorter (an expansion from 19 to 70 words that kept
 * its opening clause: 14 % / 53 %). Between them, three thorough rewrites kept 14-28 % of the longer side and
 * 34-45 % of the shorter: a word diff would mark three quarters of their words, so they read better as the old
 * paragraph removed and the new one added, and the rule shows them so. A row with no words on either side is
 * never refused (there is nothing to share); one with words on one side only always is.
 */

/** Least share of the longer side's words an edit keeps. */
export const EDIT_MIN_SHARE_LONGER = 1 / 3;
/** Least share of the shorter side's words an edit keeps (when it keeps less of the longer). */
export const EDIT_MIN_SHARE_SHORTER = 1 / 2;
/** Rounding slack: 1/3 of 3 words is 1 word, not a hair more. */
const EPSILON = 1e-9;

/**
 * True when two paragraphs of `oldWords` and `newWords` word tokens, whose word diff keeps `kept` words
 * unchanged, may be shown as one edited paragraph (see the module comment).
 */
export function isHonestEdit(kept: number, oldWords: number, newWords: number): boolean {
  const longer = Math.max(oldWords, newWords);
  const shorter = Math.min(oldWords, newWords);
  if (shorter === 0) return longer === 0;
  return kept >= EDIT_MIN_SHARE_LONGER * longer - EPSILON || kept >= EDIT_MIN_SHARE_SHORTER * shorter - EPSILON;
}
