/** View models for the web: side-by-side and inline, as plain data (text segments marked del/ins) for templates. */
import type { ArticleDiff, DiffRow, WordOp } from '../types.js';

/** A run of text; `mark` says whether it exists only in the old ('del') or only in the new ('ins') version. */
export interface Segment {
  text: string;
  mark: 'del' | 'ins' | null;
}

/** One side-by-side row. A side is null where the row has no paragraph on that side. */
export interface SideBySideRow {
  kind: DiffRow['kind'];
  /** Old side: equal + deleted text ('moved-to' rows show here the old text of the moved paragraph). */
  left: Segment[] | null;
  /** New side: equal + inserted text. */
  right: Segment[] | null;
  leftIndex: number | null;
  rightIndex: number | null;
  moveId?: number;
  /** For moved rows: index (in the same row list) of the other row of the move. */
  otherRow?: number;
}

/** Side-by-side view of a diff. */
export interface SideBySideView {
  title: { left: Segment[]; right: Segment[]; changed: boolean };
  rows: SideBySideRow[];
}

/** One block of the inline view: deletions and insertions interleaved in reading order. */
export interface InlineBlock {
  kind: DiffRow['kind'];
  segments: Segment[];
  leftIndex: number | null;
  rightIndex: number | null;
  moveId?: number;
  otherRow?: number;
}

/** Inline view of a diff. */
export interface InlineView {
  title: { segments: Segment[]; changed: boolean };
  blocks: InlineBlock[];
}

/** Segments of `ops`, keeping only the given kinds; adjacent segments with the same mark are merged, empty ones dropped. */
export function opsToSegments(ops: readonly WordOp[], keep: 'old' | 'new' | 'both'): Segment[] {
  const out: Segment[] = [];
  for (const op of ops) {
    if (op.op === 'insert' && keep === 'old') continue;
    if (op.op === 'delete' && keep === 'new') continue;
    const mark = op.op === 'equal' ? null : op.op === 'insert' ? 'ins' : 'del';
    pushSegment(out, op.text, mark);
  }
  return out;
}

function pushSegment(out: Segment[], text: string, mark: Segment['mark']): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.mark === mark) last.text += text;
  else out.push({ text, mark });
}

const whole = (text: string | null, mark: Segment['mark']): Segment[] => (text ? [{ text, mark }] : []);

/** For each row with a moveId, the index of the other row of the same move. */
export function moveCounterparts(rows: readonly DiffRow[]): Map<number, number> {
  const first = new Map<number, number>();
  const other = new Map<number, number>();
  rows.forEach((row, r) => {
    if (row.moveId === undefined) return;
    const f = first.get(row.moveId);
    if (f === undefined) first.set(row.moveId, r);
    else {
      other.set(f, r);
      other.set(r, f);
    }
  });
  return other;
}

function withMove<T extends { moveId?: number; otherRow?: number }>(view: T, row: DiffRow, r: number, others: Map<number, number>): T {
  if (row.moveId !== undefined) view.moveId = row.moveId;
  const o = others.get(r);
  if (o !== undefined) view.otherRow = o;
  return view;
}

/** The side-by-side view model of `diff`. */
export function toSideBySide(diff: ArticleDiff): SideBySideView {
  const others = moveCounterparts(diff.rows);
  const rows = diff.rows.map((row, r): SideBySideRow => {
    let left: Segment[] | null;
    let right: Segment[] | null;
    switch (row.kind) {
      case 'unchanged':
        left = whole(row.left, null);
        right = whole(row.right, null);
        break;
      case 'changed':
      case 'moved-to':
        left = opsToSegments(row.ops ?? [], 'old');
        right = opsToSegments(row.ops ?? [], 'new');
        break;
      case 'added':
        left = null;
        right = whole(row.right, 'ins');
        break;
      case 'removed':
        left = whole(row.left, 'del');
        right = null;
        break;
      case 'moved-from':
        left = whole(row.left, null);
        right = null;
        break;
    }
    const view: SideBySideRow = { kind: row.kind, left, right, leftIndex: row.leftIndex, rightIndex: row.rightIndex };
    return withMove(view, row, r, others);
  });
  return {
    title: { left: opsToSegments(diff.title.ops, 'old'), right: opsToSegments(diff.title.ops, 'new'), changed: diff.title.changed },
    rows,
  };
}

/**
 * The inline view model of `diff` ('moved-from' blocks carry the old text unmarked: the kind says it moved; a
 * changed headline is the old one struck through, then the new one: see inlineTitle).
 */
export function toInline(diff: ArticleDiff): InlineView {
  const others = moveCounterparts(diff.rows);
  const blocks = diff.rows.map((row, r): InlineBlock => {
    let segments: Segment[];
    switch (row.kind) {
      case 'unchanged':
        segments = whole(row.right, null);
        break;
      case 'changed':
      case 'moved-to':
        segments = opsToSegments(row.ops ?? [], 'both');
        break;
      case 'added':
        segments = whole(row.right, 'ins');
        break;
      case 'removed':
        segments = whole(row.left, 'del');
        break;
      case 'moved-from':
        segments = whole(row.left, null);
        break;
    }
    const block: InlineBlock = { kind: row.kind, segments, leftIndex: row.leftIndex, rightIndex: row.rightIndex };
    return withMove(block, row, r, others);
  });
  return { title: { segments: inlineTitle(diff.title), changed: diff.title.changed }, blocks };
}

/**
 * The inline headline: unchanged, the headline; changed, the old headline whole (deleted), a space, then the new
 * one whole (inserted). Headlines are short and read as units, so they are never interleaved word by word.
 */
export function inlineTitle(title: ArticleDiff['title']): Segment[] {
  if (!title.changed) return whole(title.new, null);
  const out = whole(title.old, 'del');
  if (title.old && title.new) out.push({ text: ' ', mark: null });
  return out.concat(whole(title.new, 'ins'));
}
