/** Reconstructing versions from a diff: the checks behind the differ's "lossless" promise (used by property tests). */
import type { ArticleDiff, DiffRow, WordOp } from './types.js';
import { PARAGRAPH_SEPARATOR } from './workspace.js';

/** The old text of `ops` (equal + delete). */
export function opsOldText(ops: readonly WordOp[]): string {
  let s = '';
  for (const op of ops) if (op.op !== 'insert') s += op.text;
  return s;
}

/** The new text of `ops` (equal + insert). */
export function opsNewText(ops: readonly WordOp[]): string {
  let s = '';
  for (const op of ops) if (op.op !== 'delete') s += op.text;
  return s;
}

/** Applies `ops` to `oldText` and returns the new text; throws when the ops were not made from `oldText`. */
export function applyOps(oldText: string, ops: readonly WordOp[]): string {
  let at = 0;
  let out = '';
  for (const op of ops) {
    if (op.op === 'insert') {
      out += op.text;
      continue;
    }
    if (!oldText.startsWith(op.text, at)) throw new Error(`differ: ops do not match the old text at offset ${at}`);
    at += op.text.length;
    if (op.op === 'equal') out += op.text;
  }
  if (at !== oldText.length) throw new Error('differ: ops do not cover the whole old text');
  return out;
}

/** A version rebuilt from a diff. */
export interface RebuiltVersion {
  title: string;
  paragraphs: string[];
}

function parts(text: string | null, count: number | undefined): string[] {
  if (text === null) throw new Error('differ: row side is missing');
  return (count ?? 1) > 1 ? text.split(PARAGRAPH_SEPARATOR) : [text];
}

/**
 * Rebuilds both versions from the rows alone: old paragraphs are the `left` of every row except added and
 * moved-to ones, new paragraphs the `right` of every row except removed and moved-from ones; the title
 * comes from the title ops. `reconstruct(diffArticles(a, b))` gives back `a` and `b` exactly.
 */
export function reconstruct(diff: ArticleDiff): { old: RebuiltVersion; new: RebuiltVersion } {
  const oldParas: string[] = [];
  const newParas: string[] = [];
  const hasOld = (r: DiffRow): boolean => r.kind !== 'added' && r.kind !== 'moved-to';
  const hasNew = (r: DiffRow): boolean => r.kind !== 'removed' && r.kind !== 'moved-from';
  for (const row of diff.rows) {
    if (hasOld(row)) oldParas.push(...parts(row.left, row.leftCount));
    if (hasNew(row)) newParas.push(...parts(row.right, row.rightCount));
  }
  return {
    old: { title: opsOldText(diff.title.ops), paragraphs: oldParas },
    new: { title: opsNewText(diff.title.ops), paragraphs: newParas },
  };
}
