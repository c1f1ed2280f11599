// A release script's use of the API, type-checked by tests/npm.rs with `tsc --noEmit --strict`
// against the installed package: it must compile. (It is never run.)
import { check, diff, diffGit, RoaDiffError } from 'roa-diff';
import type { Change, CheckReason, DiffResult, FailOn, UpdateLevel } from 'roa-diff';

export async function release(): Promise<string> {
  const policy: FailOn[] = ['major', 'roa-lost'];
  const result: DiffResult = await diff('v1.yml', 'v2.yml', {
    failOn: policy,
    vars: { API_HOST: 'api.example.com' },
    env: ['REGION'],
    maxBytes: 1 << 20,
    accept: '.roa-diff.yml',
    acceptFrom: 'base',
    rulesUrl: 'https://example.com/rules.md',
    cwd: 'apps/jira',
  });
  const exit: 0 | 1 = result.exitCode;
  const update: UpdateLevel = result.report.verdict.update;
  const majors: Change[] = result.report.changes.filter((c) => c.level === 'major' && c.accepted === null);
  const lines: Array<number | null> = majors.map((c) => c.line);
  const lost = result.report.verdict.roa.change === 'lost' && !result.failed;

  const one = await check('manifest.yml', { failOn: 'never', path: 'apps' });
  const reasons: CheckReason[] = one.report.manifests.flatMap((m) => (m.eligible ? [] : m.roa_reasons));
  const every = await check({ failOn: ['ineligible', 'blocked'] });
  const blocked: boolean = every.report.manifests.some((m) => m.blocked);

  const git = await diffGit({ baseTag: 'v*', staged: true, path: 'apps', failOn: 'any' });
  const removed: string[] = git.report.apps.filter((app) => app.report === null).map((app) => app.path);
  const roaLost: boolean = git.report.verdict.roa_lost;

  try {
    await diff('old.yml', 'missing.yml');
  } catch (err) {
    if (err instanceof RoaDiffError) {
      const status: number | null = err.exitCode;
      const stderr: string = err.stderr;
      return `${status} ${stderr} ${err.message}`;
    }
  }
  return [exit, update, lines, lost, reasons[0]?.how_to_qualify, blocked, removed, roaLost].join(' ');
}
