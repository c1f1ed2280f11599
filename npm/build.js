#!/usr/bin/env node
// Lays out the npm packages from release binaries: `roa-diff` (the launcher, one optional
// dependency per platform) and `@roa-diff/<platform>` (one binary each), the way
// @biomejs/biome and @bufbuild/buf ship. Name, version, description, license and repository
// come from Cargo.toml, so they are said once.
//
// The launcher package also holds the JavaScript API (lib/index.js, lib/index.d.ts) and the
// report types npm/schema-types.js generates from docs/*.schema.json (lib/report.d.ts).
//
//   node npm/build.js --out DIR --binary PLATFORM=PATH [--binary ...] [--version X.Y.Z]
//
// PLATFORM is one of the keys of PLATFORMS (Node's `${process.platform}-${process.arch}`).
// Each DIR/<package> is ready for `npm pack` or `npm publish`.
'use strict';

const fs = require('fs');
const path = require('path');
const { generate: reportTypes } = require('./schema-types.js');

// Node platform -> the Rust target the release workflow builds for it. Linux builds are static
// musl, so one package serves glibc and musl (Alpine) systems alike.
const PLATFORMS = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
};

function fail(message) {
  process.stderr.write(`npm/build.js: error: ${message}\n`);
  process.exit(2);
}

function cargoField(toml, key) {
  const match = toml.match(new RegExp(`^${key} = "(.*)"$`, 'm'));
  if (!match) fail(`Cargo.toml has no ${key}`);
  return match[1];
}

function parseArgs(argv) {
  const args = { binaries: {} };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--out') args.out = value;
    else if (flag === '--version') args.version = value.replace(/^v/, '');
    else if (flag === '--binary') {
      const eq = value.indexOf('=');
      const platform = value.slice(0, eq);
      if (eq < 0 || !(platform in PLATFORMS)) {
        fail(`--binary takes PLATFORM=PATH with PLATFORM one of ${Object.keys(PLATFORMS).join(', ')}; got '${value}'`);
      }
      args.binaries[platform] = value.slice(eq + 1);
    } else fail(`unknown argument '${flag}'`);
  }
  if (!args.out) fail('--out DIR is required');
  if (Object.keys(args.binaries).length === 0) fail('give at least one --binary PLATFORM=PATH');
  return args;
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = path.join(__dirname, '..');
  const toml = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  const version = args.version || cargoField(toml, 'version');
  const repository = cargoField(toml, 'repository');
  const common = {
    version,
    license: cargoField(toml, 'license'),
    homepage: cargoField(toml, 'homepage'),
    repository: { type: 'git', url: `git+${repository}.git` },
  };
  const description = cargoField(toml, 'description');

  const launcherDir = path.join(args.out, 'roa-diff');
  fs.mkdirSync(path.join(launcherDir, 'bin'), { recursive: true });
  const launcher = JSON.parse(fs.readFileSync(path.join(__dirname, 'roa-diff', 'package.json'), 'utf8'));
  const optionalDependencies = {};
  for (const platform of Object.keys(PLATFORMS)) optionalDependencies[`@roa-diff/${platform}`] = version;
  // Every package carries the licence texts (listed in `files`: npm packs only LICENSE itself).
  const licences = ['LICENSE-MIT', 'LICENSE-APACHE'];
  const files = [...launcher.files, ...licences];
  writeJson(path.join(launcherDir, 'package.json'), { ...launcher, description, ...common, files, optionalDependencies });
  fs.copyFileSync(path.join(__dirname, 'roa-diff', 'bin', 'roa-diff.js'), path.join(launcherDir, 'bin', 'roa-diff.js'));
  fs.chmodSync(path.join(launcherDir, 'bin', 'roa-diff.js'), 0o755);
  fs.copyFileSync(path.join(__dirname, 'roa-diff', 'README.md'), path.join(launcherDir, 'README.md'));
  // The API (lib/), and its report types generated from the JSON Schemas now, so they cannot
  // drift from the contract.
  fs.cpSync(path.join(__dirname, 'roa-diff', 'lib'), path.join(launcherDir, 'lib'), { recursive: true });
  let types;
  try {
    types = reportTypes(root);
  } catch (err) {
    fail(`cannot generate lib/report.d.ts: ${err.message}`);
  }
  fs.writeFileSync(path.join(launcherDir, 'lib', 'report.d.ts'), types);
  const copyLicences = (dir) => licences.forEach((f) => fs.copyFileSync(path.join(root, f), path.join(dir, f)));
  copyLicences(launcherDir);

  for (const [platform, binary] of Object.entries(args.binaries)) {
    const [os, cpu] = platform.split('-');
    const exe = os === 'win32' ? 'roa-diff.exe' : 'roa-diff';
    const dir = path.join(args.out, platform);
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    if (!fs.existsSync(binary)) fail(`no binary at ${binary} for ${platform}`);
    fs.copyFileSync(binary, path.join(dir, 'bin', exe));
    fs.chmodSync(path.join(dir, 'bin', exe), 0o755);
    copyLicences(dir);
    writeJson(path.join(dir, 'package.json'), {
      name: `@roa-diff/${platform}`,
      description: `The roa-diff binary for ${platform} (${PLATFORMS[platform]}); install roa-diff, not this`,
      ...common,
      os: [os],
      cpu: [cpu],
      files: [`bin/${exe}`, ...licences],
      preferUnplugged: true,
    });
    fs.writeFileSync(path.join(dir, 'README.md'), `# @roa-diff/${platform}\n\nThe ${PLATFORMS[platform]} binary of [roa-diff](${repository}); install \`roa-diff\`, which depends on this package.\n`);
  }
  process.stdout.write(`${['roa-diff', ...Object.keys(args.binaries)].map((p) => path.join(args.out, p)).join('\n')}\n`);
}

main();
