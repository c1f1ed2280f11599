// The JavaScript API of the installed npm package, run by tests/npm.rs in a scratch project:
//   node api.js EXAMPLES_DIR SCRATCH_DIR GIT_REPO
// EXAMPLES_DIR holds v1.yml and v2.yml (testdata/examples), SCRATCH_DIR is an empty folder,
// GIT_REPO a repository whose HEAD commits v1.yml as manifest.yml with v2.yml in the working tree.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { diff, diffGit, check, RoaDiffError } = require('roa-diff');

const [examples, scratch, repo] = process.argv.slice(2);
const v1 = path.join(examples, 'v1.yml');
const v2 = path.join(examples, 'v2.yml');
let checks = 0;

// Asserts `promise` rejects with a RoaDiffError; returns it.
async function rejects(promise, exitCode, message) {
  const err = await promise.then(
    (result) => assert.fail(`resolved: ${JSON.stringify(result).slice(0, 200)}`),
    (e) => e,
  );
  assert.ok(err instanceof RoaDiffError, `${err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'RoaDiffError');
  assert.equal(err.exitCode, exitCode, err.message);
  if (message instanceof RegExp) assert.match(err.message, message);
  else assert.equal(err.message, message);
  checks += 1;
  return err;
}

async function main() {
  // The example's major update that loses Runs on Atlassian: exit 1, the report parsed.
  let r = await diff(v1, v2);
  assert.equal(r.exitCode, 1);
  assert.equal(r.failed, true);
  assert.equal(r.report.schema_version, 2);
  assert.equal(r.report.verdict.update, 'major');
  assert.equal(r.report.verdict.roa.change, 'lost');
  assert.ok(r.report.changes.some((c) => c.rule === 'remote-added' && c.level === 'major'), JSON.stringify(r.report.changes));
  assert.equal(r.report.new.source, v2);
  checks += 1;

  // No change: exit 0.
  r = await diff(v1, v1);
  assert.deepEqual([r.exitCode, r.failed, r.report.verdict.update], [0, false, 'none']);
  checks += 1;

  // failOn reaches --fail-on: `never` reports without failing; an array is the comma list.
  r = await diff(v1, v2, { failOn: 'never' });
  assert.deepEqual([r.exitCode, r.failed, r.report.verdict.update], [0, false, 'major']);
  r = await diff(v1, v2, { failOn: ['ineligible', 'never'] });
  assert.equal(r.exitCode, 1, 'ineligible trips on v2');
  r = await diff(v1, v2, { failOn: ['blocked'] });
  assert.equal(r.exitCode, 0, 'v2 has no deploy blocker');
  checks += 1;

  // vars reach --var: the declared ${API_HOST} decides whether the egress changed.
  const old = path.join(scratch, 'old.yml');
  const templated = path.join(scratch, 'new.yml');
  fs.writeFileSync(old, 'permissions:\n  external:\n    fetch:\n      backend:\n        - https://api.example.com\n');
  fs.writeFileSync(templated, 'environment:\n  variables:\n    - API_HOST\npermissions:\n  external:\n    fetch:\n      backend:\n        - https://${API_HOST}\n');
  r = await diff(old, templated, { vars: { API_HOST: 'api.example.com' } });
  assert.equal(r.report.verdict.update, 'none', JSON.stringify(r.report));
  assert.ok(!r.report.warnings.join('\n').includes('API_HOST'), JSON.stringify(r.report.warnings));
  r = await diff(old, templated, { vars: { API_HOST: '$(touch pwned-var)' }, failOn: 'never' });
  assert.equal(r.report.verdict.update, 'major', JSON.stringify(r.report));
  r = await diff(old, templated);
  assert.match(r.report.warnings.join('\n'), /API_HOST/);
  // env reaches --env: the variable comes from this process's environment only when named.
  process.env.API_HOST = 'api.example.com';
  r = await diff(old, templated, { env: ['API_HOST'] });
  assert.equal(r.report.verdict.update, 'none', JSON.stringify(r.report));
  checks += 1;

  // Hostile file names reach the binary literally: no shell, and `--` before the operands so
  // `--help.yml` is no flag and `check` no command.
  const hostile = path.join(scratch, 'hostile');
  fs.mkdirSync(hostile);
  const names = ['$(touch pwned).yml', 'a;b.yml', '--help.yml', 'check', '`touch pwned2`.yml'];
  for (const [i, name] of names.entries()) fs.copyFileSync(i % 2 === 0 ? v1 : v2, path.join(hostile, name));
  r = await diff('$(touch pwned).yml', 'a;b.yml', { cwd: hostile });
  assert.deepEqual([r.exitCode, r.report.old.source, r.report.new.source], [1, '$(touch pwned).yml', 'a;b.yml']);
  r = await diff('--help.yml', 'check', { cwd: hostile });
  assert.deepEqual([r.exitCode, r.report.old.source, r.report.new.source], [1, '--help.yml', 'check']);
  r = await check('`touch pwned2`.yml', { cwd: hostile });
  assert.equal(r.report.manifests[0].source, '`touch pwned2`.yml');
  // A flag value starting with `-` stays the value.
  await rejects(diff(v1, v2, { accept: '--fail-on=never' }), 2, 'roa-diff: error: --fail-on=never: no such file');
  for (const dir of [hostile, scratch, process.cwd()]) {
    for (const file of ['pwned', 'pwned2', 'pwned-var']) assert.ok(!fs.existsSync(path.join(dir, file)), `${dir}/${file} exists`);
  }
  checks += 1;

  // Exit 2: the binary's one stderr line, naming the file.
  const missing = await rejects(diff(v1, 'missing.yml', { cwd: examples }), 2, 'roa-diff: error: missing.yml: no such file');
  assert.equal(missing.stderr, 'roa-diff: error: missing.yml: no such file\n');
  await rejects(diff(v1, v2, { maxBytes: 10 }), 2, /v1\.yml: larger than the 10-byte limit/);
  await rejects(diff(v1, v2, { acceptFrom: 'elsewhere' }), 2, /elsewhere/);
  // The binary cannot start (its working directory does not exist).
  await rejects(diff(v1, v2, { cwd: path.join(scratch, 'no-such-dir') }), null, /^roa-diff: error: cannot run .*roa-diff: /);

  // Bad options are refused before anything runs, naming the option.
  await rejects(diff(v1, v2, { failon: 'never' }), null, /^roa-diff: diff\(\): unknown option 'failon'; it takes failOn, /);
  await rejects(check(v1, { accept: 'x.yml' }), null, /check\(\): unknown option 'accept'/);
  await rejects(diff(v1, v2, { failOn: 3 }), null, /option failOn must be a string or a non-empty array of strings/);
  await rejects(diff(v1, v2, { failOn: [] }), null, /option failOn must be/);
  await rejects(diff(v1, v2, { maxBytes: -1 }), null, /option maxBytes must be a non-negative integer/);
  await rejects(diff(v1, v2, { vars: { 'A=B': 'x' } }), null, /the name 'A=B' must be non-empty, without =/);
  await rejects(diff(v1, v2, { vars: { A: 1 } }), null, /option vars\.A must be a string/);
  await rejects(diff(v1, v2, { env: 'API_HOST' }), null, /option env must be an array of names/);
  await rejects(diff(v1, v2, 'never'), null, /diff\(\): options must be an object/);
  await rejects(diff(v1), null, /diff\(\): newManifest must be a non-empty string/);
  await rejects(diff('-', v2), null, /diff\(\): oldManifest must be a path, REV:PATH or :PATH, not - \(the API gives the binary no standard input/);
  await rejects(check('-'), null, /check\(\): manifest must be a path, REV:PATH or :PATH, not -/);
  await rejects(diffGit({ base: 'v1', baseTag: 'v*' }), null, /give base or baseTag, not both/);
  await rejects(diffGit({ head: 'HEAD' }), null, /option head needs base or baseTag/);

  // check(): one manifest's eligibility.
  r = await check(v2);
  assert.deepEqual([r.exitCode, r.failed, r.report.command, r.report.fails], [1, true, 'check', true]);
  const [manifest] = r.report.manifests;
  assert.equal(manifest.eligible, false);
  assert.ok(manifest.roa_reasons.length > 0 && manifest.roa_reasons.every((reason) => reason.how_to_qualify.length > 0));
  r = await check(v1);
  assert.deepEqual([r.exitCode, r.report.manifests[0].eligible, r.report.manifests[0].roa_reasons], [0, true, []]);
  r = await check(v2, { failOn: 'never' });
  assert.equal(r.exitCode, 0);
  // check(options) without a manifest: every manifest of the repository.
  r = await check({ cwd: repo, failOn: 'never' });
  assert.deepEqual(r.report.manifests.map((m) => [m.source, m.eligible]), [['manifest.yml', false]]);
  checks += 1;

  // diffGit(): HEAD's manifest against the working tree's.
  r = await diffGit({ cwd: repo, base: 'HEAD' });
  assert.equal(r.exitCode, 1);
  assert.deepEqual([r.report.base, r.report.head, r.report.verdict], ['HEAD', '(working tree)', { update: 'major', roa_lost: true, blocked: false }]);
  assert.deepEqual(r.report.apps.map((app) => [app.path, app.status, app.report.verdict.roa.change]), [['manifest.yml', 'modified', 'lost']]);
  r = await diffGit({ cwd: repo, base: 'HEAD', head: 'HEAD' });
  assert.deepEqual([r.exitCode, r.report.apps[0].status], [0, 'unchanged']);
  r = await diffGit({ cwd: repo, base: 'HEAD', path: 'manifest.yml', failOn: 'never' });
  assert.deepEqual([r.exitCode, r.report.apps.length], [0, 1]);
  await rejects(diffGit({ cwd: repo, base: 'HEAD', path: 'elsewhere' }), 2, /no Forge manifest/);
  await rejects(diffGit({ cwd: repo, base: 'no-such-rev' }), 2, /no-such-rev/);
  checks += 1;

  process.stdout.write(`api: ${checks} checks passed\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
