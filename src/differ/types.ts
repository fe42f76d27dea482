/** One word-level operation. Concatenating the `text` of equal+delete ops gives the old paragraph; equal+insert gives the new one. */
export interface WordOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/**
 * One row of a side-by-side diff. `left` is the old paragraph (null for an added one),
 * `right` the new paragraph (null for a removed one). `ops` is set for changed and moved rows.
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
  /** For moved rows: an id shared by the moved-from and moved-to rows of the same paragraph. */
  moveId?: number;
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
  /** Share of the old text's words that changed, 0..1. */
  changedShare: number;
  titleChanged: boolean;
}

/** The complete difference between two versions of an article. */
export interface ArticleDiff {
  title: { old: string; new: string; changed: boolean; ops: WordOp[] };
  rows: DiffRow[];
  stats: DiffStats;
}
