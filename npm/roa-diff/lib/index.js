// The programmatic API: diff(), diffGit() and check() run the native binary with
// `--format json` and resolve to its JSON document (docs/output.md), so the API has the CLI's
// stability guarantees (the document's schema_version). A thin wrapper by design: every option
// is a CLI flag, and the binary does all the validating of values.
// Plain Node >= 18 and no dependencies: it must work after `npm install --ignore-scripts`.
'use strict';

const { spawn } = require('child_process');
const { binaryPath } = require('./binary.js');

/** Exit status 2 of the binary, a binary that cannot be run, output that is not JSON, or a bad option. */
class RoaDiffError extends Error {
  constructor(message, exitCode = null, stderr = '') {
    super(message);
    this.name = 'RoaDiffError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

// Option key -> its CLI flag and the JavaScript type it takes. Values are passed as
// `--flag=VALUE`, one argv element, so a value starting with `-` stays a value.
const FLAGS = {
  failOn: { flag: '--fail-on', type: 'failOn' },
  vars: { flag: '--var', type: 'vars' },
  env: { flag: '--env', type: 'names' },
  maxBytes: { flag: '--max-bytes', type: 'count' },
  accept: { flag: '--accept', type: 'string' },
  acceptFrom: { flag: '--accept-from', type: 'string' },
  rulesUrl: { flag: '--rules-url', type: 'string' },
  path: { flag: '--path', type: 'string' },
  staged: { flag: '--staged', type: 'boolean' },
  baseTag: { flag: '--base-tag', type: 'string' },
};

// The options each function takes: the flags its CLI command has (`roa-diff --help`,
// `roa-diff check --help`) that matter to JSON output, plus cwd (the child's working directory)
// and, for diffGit, the BASE and HEAD revisions.
const COMMON = ['failOn', 'vars', 'env', 'maxBytes', 'rulesUrl', 'cwd'];
const DIFF_OPTIONS = [...COMMON, 'accept', 'acceptFrom'];
const GIT_OPTIONS = [...DIFF_OPTIONS, 'base', 'head', 'baseTag', 'staged', 'path'];
const CHECK_OPTIONS = [...COMMON, 'path'];

function isString(value) {
  return typeof value === 'string' && value !== '';
}

function invalid(what, expected) {
  return new RoaDiffError(`roa-diff: ${what} must be ${expected}`);
}

// The `--flag=VALUE` arguments for `options`; throws a RoaDiffError for an option `allowed`
// does not list (a typo must not be ignored silently) or a value of the wrong type.
function flagArgs(fn, options, allowed) {
  if (options === undefined) return [];
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`${fn}(): options`, 'an object');
  }
  const args = [];
  for (const [key, value] of Object.entries(options)) {
    if (!allowed.includes(key)) {
      throw new RoaDiffError(`roa-diff: ${fn}(): unknown option '${key}'; it takes ${allowed.join(', ')}`);
    }
    if (value === undefined || !(key in FLAGS)) continue;
    const { flag, type } = FLAGS[key];
    const what = `${fn}(): option ${key}`;
    if (type === 'string') {
      if (!isString(value)) throw invalid(what, 'a non-empty string');
      args.push(`${flag}=${value}`);
    } else if (type === 'boolean') {
      if (typeof value !== 'boolean') throw invalid(what, 'a boolean');
      if (value) args.push(flag);
    } else if (type === 'count') {
      if (!Number.isSafeInteger(value) || value < 0) throw invalid(what, 'a non-negative integer');
      args.push(`${flag}=${value}`);
    } else if (type === 'failOn') {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.length === 0 || !list.every(isString)) {
        throw invalid(what, 'a string or a non-empty array of strings');
      }
      args.push(`${flag}=${list.join(',')}`);
    } else if (type === 'names') {
      if (!Array.isArray(value) || !value.every(isString)) throw invalid(what, 'an array of names');
      for (const name of value) args.push(`${flag}=${name}`);
    } else if (type === 'vars') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw invalid(what, 'an object of NAME: VALUE strings');
      }
      for (const [name, text] of Object.entries(value)) {
        // The CLI splits NAME=VALUE at the first `=`: a name holding one would change meaning.
        if (name === '' || name.includes('=')) throw invalid(`${what}: the name '${name}'`, 'non-empty, without =');
        if (typeof text !== 'string') throw invalid(`${what}.${name}`, 'a string');
        args.push(`${flag}=${name}=${text}`);
      }
    }
  }
  return args;
}

