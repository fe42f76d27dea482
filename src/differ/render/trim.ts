/** Shortening long diffs for feeds and the terminal: changed rows with some unchanged context around them. */
import type { DiffRow } from '../types.js';

/** One item of a trimmed diff: a row to show, a run of hidden unchanged rows, or the changed rows cut off at the end. */
export type TrimmedItem =
  | { type: 'row'; row: DiffRow; index: number }
  | { type: 'unchanged'; count: number }
  | { type: 'more'; changed: number; unchanged: number };

/**
 * Keeps every row that is not unchanged plus up to `context` unchanged rows before and after each of them;
 * each run of other unchanged rows becomes one 'unchanged' item. At most `maxRows` rows are shown: the rest
 * becomes one 'more' item counting the changed and unchanged rows left out.
 */
export function trimRows(rows: readonly DiffRow[], context: number, maxRows: number): TrimmedItem[] {
  const ctx = Math.max(0, Math.floor(context));
  const keep = new Uint8Array(rows.length);
  let lastChange = -Infinity;
  rows.forEach((row, i) => {
    if (row.kind !== 'unchanged') lastChange = i;
    if (i - lastChange <= ctx) keep[i] = 1;
  });
  let nextChange = Infinity;
  for (let i = rows.length - 1; i >= 0; i--) {
    if ((rows[i] as DiffRow).kind !== 'unchanged') nextChange = i;
    if (nextChange - i <= ctx) keep[i] = 1;
  }
  const items: TrimmedItem[] = [];
  let shown = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as DiffRow;
    if (shown >= maxRows) {
      let changed = 0;
      for (let k = i; k < rows.length; k++) if ((rows[k] as DiffRow).kind !== 'unchanged') changed++;
      items.push({ type: 'more', changed, unchanged: rows.length - i - changed });
      break;
    }
    if (keep[i]) {
      items.push({ type: 'row', row, index: i });
      shown++;
      continue;
    }
    const last = items[items.length - 1];
    if (last?.type === 'unchanged') last.count++;
    else items.push({ type: 'unchanged', count: 1 });
  }
  return items;
}

/** "… 1 unchanged paragraph …" / "… 3 unchanged paragraphs …". */
export function unchangedLabel(count: number): string {
  return `… ${count} unchanged paragraph${count === 1 ? '' : 's'} …`;
}

/** Label of the cut-off tail of a trimmed diff. */
export function moreLabel(changed: number, unchanged: number): string {
  const parts: string[] = [];
  if (changed > 0) parts.push(`${changed} more changed paragraph${changed === 1 ? '' : 's'}`);
  if (unchanged > 0) parts.push(`${unchanged} unchanged`);
  return `… ${parts.join(', ')} …`;
}

/** Human label of where a moved paragraph went or came from, relative to the row at `index`. */
export function moveDirection(index: number, other: number | undefined): 'up' | 'down' {
  return other !== undefined && other < index ? 'up' : 'down';
}
