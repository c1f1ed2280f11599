// Types of the API in lib/index.js. The report types (DiffReport, DiffGitReport, CheckReport
// and their parts) are in ./report.d.ts, which npm/build.js generates from the JSON Schemas
// docs/output.schema.json, docs/git.schema.json and docs/check.schema.json when it lays out
// the package; only the signatures, options and results are written here.
import type { CheckReport, DiffGitReport, DiffReport } from './report';

export * from './report';

/** A `--fail-on` value (docs/output.md, "Exit status"). */
export type FailOn = 'major' | 'roa-lost' | 'any' | 'blocked' | 'ineligible' | 'never';

/** Flags that diff, diffGit and check share; each is the CLI flag of the same name. */
export interface CommonOptions {
  /** `--fail-on`: when the run fails (exitCode 1); an array is the comma list. */
  failOn?: FailOn | readonly FailOn[];
  /** `--var NAME=VALUE`, one per entry: values for `${NAME}` in environment.variables. */
  vars?: Readonly<Record<string, string>>;
  /** `--env NAME`, one per name: a declared `${NAME}` may take this process's environment value. */
  env?: readonly string[];
  /** `--max-bytes`: refuse manifests larger than this. */
  maxBytes?: number;
  /** `--rules-url`: where docs/rules.md is published. */
  rulesUrl?: string;
  /** The working directory of the binary (relative manifest paths and the repository). */
  cwd?: string;
}

/** Options of diff(): `roa-diff OLD NEW`'s flags. */
export interface DiffOptions extends CommonOptions {
  /** `--accept FILE`: the accept file (default: .roa-diff.yml in cwd, if present). */
  accept?: string;
  /** `--accept-from`: read the accept file from the base revision or the new side. */
  acceptFrom?: 'base' | 'head';
}

/** Options of diffGit(): `roa-diff --git [BASE [HEAD]]`'s flags. */
export interface DiffGitOptions extends DiffOptions {
  /** BASE: a revision, or `BASE..HEAD`. */
  base?: string;
  /** HEAD: a revision (default: the working tree). Needs base or baseTag. */
  head?: string;
  /** `--base-tag GLOB`: BASE is the newest tag matching GLOB reachable from HEAD. */
  baseTag?: string;
  /** `--staged`: HEAD is the index instead of the working tree. */
  staged?: boolean;
  /** `--path`: only manifests at this path or under this directory. */
  path?: string;
}

/** Options of check(): `roa-diff check`'s flags. */
export interface CheckOptions extends CommonOptions {
  /** `--path`: without a manifest, only manifests at this path or under this directory. */
  path?: string;
}

/** What a run that did not fail with an error gives. */
export interface Result<Report> {
  /** The binary's exit status: 1 when the --fail-on policy tripped. */
  exitCode: 0 | 1;
  /** exitCode === 1. */
  failed: boolean;
  /** The parsed `--format json` document. */
  report: Report;
}

export type DiffResult = Result<DiffReport>;
export type DiffGitResult = Result<DiffGitReport>;
export type CheckResult = Result<CheckReport>;

/** Exit status 2 (the message is the binary's one stderr line), a binary that cannot run, output that is not JSON, or a bad option. */
export class RoaDiffError extends Error {
  /** The binary's exit status; null when it did not run or for a bad option. */
  readonly exitCode: number | null;
  /** Everything the binary wrote on stderr. */
  readonly stderr: string;
}

/** `roa-diff OLD NEW --format json`: each manifest a path, REV:PATH or :PATH (the index); not `-`, as the API gives the binary no standard input. */
export function diff(oldManifest: string, newManifest: string, options?: DiffOptions): Promise<DiffResult>;

/** `roa-diff --git [BASE [HEAD]] --format json`: every Forge manifest of the repository at cwd. */
export function diffGit(options?: DiffGitOptions): Promise<DiffGitResult>;

/** `roa-diff check [MANIFEST] --format json`: default every manifest of the repository, or ./manifest.yml. */
export function check(manifest?: string, options?: CheckOptions): Promise<CheckResult>;
export function check(options?: CheckOptions): Promise<CheckResult>;
