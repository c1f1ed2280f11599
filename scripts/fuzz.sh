#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) with cargo-fuzz, seeding each corpus from
# testdata/cases and, when present, ../shared/corpus. The corpora and artifacts stay under
# fuzz/ (ignored by git); copy a minimized crash into testdata/fuzz/<target>/ so that
# `cargo test --test fuzz_regressions` replays it.
#
#   [MAX_LEN=BYTES] scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler, or a stable one with
# RUSTC_BOOTSTRAP=1 (set here). Prints each target's executions from libFuzzer's last line.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(read_manifest diff_two render_all)
export RUSTC_BOOTSTRAP=1

for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    mkdir -p "$corpus"
    # Seeds: every fixture manifest; for the two-file targets also old<NUL>new pairs.
    for dir in testdata/cases/*/; do
        name=$(basename "$dir")
        for f in "$dir"old.yml "$dir"new.yml; do
            [ -f "$f" ] && cp "$f" "$corpus/case-$name-$(basename "$f")"
        done
        if [ "$target" != read_manifest ] && [ -f "$dir/old.yml" ]; then
            { cat "$dir/old.yml"; printf '\0'; cat "$dir/new.yml"; } >"$corpus/pair-$name"
        fi
    done
    if [ -d ../shared/corpus ]; then
        find ../shared/corpus -name '*.yml' -size -64k | while read -r f; do
            cp "$f" "$corpus/real-$(echo "$f" | md5sum | cut -c1-12)"
        done
    fi
done

for target in "${targets[@]}"; do
    log=fuzz/$target.log
    # -timeout: an input slower than 10 s is a finding; -rss_limit_mb: so is one above 512 MiB.
    cargo fuzz run --release "$target" fuzz/corpus/"$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=512 -max_len="${MAX_LEN:-65536}" \
        -dict=fuzz/yaml.dict -print_final_stats=1 >"$log" 2>&1 || {
        echo "$target: stopped with a finding, see $log and fuzz/artifacts/$target/"
    }
    echo "$target: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions in ${seconds}s"
done
