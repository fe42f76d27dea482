/** Jest runs the TypeScript sources as native ES modules, transpiled by SWC (type checking is `tsc --noEmit` in `npm run lint`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/no-internet.ts'],
  testTimeout: 60000,
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
