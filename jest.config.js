// Tests run against the real stack that scripts/stack/main.ts starts (Postgres, Temporal, sandbox);
// the variables it exports are how a test finds them.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // ESM-only packages (jose, slonik and its own packages, p-limit…) are compiled to CommonJS for
  // jest's module system; outside jest, Node 24 loads them natively through require(esm).
  transformIgnorePatterns: [
    '/node_modules/(?!(jose|openid-client|oauth4webapi|p-limit|yocto-queue|serialize-error|slonik|@slonik|p-queue|p-timeout)/)',
  ],
  testTimeout: 60_000,
  // A failed test may leave a handle behind (a worker whose test timed out polling a server its
  // file already stopped): the run still ends, and reports the failure, instead of hanging CI.
  forceExit: true,
  // CI runs on a 2-core machine where each end-to-end file drives a worker, the API and a
  // sandbox: one file at a time keeps their timing honest there; locally two run side by side.
  maxWorkers: process.env.CI ? 1 : 2,
};
