#!/usr/bin/env bash
# Rebuilds every app history of ../shared/corpus as a git repository (one commit per version,
# in INDEX.tsv order, a tag v<N> on every third commit) and runs `roa-diff log` with two
# binaries on each, reporting any difference in output or exit status: a check that a change
# to log's fast paths keeps every verdict on real histories.
#
#   scripts/log-corpus-compare.sh OLD_BINARY NEW_BINARY [WORK_DIR]
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
work=${3:-target/log-corpus}
corpus="$(dirname "$0")/../../shared/corpus"
[ -f "$corpus/INDEX.tsv" ] || { echo "no $corpus/INDEX.tsv" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work"
python3 - "$corpus" "$work" <<'PY'
import collections, csv, os, subprocess, sys
corpus, work = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(os.path.join(corpus, "INDEX.tsv")), delimiter="\t"))
histories = collections.OrderedDict()
for r in rows:
    histories.setdefault((r["repo"], r["path"]), []).append(r)
env = dict(os.environ, GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@example.com",
           GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@example.com",
           GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
for n, ((repo, path), versions) in enumerate(histories.items()):
    d = os.path.join(work, f"h{n:03}")
    subprocess.run(["git", "init", "-q", "-b", "main", d], check=True, env=env)
    for i, r in enumerate(versions, 1):
        target = os.path.join(d, r["path"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(os.path.join(corpus, r["file"]), "rb") as src, open(target, "wb") as dst:
            dst.write(src.read())
        git = lambda *a: subprocess.run(["git", "-C", d, *a], check=True, env=dict(env, GIT_COMMITTER_DATE=r["commit_date"]))
        git("add", "-A")
        git("commit", "-q", "--allow-empty", "-m", f"version {i} ({r['commit'][:8]})", "--date", r["commit_date"])
        if i % 3 == 0:
            git("tag", f"v{i}")
print(f"{len(histories)} histories in {work}")
PY
runs=0
differ=0
for d in "$work"/h*; do
    for args in "log" "log --format json" "log --releases v*" "log --releases v* --format json"; do
        runs=$((runs + 1))
        # shellcheck disable=SC2086 # the arguments are split on purpose
        a=$(cd "$d" && "$old" $args 2>&1; echo "exit $?")
        # shellcheck disable=SC2086
        b=$(cd "$d" && "$new" $args 2>&1; echo "exit $?")
        if [ "$a" != "$b" ]; then
            differ=$((differ + 1))
            echo "differs: $d: roa-diff $args"
        fi
    done
done
echo "$differ of $runs runs differ"
[ "$differ" -eq 0 ]
