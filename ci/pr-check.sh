#!/usr/bin/env bash
# Compares the manifest at a base git ref with the one in the working tree: the check behind
# action.yml and docs/ci.md. Settings come from the environment (never interpolated into code):
#   ROA_DIFF_BASE         git ref of the released version, e.g. origin/main (required)
#   ROA_DIFF_MANIFEST     manifest path in the repository (default manifest.yml); `all` or empty:
#                         every Forge manifest in the repository (a monorepo)
#   ROA_DIFF_FORMAT       output format on stdout (default github)
#   ROA_DIFF_FAIL_ON      --fail-on list (default major,roa-lost,blocked)
#   ROA_DIFF_ACCEPT       accept file path in the repository (default .roa-diff.yml)
#   ROA_DIFF_ACCEPT_FROM  base (default): the accept file as the base ref has it, so a pull request
#                         cannot accept its own change; head: the PR's own (protect it with
#                         CODEOWNERS first; see docs/security.md)
#   ROA_DIFF_ENV          names of environment variables a manifest's ${VAR}s may read, comma or
#                         space separated (default: none; the environment holds CI secrets)
#   ROA_DIFF_COMMENT      if set, also write the markdown report (PR comment) to this file
# The base is read by roa-diff from git (--git), never from a file in the checkout, which the
# pull request controls (docs/security.md). Exit status: roa-diff's (0 ok, 1 tripped, 2 error).
set -euo pipefail

base="${ROA_DIFF_BASE:?set ROA_DIFF_BASE to the git ref of the released version (e.g. origin/main)}"
manifest="${ROA_DIFF_MANIFEST-manifest.yml}"
format="${ROA_DIFF_FORMAT:-github}"
fail_on="${ROA_DIFF_FAIL_ON:-major,roa-lost,blocked}"
accept_from="${ROA_DIFF_ACCEPT_FROM:-base}"

if ! git rev-parse --verify --quiet --end-of-options "${base}^{commit}" >/dev/null; then
  echo "roa-diff: error: base ref '${base}' not found; fetch it (actions/checkout with fetch-depth: 0)" >&2
  exit 2
fi

args=(--git --accept-from "$accept_from")
if [ -n "$manifest" ] && [ "$manifest" != all ]; then
  args+=(--path "$manifest")
  if ! git cat-file -e "${base}:${manifest}" 2>/dev/null; then
    echo "roa-diff: ${manifest} is not in ${base}; comparing with an empty manifest (first release)" >&2
  fi
fi
if [ -n "${ROA_DIFF_ACCEPT:-}" ]; then
  args+=(--accept "$ROA_DIFF_ACCEPT")
fi
env_names="${ROA_DIFF_ENV:-}"
for name in ${env_names//,/ }; do
  args+=(--env "$name")
done
# BASE last, after `--`: a ref is never read as an option.
status=0
roa-diff "${args[@]}" --format "$format" --fail-on "$fail_on" -- "$base" || status=$?
if [ "$status" -le 1 ] && [ -n "${ROA_DIFF_COMMENT:-}" ]; then
  roa-diff "${args[@]}" --format markdown --fail-on never -- "$base" >"$ROA_DIFF_COMMENT" || status=$?
fi
exit "$status"
