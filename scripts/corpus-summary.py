#!/usr/bin/env python3
"""Runs roa-diff on every pair of ../shared/corpus/INDEX.tsv (each version against its
predecessor) and prints the summary tables of docs/corpus.md.

    cargo build --release && scripts/corpus-summary.py [CORPUS_DIR] [--json OUT]
        [--binary ROA_DIFF] [--compare V1_BINARY]

--binary picks the roa-diff to run (default target/release/roa-diff). --compare runs a
schema_version 1 build too (e.g. main before rule book version 2, built in /tmp) and prints,
pair by pair, every update and Runs on Atlassian verdict that changed, with the rule ids of
both, for docs/corpus.md.
"""
import collections
import csv
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None

valued = {option(o) for o in ("--json", "--binary", "--compare") if option(o)}
args = [a for a in sys.argv[1:] if not a.startswith("--") and a not in valued]
corpus = args[0] if args else os.path.join(root, "..", "shared", "corpus")
binary = option("--binary") or os.path.join(root, "target", "release", "roa-diff")

with open(os.path.join(corpus, "INDEX.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
pairs = [(r["parent_file"], r["file"]) for r in rows if r["parent_file"] and r["parent_file"] != r["file"]]

def run_all(binary):
    results = []
    for parent, file in pairs:
        run = subprocess.run(
            [binary, "--format", "json", "--fail-on", "never",
             os.path.join(corpus, parent), os.path.join(corpus, file)],
            capture_output=True, text=True)
        if run.returncode != 0:
            results.append({"parent": parent, "file": file, "error": run.stderr.strip()})
            continue
        report = json.loads(run.stdout)
        results.append({
            "parent": parent, "file": file,
            "update": report["verdict"]["update"],
            "roa": report["verdict"]["roa"]["change"],
            "rules": [c["rule"] for c in report["changes"]],
            "blockers": [b["code"] for b in report.get("blockers", [])],
            "warnings": report["warnings"],
        })
    return results

results = run_all(binary)

def table(title, counter, unit="pairs"):
    print(f"| {title} | {unit} |\n|---|---:|")
    for key, n in counter.most_common():
        print(f"| {key} | {n} |")
    print()

ok = [r for r in results if "error" not in r]
print(f"Pairs: {len(pairs)}; read and compared: {len(ok)}; errors: {len(pairs) - len(ok)}\n")
table("deploy blocker", collections.Counter(b for r in ok for b in r["blockers"]), "pairs")
table("update", collections.Counter(r["update"] for r in ok))
table("Runs on Atlassian", collections.Counter(r["roa"] for r in ok))
touched = [r for r in ok if any(x.split("-")[0] in ("egress", "remote", "webtrigger", "provider") for x in r["rules"])]
print(f"Pairs that change egress, remotes, web triggers or providers: {len(touched)}\n")
table("rule", collections.Counter(x for r in ok for x in r["rules"]), "changes")
kinds = collections.Counter()
for r in ok:
    for w in r["warnings"]:
        kinds["app.id differs" if "app.id differs" in w else
              "declared variable without a value" if "has no value" in w else
              "repeated identity" if "declared again" in w else w.split(": ", 1)[-1][:60]] += 1
table("warning", kinds, "warnings")
for r in results:
    if "error" in r:
        print(f"- error: {r['parent']} -> {r['file']}: {r['error']}")
if option("--compare"):
    before = {(r["parent"], r["file"]): r for r in run_all(option("--compare"))}
    flips = collections.Counter()
    print("| pair | update v1 -> v2 | RoA v1 -> v2 | v1 rules | v2 rules |\n|---|---|---|---|---|")
    for r in ok:
        old = before.get((r["parent"], r["file"]))
        if not old or "error" in old:
            continue
        if old["update"] != r["update"] or old["roa"] != r["roa"]:
            flips[(old["update"], r["update"], old["roa"], r["roa"])] += 1
            v1 = sorted(set(old["rules"]) - set(r["rules"]))
            v2 = sorted(set(r["rules"]) - set(old["rules"]))
            print(f"| {r['file']} | {old['update']} -> {r['update']} | {old['roa']} -> {r['roa']} "
                  f"| {', '.join(v1)} | {', '.join(v2)} |")
    print()
    table("update v1, update v2, RoA v1, RoA v2", flips)
if option("--json"):
    with open(option("--json"), "w") as f:
        json.dump(results, f, indent=1)
