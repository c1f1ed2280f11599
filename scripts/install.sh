#!/usr/bin/env bash
# Installs the prebuilt roa-diff release binary for this machine: downloads the archive the
# release workflow attached, checks it against its published SHA-256, unpacks it into a cache
# directory and prints that directory (put it on PATH). The Action's install step; usable anywhere.
#
#   scripts/install.sh [--version X.Y.Z] [--dest DIR] [--source DIR]
#
#   --version  release to install (default: the version in the Cargo.toml beside this script,
#              i.e. the Action's own version)
#   --dest     where the binary goes (default: $RUNNER_TOOL_CACHE/roa-diff/VERSION/TARGET, else
#              ~/.cache/roa-diff/VERSION/TARGET); a complete earlier install there is reused
#   --source   when no binary is published for this platform, build this source tree with
#              `cargo install --locked` from a temporary directory (never from the current one,
#              whose rust-toolchain.toml or .cargo/config.toml may be a pull request's)
#   env ROA_DIFF_RELEASES  base URL of the release downloads (default: the repository in
#              Cargo.toml + /releases/download)
#   env ROA_DIFF_TARGET    Rust target triple to fetch instead of this machine's
#
# Exit status: 0 installed (the directory holding roa-diff on the last stdout line); 2 error
# (download failed, checksum missing or wrong, unsupported platform, failed build); 3 no binary
# is published for this platform and version, and no --source was given.
set -euo pipefail

say() { echo "roa-diff install: $*" >&2; }
die() {
  say "error: $*"
  exit 2
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The value of `key = "..."` in the [package] table of Cargo.toml (the first such line).
cargo_field() { sed -n "s/^$1 = \"\\(.*\\)\"\$/\\1/p" "$here/Cargo.toml" 2>/dev/null | head -n 1; }

version="" dest="" source=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --dest) dest="${2:?--dest needs a value}"; shift 2 ;;
    --source) source="${2:?--source needs a value}"; shift 2 ;;
    *) die "unknown argument '$1' (see the header of $0)" ;;
  esac
done
version="${version:-$(cargo_field version)}"
version="${version#v}"
[ -n "$version" ] || die "no --version given and no Cargo.toml beside $0 to read it from"
case "$version" in
  *[!0-9A-Za-z.+-]*) die "version '$version' is not a release version (like 0.1.0)" ;;
esac

releases="${ROA_DIFF_RELEASES:-}"
if [ -z "$releases" ]; then
  repository="$(cargo_field repository)"
  [ -n "$repository" ] || die "no ROA_DIFF_RELEASES and no repository in $here/Cargo.toml"
  releases="${repository%/}/releases/download"
fi

target="${ROA_DIFF_TARGET:-}"
if [ -z "$target" ]; then
  os="$(uname -s)" arch="$(uname -m)"
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
  esac
  case "$os" in
    Linux) target="$arch-unknown-linux-musl" ;;
    Darwin) target="$arch-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) target="$arch-pc-windows-msvc" ;;
    *) target="$arch-$os" ;;
  esac
fi
case "$target" in
  *windows*) ext=zip exe=roa-diff.exe ;;
  *) ext=tar.gz exe=roa-diff ;;
esac

name="roa-diff-v$version-$target"
asset="$name.$ext"
dest="${dest:-${RUNNER_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}}/roa-diff/$version/$target}"

if [ -x "$dest/$exe" ] && [ -f "$dest/.complete" ]; then
  say "roa-diff $version ($target) from the cache in $dest"
  echo "$dest"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Downloads $1 to $2. Status 0, or 4 when the server has no such file (404), else 2.
fetch() {
  local code
  code="$(curl --silent --show-error --location --retry 3 --retry-connrefused \
    --connect-timeout 20 --output "$2" --write-out '%{http_code}' "$1")" || code="${code:-000}"
  case "$code" in
    200) return 0 ;;
    404) return 4 ;;
    *) say "error: downloading $1 failed (HTTP status $code)"; return 2 ;;
  esac
}

build_from_source() {
  command -v cargo >/dev/null || die "no prebuilt $asset and no cargo to build $source"
  say "no prebuilt binary for $target at v$version; building $source with cargo (minutes)"
  mkdir -p "$work/build"
  # From an empty directory, with the toolchain named here: nothing in the caller's directory
  # (a pull request's rust-toolchain.toml or .cargo/config.toml) chooses the compiler.
  (cd "$work/build" && RUSTUP_TOOLCHAIN="${ROA_DIFF_TOOLCHAIN:-stable}" \
    cargo install --locked --quiet --path "$source" --root "$work/root") ||
    die "building $source failed"
  mkdir -p "$dest"
  cp "$work/root/bin/$exe" "$dest/$exe"
}

status=0
fetch "$releases/v$version/$asset" "$work/$asset" || status=$?
if [ "$status" -eq 4 ]; then
  if [ -n "$source" ]; then
    build_from_source
    touch "$dest/.complete"
    echo "$dest"
    exit 0
  fi
  say "error: no prebuilt binary for $target at v$version ($releases/v$version/$asset: not found);" \
    "build from source: cargo install --locked roa-diff"
  exit 3
fi
[ "$status" -eq 0 ] || exit 2

status=0
fetch "$releases/v$version/$asset.sha256" "$work/$asset.sha256" || status=$?
[ "$status" -ne 4 ] || die "no checksum published for $asset ($asset.sha256 not found); refusing an unverified binary"
[ "$status" -eq 0 ] || exit 2

expected="$(tr -d '\r' <"$work/$asset.sha256" | awk 'NR == 1 { print tolower($1) }')"
if command -v sha256sum >/dev/null; then
  actual="$(sha256sum "$work/$asset" | awk '{ print $1 }')"
else
  actual="$(shasum -a 256 "$work/$asset" | awk '{ print $1 }')"
fi
case "$expected" in
  [0-9a-f]*) [ "${#expected}" -eq 64 ] || die "$asset.sha256 does not hold a SHA-256" ;;
  *) die "$asset.sha256 does not hold a SHA-256" ;;
esac
[ "$actual" = "$expected" ] ||
  die "checksum mismatch for $asset: expected $expected, got $actual; refusing to install it"

mkdir -p "$work/unpacked"
if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null; then
    unzip -q "$work/$asset" -d "$work/unpacked"
  else
    powershell -NoProfile -Command "Expand-Archive -LiteralPath '$work/$asset' -DestinationPath '$work/unpacked'"
  fi
else
  tar -xzf "$work/$asset" -C "$work/unpacked"
fi
[ -f "$work/unpacked/$name/$exe" ] || die "$asset holds no $name/$exe"
mkdir -p "$dest"
cp "$work/unpacked/$name/$exe" "$dest/$exe"
chmod +x "$dest/$exe"
"$dest/$exe" --version >/dev/null || die "the installed $dest/$exe does not run"
touch "$dest/.complete"
say "roa-diff $version ($target) installed in $dest"
echo "$dest"
