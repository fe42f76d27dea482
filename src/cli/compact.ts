/**
 * `palimpsest compact`: converts the bodies and texts written before delta storage (gzip bodies, plain texts) to
 * delta-compressed storage, in small transactions, so that it can run while `serve` or workers use the database
 * (readers always find every row readable) and resumes where it stopped when interrupted.
 */
import cliProgress from 'cli-progress';
import { formatBytes } from '../export/progress.js';
import { openStore, type CompactKind, type Store, type StoredBytes } from '../store/index.js';
import { commandConfig, type GlobalOptions } from './context.js';

/** Flags of `compact`. */
export interface CompactOptions {
  /** Rows per transaction (default 50 bodies, 500 texts for --batch 50). */
  batch?: string;
  /** VACUUM afterwards (SQLite: rewrites the file to give the freed space back). */
  vacuum?: boolean;
}

/** Progress on a terminal (a bar on stderr), else a line on stdout at every tenth of the work. */
interface Progress {
  advance(n: number, label: string): void;
  stop(): void;
}

function progress(total: number): Progress {
  let done = 0;
  if (process.stderr.isTTY && total > 0) {
    const bar = new cliProgress.SingleBar({
      stream: process.stderr, hideCursor: true, etaBuffer: 50, fps: 5,
      format: '{bar} {percentage}% | {value}/{total} rows | {label} | ETA {eta_formatted}',
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { label: '' });
    return { advance: (n, label) => { done += n; bar.update(done, { label }); }, stop: () => bar.stop() };
  }
  let shown = 0;
  return {
    advance: (n, label) => {
      done += n;
      const tenth = Math.floor((done * 10) / Math.max(1, total));
      if (tenth <= shown && done < total) return;
      shown = tenth;
      process.stdout.write(`compact: ${done}/${total} rows (${Math.round((done * 100) / Math.max(1, total))}%) ${label}\n`);
    },
    stop: () => undefined,
  };
}

function sizes(b: StoredBytes): string {
  return `bodies ${formatBytes(b.bodies)}, texts ${formatBytes(b.texts)}`;
}

/** Converts every pre-delta row of `kind`, `batch` rows per transaction; returns how many. */
async function compactKind(store: Store, kind: CompactKind, batch: number, p: Progress): Promise<number> {
  let rows = 0;
  for (;;) {
    const step = await store.compactBatch(kind, batch);
    if (step.rows === 0) return rows;
    rows += step.rows;
    p.advance(step.rows, kind === 'body' ? 'bodies' : 'texts');
  }
}

/**
 * `compact [--batch N] [--vacuum]`: prints what it converted and the stored bytes before and after. Returns the exit
 * code: 0 done (also when nothing was left to convert), 1 failed (what was converted stays converted), 2 bad usage.
 */
export async function compactCommand(g: GlobalOptions, opts: CompactOptions): Promise<number> {
  const batch = opts.batch === undefined ? 50 : Number(opts.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) {
    process.stderr.write(`palimpsest compact: --batch must be a whole number from 1 to 100000, not "${opts.batch}"\n`);
    return 2;
  }
  let store: Store | null = null;
  let p: Progress | null = null;
  try {
    store = await openStore(commandConfig(g).db);
    const before = await store.storedBytes();
    const legacy = await store.countLegacyRows();
    process.stdout.write(`compact: ${legacy.bodies} bodies and ${legacy.texts} texts to convert (${sizes(before)})\n`);
    p = progress(legacy.bodies + legacy.texts);
    // Texts are small: ten times as many per transaction holds the write lock about as long.
    const bodies = await compactKind(store, 'body', batch, p);
    const texts = await compactKind(store, 'text', batch * 10, p);
    p.stop();
    const after = await store.storedBytes();
    const total = (b: StoredBytes): number => b.bodies + b.texts;
    process.stdout.write(`compact: converted ${bodies} bodies and ${texts} texts; before ${sizes(before)}; after ${sizes(after)}; `
      + `${formatBytes(total(before))} -> ${formatBytes(total(after))}\n`);
    if (opts.vacuum) {
      await store.reclaimSpace();
      process.stdout.write(`compact: space reclaimed (${store.backend === 'sqlite' ? 'VACUUM rewrote the file' : 'VACUUM'})\n`);
    }
    return 0;
  } catch (err) {
    p?.stop();
    process.stderr.write(`palimpsest: compact: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}
