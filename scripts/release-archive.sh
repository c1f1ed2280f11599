#!/usr/bin/env bash
# Packs one release binary the way scripts/install.sh, `cargo binstall` ([package.metadata.
# binstall] in Cargo.toml) and the release workflow expect it:
#   OUT/roa-diff-vVERSION-TARGET.tar.gz (.zip for Windows), holding roa-diff-vVERSION-TARGET/
#   with the binary, README.md and the licence texts, and OUT/<archive>.sha256 ("<hex>  <archive>").
#
#   scripts/release-archive.sh TARGET BINARY OUT [VERSION]   (VERSION: Cargo.toml's)
set -euo pipefail

target="${1:?usage: $0 TARGET BINARY OUT [VERSION]}"
binary="${2:?usage: $0 TARGET BINARY OUT [VERSION]}"
out="${3:?usage: $0 TARGET BINARY OUT [VERSION]}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${4:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)}"
[ -f "$binary" ] || { echo "release-archive: error: no binary at $binary" >&2; exit 2; }

name="roa-diff-v$version-$target"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
case "$target" in
  *windows*) exe=roa-diff.exe archive="$name.zip" ;;
  *) exe=roa-diff archive="$name.tar.gz" ;;
esac
cp "$binary" "$stage/$name/$exe"
chmod +x "$stage/$name/$exe"
cp "$here/README.md" "$here/LICENSE-MIT" "$here/LICENSE-APACHE" "$stage/$name/"
if [ "$exe" = roa-diff.exe ]; then
  (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
else
  tar -C "$stage" -czf "$out/$archive" "$name"
fi
if command -v sha256sum >/dev/null; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
