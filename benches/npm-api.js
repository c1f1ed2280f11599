#!/usr/bin/env node
// The JavaScript API's cost per call against spawning the binary directly, on one diff, from a
// project that installed the packed npm packages (docs/performance.md, "JavaScript API"):
//   cd PROJECT && node /path/to/benches/npm-api.js OLD.yml NEW.yml [RUNS]
// Alternates the two, four rounds of RUNS sequential calls each (default 200).
'use strict';

const path = require('path');
const { execFile } = require('child_process');

const api = require.resolve('roa-diff', { paths: [process.cwd()] });
const { diff } = require(api);
const { binaryPath } = require(path.join(path.dirname(api), 'binary.js'));
const [oldManifest, newManifest, runs = '200'] = process.argv.slice(2);
const n = Number(runs);
const binary = binaryPath();
const direct = () => new Promise((resolve) => execFile(binary, ['--format=json', '--', oldManifest, newManifest], () => resolve()));
const viaApi = () => diff(oldManifest, newManifest);

(async () => {
  for (let round = 0; round < 4; round++) {
    for (const [name, once] of round % 2 ? [['direct', direct], ['api', viaApi]] : [['api', viaApi], ['direct', direct]]) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await once();
      const ms = Number(process.hrtime.bigint() - start) / 1e6 / n;
      process.stdout.write(`round ${round + 1} ${name}: ${ms.toFixed(2)} ms per call\n`);
    }
  }
})();
