/** Progress of a batch on the terminal: a progress bar on a TTY, one plain line per item otherwise. */
import cliProgress from 'cli-progress';

/** Something that reports per-item progress and is stopped at the end. */
export interface ProgressReporter<T> {
  update(item: T): void;
  stop(): void;
}

/** A progress bar on a terminal (stderr), plain lines on stdout when not a terminal. */
export function progressReporter<T>(total: number, line: (item: T) => string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter<T> {
  if (!stream.isTTY || total === 0) {
    return { update: (item) => process.stdout.write(`${line(item)}\n`), stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar({ stream, format: '{bar} {value}/{total} {last}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { last: '' });
  return {
    update: (item) => bar.increment(1, { last: line(item).slice(0, 60) }),
    stop: () => bar.stop(),
  };
}
