#!/usr/bin/env node
// Runs the roa-diff binary of the optional dependency for this platform (@roa-diff/OS-ARCH),
// passing arguments, stdin/stdout/stderr, the exit status and signals through unchanged.
// Plain Node and no dependencies: it must work after `npm install --ignore-scripts`.
'use strict';

const { spawn } = require('child_process');
const { binaryPath } = require('../lib/binary.js');

function fail(message) {
  process.stderr.write(`roa-diff: error: ${message}\n`);
  process.exit(2);
}

let binary;
try {
  binary = binaryPath();
} catch (err) {
  fail(err.message);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
// A signal sent to this process (a CI timeout, `kill`) goes on to the binary; the binary's end
// decides ours. Ctrl-C reaches both through the terminal's process group.
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'].filter((s) => process.platform !== 'win32' || s !== 'SIGQUIT');
const forward = (signal) => child.kill(signal);
for (const signal of forwarded) process.on(signal, forward);
child.on('error', (err) => fail(`cannot run ${binary}: ${err.message}`));
child.on('exit', (code, signal) => {
  for (const s of forwarded) process.removeListener(s, forward);
  if (signal) {
    // Die of the same signal, so the caller sees what the binary saw.
    process.kill(process.pid, signal);
  } else {
    process.exit(code);
  }
});
