/**
 * Jest runs the TypeScript sources as native ES modules, transpiled by SWC (type checking is `tsc --noEmit` in
 * `npm run lint`). Two projects: every test on SQLite, and the tests of everything above the store (store, web,
 * feeds, API, tracker, scheduler, sources, exports, import, CLI) again on PostgreSQL when PALIMPSEST_TEST_PG names a
 * test cluster (.ci/run starts one with scripts/pg-test-cluster.sh).
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFilesAfterEnv: ['<rootDir>/test/helpers/no-internet.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testTimeout: 60000,
};

/** Tests that the postgres project leaves out: pure modules (differ, extractor, discovery, fetcher, config), looks in a browser. */
const STORELESS = ['differ', 'extractor', 'discovery', 'fetcher', 'config', 'classify', 'versioner', 'browser', 'export-sort',
  // Extraction and versioning over the whole corpus: what it tests is above the store, and it is the slowest file.
  'no-false-versions',
  // Pure functions and a process that opens no database: correction rules, health signals, feed excerpts, the web
  // caches' byte counting (over an Express app without a store), `extract --explain` on a file.
  'corrections', 'health-signals', 'health-corpus', 'feed-excerpt', 'web-cache-bytes', 'cli-explain'];

const projects = [{ ...common, displayName: 'sqlite', testMatch: ['<rootDir>/test/**/*.test.ts'] }];
if (process.env.PALIMPSEST_TEST_PG) {
  projects.push({
    ...common,
    displayName: 'postgres',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: STORELESS.map((p) => `/test/${p}[^/]*\\.test\\.ts$`),
    setupFiles: ['<rootDir>/test/helpers/postgres-project.ts'],
  });
} else {
  process.stderr.write('PostgreSQL tests skipped: PALIMPSEST_TEST_PG is not set (bash scripts/pg-test-cluster.sh starts a test cluster)\n');
}

// Two workers even on a two-core machine: much of the suite waits on child processes, servers and Chromium (which
// run on the other core), so one worker (Jest's default there) leaves a core idle for most of the run.
// The long files start first (test/helpers/slow-first.mjs): Jest's own order puts them last on a clean checkout.
export default { projects, testTimeout: 60000, maxWorkers: 2, testSequencer: '<rootDir>/test/helpers/slow-first.mjs' };
