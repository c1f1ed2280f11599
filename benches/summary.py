"""Summarizes a benches/run.sh run (target/bench/) as the markdown table docs/performance.md
quotes: each target's ratio, computed from medians, with the ratios of means, minimums and CPU
time (user + system) beside it. hyperfine runs all of one command, then all of the other, so on
a shared machine a change of load between the two blocks moves the wall-time ratios; targets 1
and 3 are therefore run in rounds of alternating order, pooled here. The minimum and the CPU time are
the steadier figures."""

import glob
import json
import os
import statistics
import sys


def results(*paths):
    """Each command's runs, pooled over the given hyperfine exports (rounds)."""
    pooled = {}
    for path in paths:
        with open(path) as f:
            for r in json.load(f)["results"]:
                p = pooled.setdefault(r["command"], {"times": [], "cpu": 0.0})
                p["times"] += r["times"]
                p["cpu"] += (r["user"] + r["system"]) * len(r["times"])
    for p in pooled.values():
        times = sorted(p["times"])
        p["median"] = statistics.median(times)
        p["mean"] = statistics.fmean(times)
        p["min"] = times[0]
        p["cpu"] /= len(times)
    return pooled


def median(r):
    return r["median"]


def cpu(r):
    return r["cpu"]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main(out):
    rows = []
    t1 = results(*sorted(glob.glob(os.path.join(out, "target1-*.json"))))
    t2 = results(os.path.join(out, "target2.json"))
    t3 = results(*sorted(glob.glob(os.path.join(out, "target3-*.json"))))
    size = lambda d: sum(os.path.getsize(os.path.join(out, d, f)) for f in ("old.yml", "new.yml"))
    peaks = {}
    with open(os.path.join(out, "memory.txt")) as f:
        for line in f:
            case, kib = line.split()
            peaks[case] = max(peaks.get(case, 0), int(kib))

    def ratio_row(target, num, den, limit=None):
        """One target's row; `limit` None for a row given for scale only."""
        a, b = num, den
        r = median(a) / median(b)
        rows.append(
            (
                target,
                f"{ms(median(a))} / {ms(median(b))}",
                f"{r:.2f}x",
                f"{a['mean'] / b['mean']:.2f}x",
                f"{a['min'] / b['min']:.2f}x",
                f"{cpu(a) / cpu(b):.2f}x",
                "" if limit is None else f"<= {limit}x",
                "" if limit is None else "met" if r <= limit else "NOT met",
            )
        )

    ratio_row("1. typical diff vs `git diff --no-index`", t1["roa-diff"], t1["git-diff"], 2)
    ratio_row("2. large diff vs serde_yaml parse only", t2["diff-1x"], t2["parse-1x"], 1.3)
    ratio_row("2. 10x input: diff-10x vs diff-1x", t2["diff-10x"], t2["diff-1x"], 12)
    ratio_row("   (10x parse only vs 1x, for scale)", t2["parse-10x"], t2["parse-1x"])
    if t3:
        ratio_row("3. `roa-diff log` vs `git log -p`", t3["roa-log"], t3["git-log"], 1)
        if "parse-versions" in t3:
            ratio_row("   (serde_yaml parse of every version only, vs `git log -p`)", t3["parse-versions"], t3["git-log"])
    print("| target | medians | ratio (median) | (mean) | (min) | (CPU) | limit | |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print("| peak memory (max RSS) | KiB | input (two files) | ratio | limit | |")
    print("|---|---|---|---|---|---|")
    for case, data in (("parse-1x", "large"), ("diff-1x", "large"), ("diff-10x", "large10")):
        if case not in peaks:
            continue
        ratio = peaks[case] * 1024 / size(data)
        verdict = "met" if ratio <= 10 else "NOT met"
        limit = "<= 10x" if case.startswith("diff") else "(baseline)"
        if case.startswith("parse"):
            verdict = ""
        print(f"| {case} | {peaks[case]} | {size(data)} B | {ratio:.1f}x | {limit} | {verdict} |")
    if "scopes-json" in peaks and "scopes-sarif" in peaks:
        ratio = peaks["scopes-sarif"] / peaks["scopes-json"]
        print()
        print("| peak memory, 240,000 added scopes (max RSS) | KiB | ratio to json | limit | |")
        print("|---|---|---|---|---|")
        print(f"| scopes-json | {peaks['scopes-json']} | 1.00x | (baseline) | |")
        verdict = "met" if ratio <= 2 else "NOT met"
        print(f"| scopes-sarif | {peaks['scopes-sarif']} | {ratio:.2f}x | <= 2x | {verdict} |")
        if "scopes-git-json" in peaks:
            ratio = peaks["scopes-git-json"] / peaks["scopes-json"]
            verdict = "met" if ratio <= 2 else "NOT met"
            print(f"| scopes-git-json (two apps of 120,000, `--git`) | {peaks['scopes-git-json']} | {ratio:.2f}x | <= 2x | {verdict} |")
    if "roa-log" in peaks and "git-log" in peaks:
        print()
        print("| peak memory, target 3 (max RSS) | KiB | ratio to `git log -p` |")
        print("|---|---|---|")
        for case in ("git-log", "roa-log"):
            print(f"| {case} | {peaks[case]} | {peaks[case] / peaks['git-log']:.2f}x |")
    print()
    with open(os.path.join(out, "machine.txt")) as f:
        print("".join("    " + line for line in f))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/bench")
