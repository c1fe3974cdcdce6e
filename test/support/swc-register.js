// `node -r ./test/support/swc-register.js src/main.ts`: runs the server's TypeScript as jest does
// (the same @swc/core settings), so tests can start the real server as a process without a build.
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
