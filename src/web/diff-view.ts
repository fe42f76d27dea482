/** Computing the diff of two stored versions with the differ, and shaping it for the diff page. */
import { diffVersions } from '../precompute/version-result.js';
import type { ArticleDiff, DiffRow } from '../differ/types.js';
import type { Version } from '../store/types.js';

/** The differ's ArticleDiff from version `a` to version `b` (either order). */
export function computeDiff(a: Pick<Version, 'title' | 'text'>, b: Pick<Version, 'title' | 'text'>): ArticleDiff {
  return diffVersions(a, b);
}

/** Where a change sits among the page's changes: its number (1-based), how many there are, and its neighbours. */
export interface ChangeMark {
  n: number;
  of: number;
  prev: number | null;
  next: number | null;
}

/** A row (side-by-side row or inline block) with its index in the diff's rows (the `row-N` anchor). */
export interface PageRow<R> {
  row: R;
  index: number;
  /** Set on the first row of each change: a change is a run of consecutive rows that are not unchanged. */
  change: ChangeMark | null;
}

/** What the page shows in order: visible rows, and runs of unchanged rows folded into a `<details>`. */
export type PageItem<R> = { type: 'row'; row: PageRow<R> } | { type: 'fold'; rows: PageRow<R>[] };

/** Result of {@link foldUnchanged}. */
export interface FoldedRows<R> {
  items: PageItem<R>[];
  /** Number of changes (runs of changed rows). */
  changes: number;
  /** Number of unchanged rows folded away. */
  folded: number;
}

/** Unchanged rows kept visible on each side of a change. */
export const CONTEXT_ROWS = 1;
/** Fewer unchanged rows than this between two visible ones are shown rather than folded (a fold of one saves nothing). */
const MIN_FOLD = 2;

/**
 * The rows of a diff page with unchanged paragraphs folded: `context` unchanged rows stay visible on each side of
 * every change, longer runs of unchanged rows become one fold, and the first row of every change carries its
 * number and its neighbours' (for anchors and previous/next links). Works on side-by-side rows and inline
 * blocks alike (anything with a `kind`).
 */
export function foldUnchanged<R extends { kind: DiffRow['kind'] }>(rows: readonly R[], context = CONTEXT_ROWS): FoldedRows<R> {
  const starts: number[] = [];
  rows.forEach((r, i) => {
    if (r.kind !== 'unchanged' && (i === 0 || (rows[i - 1] as R).kind === 'unchanged')) starts.push(i);
  });
  const changeAt = new Map<number, ChangeMark>();
  starts.forEach((i, k) => {
    changeAt.set(i, { n: k + 1, of: starts.length, prev: k > 0 ? k : null, next: k + 1 < starts.length ? k + 2 : null });
  });
  const items: PageItem<R>[] = [];
  let folded = 0;
  let i = 0;
  while (i < rows.length) {
    if ((rows[i] as R).kind !== 'unchanged') {
      items.push({ type: 'row', row: { row: rows[i] as R, index: i, change: changeAt.get(i) ?? null } });
      i++;
      continue;
    }
    let end = i;
    while (end < rows.length && (rows[end] as R).kind === 'unchanged') end++;
    // Visible context: after the change before this run, and before the change after it.
    const head = i > 0 ? context : 0;
    const tail = end < rows.length ? context : 0;
    const hidden = end - i - head - tail;
    const page = (k: number): PageRow<R> => ({ row: rows[k] as R, index: k, change: null });
    if (hidden < MIN_FOLD) {
      for (let k = i; k < end; k++) items.push({ type: 'row', row: page(k) });
    } else {
      for (let k = i; k < i + head; k++) items.push({ type: 'row', row: page(k) });
      const fold: PageRow<R>[] = [];
      for (let k = i + head; k < end - tail; k++) fold.push(page(k));
      items.push({ type: 'fold', rows: fold });
      folded += fold.length;
      for (let k = end - tail; k < end; k++) items.push({ type: 'row', row: page(k) });
    }
    i = end;
  }
  return { items, changes: starts.length, folded };
}

/** A version in the page's from/to pickers. */
export interface VersionChoice {
  number: number;
  capturedAt: string;
  title: string;
}

/** The byline change between two versions, or null when it did not change (bylines compared up to whitespace). */
export function bylineChange(a: Pick<Version, 'byline'>, b: Pick<Version, 'byline'>): { old: string; new: string } | null {
  const norm = (s: string | null): string => (s ?? '').replace(/\s+/g, ' ').trim();
  const o = norm(a.byline);
  const n = norm(b.byline);
  return o === n ? null : { old: o, new: n };
}
