#!/usr/bin/env bash
# Time and peak memory of roa-diff on every hostile input (src/harness.rs), with the release
# build: `roa-diff [args] old.yml INPUT` under /usr/bin/time -v. Prints a Markdown table for
# docs/hardening.md and exits 1 if any run exits unexpectedly or passes 2 s or 100 MiB.
#
#   scripts/bench-hostile.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/roa-diff}
[ "$#" -gt 0 ] || cargo build --release --quiet
cargo build --release --quiet --example write_hostile
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/examples/write_hostile "$dir"
limit_kb=$((100 * 1024))
status=0
echo "| input | size | exit | wall s | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|"
while IFS=$'\t' read -r name want args; do
    file=$dir/$name.yml
    # shellcheck disable=SC2086 # args is a list of words
    /usr/bin/time -v -o "$dir/time" "$bin" $args "$dir/old.yml" "$file" >/dev/null 2>"$dir/err" && code=0 || code=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/time" | awk -F: '{print $(NF-1)*60 + $NF}')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time")
    size=$(stat -c %s "$file")
    printf '| %s | %s | %s | %.2f | %.1f |\n' "$name" "$(numfmt --to=iec "$size")" "$code" "$wall" "$(echo "$rss / 1024" | bc -l)"
    if [ "$code" != "$want" ] || [ "$rss" -gt "$limit_kb" ] || awk "BEGIN {exit !($wall > 2)}"; then
        echo "over the bound or unexpected exit: $name (want exit $want): $(head -c 300 "$dir/err")" >&2
        status=1
    fi
done <"$dir/index.tsv"
exit $status
