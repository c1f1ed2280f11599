#!/usr/bin/env bash
# Benchmarks behind docs/performance.md: issue 6, targets 1, 2 and 3, and the peak memory of
# --format sarif (docs/security.md) and of --git --format json. Not part of CI (timings belong in benchmarks, never in
# tests). Each target is a ratio of two commands timed in the same hyperfine run, so machine
# speed cancels out; a noisy machine still widens the spread, which the summary prints.
#
# Needs hyperfine (`apt-get install -y hyperfine`), git, python3 and GNU time (/usr/bin/time).
# Usage: benches/run.sh            results and summary in target/bench/
#        RUNS1=50 RUNS2=5 RUNS3=10 benches/run.sh   fewer runs (default 300, 10 and 30)
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hyperfine git python3; do
    command -v "$tool" >/dev/null || {
        echo "benches/run.sh: needs $tool (hyperfine: apt-get install -y hyperfine)" >&2
        exit 2
    }
done
[ -x /usr/bin/time ] || {
    echo "benches/run.sh: needs GNU time at /usr/bin/time (apt-get install -y time)" >&2
    exit 2
}

RUNS1=${RUNS1:-300}
RUNS2=${RUNS2:-10}
RUNS3=${RUNS3:-30}
COMMITS=${COMMITS:-5000}
OUT=target/bench
cargo build --release --locked --bin roa-diff --example bench_gen --example bench_parse_only \
    --example bench_history
ROA=target/release/roa-diff
PARSE=target/release/examples/bench_parse_only
GEN=target/release/examples/bench_gen
HISTORY=target/release/examples/bench_history
rm -rf "$OUT"
mkdir -p "$OUT"
for size in typical large large10; do
    "$GEN" "$size" "$OUT/$size"
done
# Target 3's repository: COMMITS commits on main, each changing manifest.yml (one pack file, as
# fast-import writes it; both commands read the same objects).
h=$OUT/history
git init -q -b main "$h"
"$HISTORY" "$COMMITS" | git -C "$h" fast-import --quiet
echo "$h: $(git -C "$h" rev-list --count HEAD) commits, $(du -sk "$h/.git" | cut -f1) KiB in .git"
# The same versions as files, for the bound: serde_yaml parsing each of them once, nothing else.
"$HISTORY" "$COMMITS" "$OUT/history-versions"
{
    echo "date: $(date -u +%FT%TZ)"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (src modified)')"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "hyperfine: $(hyperfine --version), git: $(git --version)"
} >"$OUT/machine.txt"

# Target 1: one typical diff, whole process, against git's textual diff of the same files.
# git exits 1 when the files differ (-i); roa-diff is told never to fail. hyperfine times one
# command's runs and then the other's, so the runs are split into five rounds that alternate
# the order, and the summary pools them: a change of background load then hits both.
t=$OUT/typical
git_diff=(-n git-diff "git diff --no-index $t/old.yml $t/new.yml")
roa_diff=(-n roa-diff "$ROA $t/old.yml $t/new.yml --fail-on never")
for round in 1 2 3 4 5; do
    if ((round % 2)); then order=("${git_diff[@]}" "${roa_diff[@]}"); else order=("${roa_diff[@]}" "${git_diff[@]}"); fi
    hyperfine -N -i --warmup 10 --runs $((RUNS1 / 5)) --export-json "$OUT/target1-$round.json" "${order[@]}"
done

# Target 2: the large pair and ten times it, against parsing the same two files with
# serde_yaml only. The 10x files are above the default 16 MiB limit, hence --max-bytes.
l=$OUT/large
x=$OUT/large10
hyperfine -N --warmup 1 --runs "$RUNS2" --export-json "$OUT/target2.json" \
    -n parse-1x "$PARSE $l/old.yml $l/new.yml" \
    -n diff-1x "$ROA $l/old.yml $l/new.yml --format json --fail-on never" \
    -n parse-10x "$PARSE $x/old.yml $x/new.yml" \
    -n diff-10x "$ROA $x/old.yml $x/new.yml --format json --fail-on never --max-bytes 1000000000"

