// `node -r ./test/support/swc-register.js src/main.ts`: runs the server's TypeScript as jest does
// (the same @swc/core settings), so tests can start the real server as a process without a build.
// Each file's output is kept in node_modules/.cache/swc-register, by a hash of its path, its text,
// these settings and @swc/core's version: the suites start the server dozens of times, and
// compiling some 300 files took most of a second of each start.
const { transformSync, version } = require('@swc/core');
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const cacheDir = join(__dirname, '../../node_modules/.cache/swc-register');
const settings = JSON.stringify({ version, options });

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const kept = join(cacheDir, `${createHash('sha256').update(settings).update('\0').update(filename).update('\0').update(source).digest('hex')}.js`);
  let code;
  try {
    code = readFileSync(kept, 'utf8');
  } catch {
    code = transformSync(source, { ...options, filename }).code;
    // Written under another name and renamed: servers starting side by side never read half a file.
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${kept}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, kept);
  }
  module._compile(code, filename);
};
