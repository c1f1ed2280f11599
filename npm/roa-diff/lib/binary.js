// Where the native roa-diff binary is: in the optional dependency for this platform
// (@roa-diff/OS-ARCH). The one lookup shared by the launcher (bin/roa-diff.js) and the API
// (lib/index.js), so both find the same file and fail with the same messages.
// Plain Node and no dependencies: it must work after `npm install --ignore-scripts`.
'use strict';

const path = require('path');

const platform = `${process.platform}-${process.arch}`;
const pkg = `@roa-diff/${platform}`;
const exe = process.platform === 'win32' ? 'roa-diff.exe' : 'roa-diff';

// The binary's path; throws an Error whose message is the one line to show the user (without
// the `roa-diff: error: ` prefix, which the caller adds where it prints).
function binaryPath() {
  const { optionalDependencies = {} } = require('../package.json');
  if (!(pkg in optionalDependencies)) {
    throw new Error(`no prebuilt roa-diff for ${platform}; build it from source: cargo install --locked roa-diff`);
  }
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'bin', exe);
  } catch (_) {
    throw new Error(`the package ${pkg} that holds the binary for ${platform} is not installed; reinstall roa-diff without --omit=optional / --no-optional`);
  }
}

module.exports = { binaryPath };