# Peak memory (maximum resident set size, KiB), three runs each; the summary keeps the largest.
for run in 1 2 3; do
    for case in parse-1x diff-1x diff-10x; do
        case $case in
            parse-1x) cmd=("$PARSE" "$l/old.yml" "$l/new.yml") ;;
            diff-1x) cmd=("$ROA" "$l/old.yml" "$l/new.yml" --format json --fail-on never) ;;
            diff-10x) cmd=("$ROA" "$x/old.yml" "$x/new.yml" --format json --fail-on never --max-bytes 1000000000) ;;
        esac
        /usr/bin/time -f "$case %M" -a -o "$OUT/memory.txt" "${cmd[@]}" >/dev/null
    done
done

# SARIF memory (docs/security.md): a 3.2 MB manifest of 240,000 added scopes, inside the default
# --max-bytes and node limits, is a report of 240,000 changes. `--format sarif` must peak within
# 2x of `--format json` on it; as a serde_json::Value tree it peaked at 12x (2.9 GB).
s=$OUT/scopes
mkdir -p "$s"
printf 'app:\n  id: ari:cloud:ecosystem::app/hostile\n' >"$s/old.yml"
{
    printf 'permissions:\n  scopes:\n'
    seq 0 239999 | sed 's/^/    - s/'
} >"$s/new.yml"
# The same changes in two apps of 120,000 scopes each, through --git: `--format json` must also
# peak within 2x of the single file's JSON; as a serde_json::Value tree it peaked at 3.2x.
g=$OUT/scopes-git
git init -q -b main "$g"
for app in a b; do
    mkdir -p "$g/$app"
    printf 'app:\n  id: ari:cloud:ecosystem::app/%s\n' "$app" >"$g/$app/manifest.yml"
done
git -C "$g" add -A
git -C "$g" -c user.name=bench -c user.email=bench@example.com commit -q -m v1
for app in a b; do
    {
        printf 'app:\n  id: ari:cloud:ecosystem::app/%s\npermissions:\n  scopes:\n' "$app"
        seq 0 119999 | sed 's/^/    - s/'
    } >"$g/$app/manifest.yml"
done
git -C "$g" add -A
git -C "$g" -c user.name=bench -c user.email=bench@example.com commit -q -m v2
for run in 1 2 3; do
    for format in json sarif; do
        /usr/bin/time -f "scopes-$format %M" -a -o "$OUT/memory.txt" \
            "$ROA" "$s/old.yml" "$s/new.yml" --format "$format" --fail-on never >/dev/null
    done
    (here=$PWD && cd "$g" && /usr/bin/time -f "scopes-git-json %M" -a -o "$here/$OUT/memory.txt" \
        "$here/$ROA" --git HEAD~1 HEAD --format json --fail-on never >/dev/null)
done

# Target 3: roa-diff log over the generated history, against git's own log with patches of the
# same file, in the repository (hence the absolute paths), in rounds of alternating order.
root=$PWD
git_log=(-n git-log "git log -p --format=%H -- manifest.yml")
roa_log=(-n roa-log "$root/$ROA log")
parse_versions=(-n parse-versions "$root/$PARSE $root/$OUT/history-versions")
for round in 1 2 3 4 5; do
    if ((round % 2)); then
        order=("${git_log[@]}" "${roa_log[@]}" "${parse_versions[@]}")
    else
        order=("${parse_versions[@]}" "${roa_log[@]}" "${git_log[@]}")
    fi
    (cd "$h" && hyperfine -N --warmup 1 --runs $(((RUNS3 + 4) / 5)) \
        --export-json "$root/$OUT/target3-$round.json" "${order[@]}")
done
for run in 1 2 3; do
    (cd "$h" && /usr/bin/time -f "git-log %M" -a -o "$root/$OUT/memory.txt" \
        git log -p --format=%H -- manifest.yml >/dev/null)
    (cd "$h" && /usr/bin/time -f "roa-log %M" -a -o "$root/$OUT/memory.txt" "$root/$ROA" log >/dev/null)
done

python3 benches/summary.py "$OUT" | tee "$OUT/summary.md"