function cwdOf(fn, options) {
  const cwd = options && options.cwd;
  if (cwd !== undefined && !isString(cwd)) throw invalid(`${fn}(): option cwd`, 'a non-empty string');
  return cwd;
}

function positional(fn, name, value) {
  if (!isString(value)) throw invalid(`${fn}(): ${name}`, 'a non-empty string (a path, REV:PATH or :PATH)');
  // The binary's standard input is closed here: `-` would read an empty manifest.
  if (value === '-') throw invalid(`${fn}(): ${name}`, 'a path, REV:PATH or :PATH, not - (the API gives the binary no standard input; write the text to a file)');
  return value;
}

// Runs the binary with `args`, then `--` and `operands` (so an operand such as `--help.yml` or
// `check` is a file name, not a flag or a command); never through a shell.
function run(args, operands, cwd) {
  return new Promise((resolve, reject) => {
    const binary = binaryPath(); // throws the launcher's one-line message, as a RoaDiffError below
    const child = spawn(binary, [...args, '--format=json', '--', ...operands], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', (err) => reject(new RoaDiffError(`roa-diff: error: cannot run ${binary}: ${err.message}`)));
    child.on('close', (code, signal) => {
      const errText = Buffer.concat(stderr).toString('utf8');
      const errLine = errText.split('\n').find((line) => line.trim() !== '');
      if (code !== 0 && code !== 1) {
        const why = signal ? `was ended by ${signal}` : `exited with status ${code}`;
        reject(new RoaDiffError(code === 2 && errLine ? errLine.trim() : `roa-diff: error: ${binary} ${why}`, code, errText));
        return;
      }
      let report;
      try {
        report = JSON.parse(Buffer.concat(stdout).toString('utf8'));
      } catch (err) {
        reject(new RoaDiffError(`roa-diff: error: ${binary} printed no JSON document (exit ${code}): ${err.message}`, code, errText));
        return;
      }
      resolve({ exitCode: code, failed: code === 1, report });
    });
  }).catch((err) => {
    throw err instanceof RoaDiffError ? err : new RoaDiffError(`roa-diff: error: ${err.message}`);
  });
}

/** Compares two manifests, as `roa-diff OLD NEW --format json`. */
async function diff(oldManifest, newManifest, options) {
  const operands = [positional('diff', 'oldManifest', oldManifest), positional('diff', 'newManifest', newManifest)];
  return run(flagArgs('diff', options, DIFF_OPTIONS), operands, cwdOf('diff', options));
}

/** Compares every Forge manifest of two git revisions, as `roa-diff --git [BASE [HEAD]] --format json`. */
async function diffGit(options) {
  const args = flagArgs('diffGit', options, GIT_OPTIONS);
  const { base, head, baseTag } = options || {};
  const operands = [];
  if (base !== undefined) {
    if (baseTag !== undefined) throw new RoaDiffError('roa-diff: diffGit(): give base or baseTag, not both');
    operands.push(positional('diffGit', 'option base', base));
  } else if (head !== undefined && baseTag === undefined) {
    throw new RoaDiffError('roa-diff: diffGit(): option head needs base or baseTag');
  }
  if (head !== undefined) operands.push(positional('diffGit', 'option head', head));
  return run(['--git', ...args], operands, cwdOf('diffGit', options));
}

/** One manifest's eligibility and deploy blockers (default: every manifest of the repository), as `roa-diff check --format json`. */
async function check(manifest, options) {
  // check(options) reads as check(undefined, options).
  if (options === undefined && manifest !== null && typeof manifest === 'object') [manifest, options] = [undefined, manifest];
  const operands = manifest === undefined ? [] : [positional('check', 'manifest', manifest)];
  return run(['check', ...flagArgs('check', options, CHECK_OPTIONS)], operands, cwdOf('check', options));
}

module.exports = { diff, diffGit, check, RoaDiffError };
