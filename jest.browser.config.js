// Browser tests: the same transforms as jest.config.js, only test/browser/*.browser-spec.ts.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testRegex: 'test/browser/.*\\.browser-spec\\.ts$',
  testTimeout: 60000,
  // One browser at a time: the machine has two cores.
  maxWorkers: 1,
};
