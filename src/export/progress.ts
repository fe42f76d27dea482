/**
 * Terminal feedback for exports and imports: a progress bar on stderr only when stderr is a terminal (stdout may be
 * carrying the export itself), and a one-line summary at the end.
 */
import cliProgress from 'cli-progress';

/** A progress display that is told the current value and stopped at the end. */
export interface ProgressBar {
  update(value: number, label?: string): void;
  stop(): void;
}

/** A cli-progress bar on `stream` when it is a TTY and `total` > 0; otherwise a display that shows nothing. */
export function progressBar(total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY || total <= 0) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({
    stream, hideCursor: true, etaBuffer: 50, fps: 5,
    format: `{bar} {percentage}% | {value}/{total} ${unit} | {label} | ETA {eta_formatted}`,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { label: '' });
  return {
    update: (value, label = '') => bar.update(value, { label }),
    stop: () => bar.stop(),
  };
}

/** `1.2 MB` style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
