/**
 * Mirroring a diff: the diff of (new, old) from the diff of (old, new). The differ computes every pair in one
 * canonical orientation and mirrors when asked the other way round, so diff(b, a) is exactly the mirror of
 * diff(a, b) even though the underlying heuristics (tie-breaking in Myers, histogram anchors, greedy
 * pairings) are not symmetric.
 */
import { renumberMoves } from './rows.js';
import { orderActions } from './sentences.js';
import type { ArticleDiff, DiffRow, DiffStats, SentenceAction, WordOp } from './types.js';

/** Ops with insertions and deletions swapped; within each change the deletion again comes first. */
export function mirrorOps(ops: readonly WordOp[]): WordOp[] {
  const out: WordOp[] = [];
  let del = '';
  let ins = '';
  const flush = (): void => {
    if (del) out.push({ op: 'delete', text: del });
    if (ins) out.push({ op: 'insert', text: ins });
    del = '';
    ins = '';
  };
  for (const op of ops) {
    if (op.op === 'equal') {
      flush();
      out.push({ op: 'equal', text: op.text });
    } else if (op.op === 'insert') {
      del += op.text;
    } else {
      ins += op.text;
    }
  }
  flush();
  return out;
}

const isOldOnly = (row: DiffRow): boolean => row.kind === 'removed' || row.kind === 'moved-from';
const isNewOnly = (row: DiffRow): boolean => row.kind === 'added' || row.kind === 'moved-to';

/** Puts old-only rows before new-only rows within every run of one-sided rows (stable otherwise). */
export function normalizeRowOrder(rows: DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  let k = 0;
  while (k < rows.length) {
    const row = rows[k] as DiffRow;
    if (!isOldOnly(row) && !isNewOnly(row)) {
      out.push(row);
      k++;
      continue;
    }
    const run: DiffRow[] = [];
    while (k < rows.length && (isOldOnly(rows[k] as DiffRow) || isNewOnly(rows[k] as DiffRow))) run.push(rows[k++] as DiffRow);
    out.push(...run.filter(isOldOnly), ...run.filter(isNewOnly));
  }
  return out;
}

/** The rows of the mirrored diff. */
function mirrorRows(rows: readonly DiffRow[]): DiffRow[] {
  const movedTo = new Map<number, DiffRow>();
  for (const row of rows) if (row.kind === 'moved-to' && row.moveId !== undefined) movedTo.set(row.moveId, row);
  const out = rows.map((row): DiffRow => {
    switch (row.kind) {
      case 'unchanged':
        return { kind: 'unchanged', left: row.right, right: row.left, leftIndex: row.rightIndex, rightIndex: row.leftIndex };
      case 'changed': {
        const m: DiffRow = { kind: 'changed', left: row.right, right: row.left, leftIndex: row.rightIndex, rightIndex: row.leftIndex, ops: mirrorOps(row.ops ?? []) };
        if (row.rightCount !== undefined) m.leftCount = row.rightCount;
        if (row.leftCount !== undefined) m.rightCount = row.leftCount;
        return m;
      }
      case 'added':
        return { kind: 'removed', left: row.right, right: null, leftIndex: row.rightIndex, rightIndex: null };
      case 'removed':
        return { kind: 'added', left: null, right: row.left, leftIndex: null, rightIndex: row.leftIndex };
      case 'moved-to':
        return { kind: 'moved-from', left: row.right, right: null, leftIndex: row.rightIndex, rightIndex: null, moveId: row.moveId };
      case 'moved-from': {
        const to = row.moveId === undefined ? undefined : movedTo.get(row.moveId);
        if (!to) throw new Error('differ: moved-from row without its moved-to row');
        return { kind: 'moved-to', left: to.right, right: to.left, leftIndex: to.rightIndex, rightIndex: to.leftIndex, ops: mirrorOps(to.ops ?? []), moveId: row.moveId };
      }
    }
  });
  const ordered = normalizeRowOrder(out);
  renumberMoves(ordered);
  return ordered;
}

function mirrorStats(s: DiffStats): DiffStats {
  return {
    ...s,
    wordsAdded: s.wordsRemoved,
    wordsRemoved: s.wordsAdded,
    paragraphsAdded: s.paragraphsRemoved,
    paragraphsRemoved: s.paragraphsAdded,
    sentencesAdded: s.sentencesDeleted,
    sentencesDeleted: s.sentencesAdded,
  };
}

function mirrorAction(a: SentenceAction): SentenceAction {
  const kind = a.action === 'added' ? 'deleted' : a.action === 'deleted' ? 'added' : a.action;
  const m: SentenceAction = { action: kind, old: a.new, new: a.old, oldAt: a.newAt, newAt: a.oldAt };
  if (a.ops) m.ops = mirrorOps(a.ops);
  return m;
}

/** The diff from `diff`'s new version to its old version. */
export function mirrorDiff(diff: ArticleDiff): ArticleDiff {
  const rows = mirrorRows(diff.rows);
  return {
    title: { old: diff.title.new, new: diff.title.old, changed: diff.title.changed, ops: mirrorOps(diff.title.ops) },
    rows,
    stats: mirrorStats(diff.stats),
    sentences: orderActions(diff.sentences.map(mirrorAction), rows),
  };
}
