// The Action's report step (action.yml runs it with actions/github-script): writes the job
// summary in every output format, and posts or updates the one pull-request comment. Both are
// cut on a structural boundary when too long; an errored check (exit 2) replaces the earlier
// report, so no stale green comment stays; a read-only token (a fork's pull request) costs the
// comment, never the job. Plain Node, no dependencies.
'use strict';

const fs = require('fs');

const MARKER = '<!-- roa-diff:report -->';
// GitHub refuses comments over 65,536 characters and drops a step summary over 1 MiB; the
// limits here count bytes, which is never fewer than characters.
const COMMENT_LIMIT = 65000;
const SUMMARY_LIMIT = 1024 * 1024 - 4096;

/** The longest run of `ch` in `text`. */
function longestRun(text, ch) {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * `text` cut to at most `limit` bytes with `notice` appended, at the end of a line outside any
 * fenced code block (a cut inside one would turn the rest of the page into code); unchanged
 * when it fits.
 */
function truncate(text, limit, notice) {
  if (Buffer.byteLength(text) <= limit) return text;
  const budget = limit - Buffer.byteLength(notice);
  let fence = null; // the open fence's character and length
  let offset = 0;
  let cut = 0;
  for (const line of text.split('\n')) {
    const next = offset + Buffer.byteLength(line) + 1;
    const marks = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence === null && marks && !(marks[1][0] === '`' && marks[2].includes('`'))) {
      fence = { ch: marks[1][0], len: marks[1].length };
    } else if (fence !== null && marks && marks[1][0] === fence.ch && marks[1].length >= fence.len && marks[2].trim() === '') {
      fence = null;
    }
    if (next > budget) break;
    if (fence === null) cut = next;
    offset = next;
  }
  const kept = Buffer.from(text).subarray(0, cut).toString();
  return `${kept}${kept.endsWith('\n') || kept === '' ? '' : '\n'}${notice}`;
}

/** The report that replaces the last one when roa-diff could not decide (exit 2). */
function errorReport(stderr) {
  const text = stderr.trim() || '(no error output)';
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${MARKER}\n## roa-diff: the check errored (exit 2)\n\nroa-diff could not compare the manifests, so this pull request has no verdict; an earlier report no longer applies.\n\n${fence}text\n${text}\n${fence}\n`;
}

function read(file) {
  try {
    return file ? fs.readFileSync(file, 'utf8') : '';
  } catch (_) {
    return '';
  }
}

/** Is `error` GitHub refusing a write with this token (a fork's read-only token)? */
function forbidden(error) {
  return error && (error.status === 403 || error.status === 404);
}

/**
 * github-script's entry: `github`, `context`, `core` as it passes them; settings in env
 * (ROA_DIFF_STATUS, ROA_DIFF_REPORT: the markdown report file, ROA_DIFF_STDERR: roa-diff's
 * stderr, ROA_DIFF_POST_COMMENT: 'true' to comment, GITHUB_STEP_SUMMARY).
 */
async function run({ github, context, core, env = process.env }) {
  const status = env.ROA_DIFF_STATUS || '2';
  const report = status === '2' ? errorReport(read(env.ROA_DIFF_STDERR)) : read(env.ROA_DIFF_REPORT);
  const summary = (text) => {
    if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, text);
  };
  summary(truncate(report, SUMMARY_LIMIT, '\n*(truncated to fit the job summary: the full report is in the log with `--format markdown`)*\n'));

  const pullRequest = context.payload && context.payload.pull_request;
  if (env.ROA_DIFF_POST_COMMENT !== 'true' || !pullRequest) return;
  const body = truncate(report, COMMENT_LIMIT, '\n*(truncated: the job summary has the full report)*\n');
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  try {
    const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
    // Only a bot's comment that starts with the marker is ours: anyone can paste the marker.
    const mine = comments.find((c) => c.user && c.user.type === 'Bot' && (c.body || '').startsWith(MARKER));
    if (mine) {
      await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    } else {
      await github.rest.issues.createComment({ owner, repo, issue_number, body });
    }
  } catch (error) {
    if (!forbidden(error)) throw error;
    const head = pullRequest.head && pullRequest.head.repo && pullRequest.head.repo.full_name;
    const why = head && head !== `${owner}/${repo}`
      ? `this pull request comes from the fork ${head}, and GitHub gives its workflows a read-only token`
      : 'the token cannot write pull-request comments (give the job `permissions: pull-requests: write`)';
    core.warning(`roa-diff: no pull-request comment: ${why}.`);
    summary(`\n> **No pull-request comment:** ${why}. The report above is the same.\n`);
  }
}

module.exports = { run, truncate, errorReport, MARKER, COMMENT_LIMIT, SUMMARY_LIMIT };
