#!/usr/bin/env python3
"""Runs roa-diff on every pair of ../shared/corpus/INDEX.tsv (each version against its
predecessor) and prints the summary tables of docs/corpus.md.

    cargo build --release && scripts/corpus-summary.py [CORPUS_DIR] [--json OUT]
"""
import collections
import csv
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = [a for a in sys.argv[1:] if not a.startswith("--")]
corpus = args[0] if args else os.path.join(root, "..", "shared", "corpus")
binary = os.path.join(root, "target", "release", "roa-diff")

with open(os.path.join(corpus, "INDEX.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
pairs = [(r["parent_file"], r["file"]) for r in rows if r["parent_file"] and r["parent_file"] != r["file"]]

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
        "warnings": report["warnings"],
    })

def table(title, counter, unit="pairs"):
    print(f"| {title} | {unit} |\n|---|---:|")
    for key, n in counter.most_common():
        print(f"| {key} | {n} |")
    print()

ok = [r for r in results if "error" not in r]
print(f"Pairs: {len(pairs)}; read and compared: {len(ok)}; errors: {len(pairs) - len(ok)}\n")
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
if "--json" in sys.argv:
    with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
        json.dump(results, f, indent=1)
