// npm's `prepare` hook: build dist/ after `npm ci` or `npm install` on a checkout, so that
// `npm ci && npm start` works on a fresh clone. A production install without dev dependencies
// (`npm ci --omit=dev`) has no TypeScript: it must have been built before, and is left alone.
'use strict';
const { execFileSync } = require('node:child_process');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  process.stdout.write(
    'prepare: TypeScript is not installed (production install); using the existing dist/\n',
  );
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
