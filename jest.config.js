// @swc/jest transforms both our TypeScript and Nest 12's ESM files (see ../shared/STACK.md, pitfall 2).
const ts = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const js = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' }, module: { type: 'commonjs' } };

module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '(src/.*\\.spec|test/.*\\.e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['@swc/jest', ts], '^.+\\.m?js$': ['@swc/jest', js] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|openid-client|oauth4webapi|jose|oidc-provider|otplib|@otplib|@scure|@noble)/)'],
  testEnvironment: 'node',
  // A timeout only stops a test that has hung: generous, so results do not depend on how busy the machine is.
  testTimeout: 300000,
  // Three workers on our 2-core machines: each suite has its own database, and a worker waiting on
  // PostgreSQL, SQLite's disk or a child process leaves its core to another (measured: 350 s with
  // two workers, 320 s with three, on an idle machine).
  maxWorkers: 3,
  // Each suite leaves some of its modules in the worker's heap (1.2 GB by a worker's last suite,
  // and its garbage collection slower with it): a worker past 800 MB after a suite is started afresh.
  workerIdleMemoryLimit: '800MB',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/async-storages.ts', '<rootDir>/test/support/test-passwords.ts'],
};
