/** One word-level operation. Concatenating the `text` of equal+delete ops gives the old paragraph; equal+insert gives the new one. */
export interface WordOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/**
 * One row of a side-by-side diff. `left` is the old paragraph (null for an added one),
 * `right` the new paragraph (null for a removed one). `ops` is set for changed and moved-to rows.
 *
 * - 'unchanged': same text up to whitespace (left and right keep their exact texts).
 * - 'changed': an edited paragraph. A paragraph split in two (or two merged into one) is ONE changed row whose
 *   side with several paragraphs holds them joined by "\n\n" (`leftCount`/`rightCount` say how many); the ops
 *   then show the paragraph break as an inserted (or deleted) "\n\n".
 * - 'moved-from': sits at the paragraph's old position; `left` is its old text, `right` and `rightIndex` are null.
 * - 'moved-to': sits at the new position; `left`/`right` are the old and new texts, `ops` the word diff
 *   between them (all 'equal' when it moved unedited); both indices are set.
 *
 * Row order: reading `left` of every row except 'added' and 'moved-to' gives the old paragraphs in order;
 * reading `right` of every row except 'removed' and 'moved-from' gives the new ones in order. Between two
 * rows that exist on both sides, old-only rows come before new-only rows.
 */
export interface DiffRow {
  kind: 'unchanged' | 'changed' | 'added' | 'removed' | 'moved-from' | 'moved-to';
  left: string | null;
  right: string | null;
  /** Index of the paragraph in the old text, or null. */
  leftIndex: number | null;
  /** Index of the paragraph in the new text, or null. */
  rightIndex: number | null;
  ops?: WordOp[];
  /** For moved rows: an id shared by the moved-from and moved-to rows of the same paragraph (1, 2, ... in row order). */
  moveId?: number;
  /** Number of old paragraphs joined in `left` when more than one (a merge). */
  leftCount?: number;
  /** Number of new paragraphs joined in `right` when more than one (a split). */
  rightCount?: number;
}

/** Change counts for a version pair. */
export interface DiffStats {
  wordsAdded: number;
  wordsRemoved: number;
  paragraphsAdded: number;
  paragraphsRemoved: number;
  paragraphsChanged: number;
  paragraphsMoved: number;
  /** Sentence-level actions (NewsEdits taxonomy). */
  sentencesAdded: number;
  sentencesDeleted: number;
  sentencesEdited: number;
  sentencesMoved: number;
  /** Share of the words that were added or removed: (wordsAdded + wordsRemoved) / (old words + new words), 0..1 (0 when both are empty). */
  changedShare: number;
  titleChanged: boolean;
}

/** The complete difference between two versions of an article. */
export interface ArticleDiff {
  title: { old: string; new: string; changed: boolean; ops: WordOp[] };
  rows: DiffRow[];
  stats: DiffStats;
  /** Sentence-level actions, in row order. */
  sentences: SentenceAction[];
}

/** Where a sentence sits: paragraph index in its version and sentence index within that paragraph (0-based). */
export interface SentencePosition {
  paragraph: number;
  sentence: number;
}

/**
 * One sentence-level edit action between two versions (after the NewsEdits taxonomy). `old`/`new` are the
 * sentence texts (trimmed), null on the side where the sentence does not exist. 'moved' is a sentence that
 * changed position (it left its paragraph, or its paragraph moved, or it was reordered within a paragraph);
 * it carries `ops` when its words changed too. 'edited' always carries `ops`.
 */
export interface SentenceAction {
  action: 'added' | 'deleted' | 'edited' | 'moved';
  old: string | null;
  new: string | null;
  oldAt: SentencePosition | null;
  newAt: SentencePosition | null;
  ops?: WordOp[];
}
