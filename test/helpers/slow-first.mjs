/**
 * Jest's test sequencer, with the suite's long files started first. Jest orders by the durations of the last run
 * on this machine, and without them (CI starts from a clean checkout) by file size, which put the two-to-three-minute
 * browser file last of all and left one worker running it alone at the end. The files below take the longest (seconds
 * measured on the two-core CI machine, per jest project); they start first, longest first, and the rest follow in
 * Jest's own order. Only the order changes: every file still runs.
 */
import TestSequencer from '@jest/test-sequencer';

const Base = TestSequencer.default ?? TestSequencer;

/**
 * `<project>:<file>` -> seconds a run of it takes on the two-core CI machine (an ordering estimate only: per-file
 * times of both projects measured one worker at a time, scaled to CI; update when a file grows).
 */
const SLOW = {
  'sqlite:browser-pages.test.ts': 85,
  'sqlite:no-false-versions.test.ts': 60,
  'sqlite:extractor-memory.test.ts': 60,
  'postgres:fleet.test.ts': 45,
  'postgres:web-heavy.test.ts': 40,
  'postgres:store-delta.test.ts': 35,
  'sqlite:extractor-corpus.test.ts': 30,
  'sqlite:web-heavy.test.ts': 30,
  'sqlite:browser-variants.test.ts': 28,
  'postgres:store-concurrent-check.test.ts': 27,
  'postgres:bench-generator.test.ts': 25,
  'sqlite:browser-diff.test.ts': 23,
  'postgres:import-hostile.test.ts': 22,
  'sqlite:store-delta.test.ts': 20,
  'sqlite:browser-health.test.ts': 20,
  'postgres:notify-cli.test.ts': 20,
  'postgres:e2e.test.ts': 19,
  'sqlite:notify-cli.test.ts': 17,
  'sqlite:browser-notify.test.ts': 17,
  'sqlite:cli.test.ts': 15,
  'postgres:cli.test.ts': 15,
  'postgres:feedparser.test.ts': 15,
  'sqlite:e2e.test.ts': 15,
  'sqlite:browser-render.test.ts': 14,
  'sqlite:extractor-deep.test.ts': 13,
  'postgres:cli-exit-codes.test.ts': 13,
  'postgres:render-startup.test.ts': 12,
  'postgres:render.test.ts': 12,
  'postgres:export-jsonl.test.ts': 10,
  'postgres:feeds.test.ts': 10,
  'postgres:render-export.test.ts': 10,
  'sqlite:bench-generator.test.ts': 10,
};

/** The estimate for one test file in its project, or undefined when it is not among the long ones. */
function estimate(test) {
  const project = test.context.config.displayName?.name ?? '';
  const file = test.path.split(/[\\/]/).pop();
  return SLOW[`${project}:${file}`];
}

/** Long files first (longest first), then Jest's usual order (last run's failures and durations, else file size). */
export default class SlowFirstSequencer extends Base {
  sort(tests) {
    const rest = super.sort(tests.filter((t) => estimate(t) === undefined));
    const slow = tests.filter((t) => estimate(t) !== undefined).sort((a, b) => estimate(b) - estimate(a));
    return [...slow, ...rest];
  }
}
