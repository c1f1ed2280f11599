#!/usr/bin/env bash
# Compares the manifest at a base git ref with the one in the working tree: the check behind
# action.yml and docs/ci.md. Settings come from the environment (never interpolated into code):
#   ROA_DIFF_BASE      git ref of the released version, e.g. origin/main (required)
#   ROA_DIFF_MANIFEST  manifest path in the repository (default manifest.yml)
#   ROA_DIFF_FORMAT    output format on stdout (default github)
#   ROA_DIFF_FAIL_ON   --fail-on list (default major,roa-lost)
#   ROA_DIFF_ACCEPT    accept file (default: .roa-diff.yml if present)
#   ROA_DIFF_COMMENT   if set, also write the markdown report (PR comment) to this file
# Exit status: roa-diff's (0 ok, 1 policy tripped, 2 error).
set -euo pipefail

base="${ROA_DIFF_BASE:?set ROA_DIFF_BASE to the git ref of the released version (e.g. origin/main)}"
manifest="${ROA_DIFF_MANIFEST:-manifest.yml}"
format="${ROA_DIFF_FORMAT:-github}"
fail_on="${ROA_DIFF_FAIL_ON:-major,roa-lost}"

if ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
  echo "roa-diff: error: base ref '${base}' not found; fetch it (actions/checkout with fetch-depth: 0)" >&2
  exit 2
fi

if git cat-file -e "${base}:${manifest}" 2>/dev/null; then
  # Read straight from git, so the report names the old side "BASE:PATH".
  old="${base}:${manifest}"
else
  # First release: roa-diff compares an empty file as an empty manifest.
  echo "roa-diff: ${manifest} is not in ${base}; comparing with an empty manifest (first release)" >&2
  old=/dev/null
fi

args=("$old" "$manifest")
if [ -n "${ROA_DIFF_ACCEPT:-}" ]; then
  args+=(--accept "$ROA_DIFF_ACCEPT")
fi

status=0
roa-diff "${args[@]}" --format "$format" --fail-on "$fail_on" || status=$?
if [ "$status" -le 1 ] && [ -n "${ROA_DIFF_COMMENT:-}" ]; then
  roa-diff "${args[@]}" --format markdown --fail-on never >"$ROA_DIFF_COMMENT" || status=$?
fi
exit "$status"
