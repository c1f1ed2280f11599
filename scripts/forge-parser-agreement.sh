#!/usr/bin/env bash
# Agreement with Forge's own parser: reads every corpus manifest (../shared/corpus), fixture
# case (testdata/cases) and fuzz finding (testdata/fuzz) with npm `yaml` as @forge/manifest
# calls it, and with roa-diff's reader, and lists each input where they read another value
# (or one refuses), then the counts (recorded in docs/hardening.md). Not a CI dependency: it
# needs node and npm, and installs @forge/manifest (which brings `yaml`) into a scratch folder
# without running any package script.
#
#   [SCRATCH=DIR] scripts/forge-parser-agreement.sh [FORGE_MANIFEST_VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-13.7.0}
scratch=${SCRATCH:-/tmp/roa-diff-forge-parser}
for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }
done
if [ ! -f "$scratch/node_modules/@forge/manifest/package.json" ]; then
    mkdir -p "$scratch"
    (cd "$scratch" && npm install --ignore-scripts --no-audit --no-fund --silent "@forge/manifest@$version")
fi
cargo build --release --quiet --example yaml_values
{
    if [ -d ../shared/corpus ]; then find ../shared/corpus -type f \( -name '*.yml' -o -name '*.yaml' \); fi
    find testdata/cases -type f -name '*.yml'
    find testdata/fuzz -type f
} | sort | node scripts/forge-parser-agreement.js "$scratch" target/release/examples/yaml_values
