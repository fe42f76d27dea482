/**
 * Jest's test sequencer, with the suite's long files started first. Jest orders by the durations of the last run
 * on this machine, and without them (CI starts from a clean checkout) by file size, which put the two-to-three-minute
 * browser file last of all and left one worker running it alone at the end. The files below take the longest (seconds
 * measured on the two-core CI machine, per jest project); they start first, longest first, and the rest follow in
 * Jest's own order. Only the order changes: every file still runs.
 */
import TestSequencer from '@jest/test-sequencer';

const Base = TestSequencer.default ?? TestSequencer;

/** `<project>:<file>` -> seconds a run of it took in CI (an ordering estimate only; update when a file grows). */
const SLOW = {
  'sqlite:browser-pages.test.ts': 170,
  'postgres:cli.test.ts': 100,
  'postgres:store-concurrent-check.test.ts': 60,
  'sqlite:fleet.test.ts': 60,
  'postgres:fleet.test.ts': 60,
  'sqlite:no-false-versions.test.ts': 60,
  'sqlite:extractor-memory.test.ts': 55,
  'sqlite:cli.test.ts': 45,
  'sqlite:browser-variants.test.ts': 40,
  'postgres:store-delta.test.ts': 40,
  'sqlite:web-heavy.test.ts': 35,
  'postgres:web-heavy.test.ts': 35,
  'sqlite:e2e.test.ts': 30,
  'postgres:e2e.test.ts': 30,
  'postgres:import-hostile.test.ts': 30,
  'sqlite:browser-diff.test.ts': 30,
  'sqlite:browser-notify.test.ts': 28,
  'postgres:store-foreign.test.ts': 25,
  'postgres:sources-hostile-regex.test.ts': 25,
  'postgres:render-startup.test.ts': 25,
  'sqlite:browser-health.test.ts': 25,
  'sqlite:store-delta.test.ts': 22,
  'sqlite:extractor-corpus.test.ts': 20,
  'postgres:bench-generator.test.ts': 20,
  'postgres:cli-exit-codes.test.ts': 20,
  'postgres:worker-cli.test.ts': 20,
  'sqlite:browser-render.test.ts': 18,
  'sqlite:notify-cli.test.ts': 18,
  'postgres:notify-cli.test.ts': 18,
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
