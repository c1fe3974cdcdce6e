// Browser smoke tests: the real app on a port, driven by Debian's Chromium through playwright-core.
// The same @swc/jest transform as jest.config.js (see ../shared/STACK.md, pitfall 2).
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
  testRegex: 'test/browser/.*\\.browser-spec\\.ts$',
  transform: { '^.+\\.ts$': ['@swc/jest', ts], '^.+\\.m?js$': ['@swc/jest', js] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type)/)'],
  testEnvironment: 'node',
  testTimeout: 60000,
  // One browser at a time: the machine has two cores.
  maxWorkers: 1,
};
