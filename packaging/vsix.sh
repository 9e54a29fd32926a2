#!/usr/bin/env bash
# Packages the VS Code extension for one platform, bundling the chatlint
# binary taken from a chatlint-cli wheel built for that platform:
#
#   bash packaging/vsix.sh WHEEL VSCODE_TARGET [OUT_DIR]
#   bash packaging/vsix.sh dist/chatlint_cli-0.1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl linux-x64
#
# writes OUT_DIR/chatlint-VSCODE_TARGET-VERSION.vsix (OUT_DIR defaults to
# dist/) with the binary at extension/bundled/chatlint (chatlint.exe on
# win32-*), executable. VSCODE_TARGET is vsce's --target: linux-x64,
# linux-arm64, alpine-x64, alpine-arm64, darwin-x64, darwin-arm64,
# win32-x64, win32-arm64. packaging/build.sh runs it for linux-x64, and
# .github/workflows/release.yml for every platform.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

fail() { printf 'vsix.sh FAILED: %s\n' "$*" >&2; exit 1; }

[ "$#" -ge 2 ] || fail "usage: bash packaging/vsix.sh WHEEL VSCODE_TARGET [OUT_DIR]"
wheel="$1"
target="$2"
out="${3:-$root/dist}"
[ -f "$wheel" ] || fail "no wheel at $wheel (build it first: bash packaging/build.sh)"
case "$target" in
  linux-x64 | linux-arm64 | linux-armhf | alpine-x64 | alpine-arm64 | darwin-x64 | darwin-arm64 | win32-x64 | win32-arm64) ;;
  *) fail "unknown VS Code target '$target'" ;;
esac
exe=chatlint
case "$target" in win32-*) exe=chatlint.exe ;; esac

ext="$root/editors/vscode"
version="$(node -p 'require(process.argv[1]).version' "$ext/package.json")"
wheel_version="$(basename "$wheel" | cut -d- -f2)"
[ "$wheel_version" = "$version" ] \
  || fail "the wheel is version $wheel_version but editors/vscode/package.json says $version: they must match Cargo.toml"

# The binary, out of the wheel (maturin puts it in <dist>-<v>.data/scripts/).
# The platform-neutral bundled/ folder is removed again afterwards, so a later
# universal `npm run package` cannot pick up this platform's binary.
bundled="$ext/bundled"
trap 'rm -rf "$bundled"' EXIT
rm -rf "$bundled"
mkdir -p "$bundled"
python3 - "$wheel" "$exe" "$bundled/$exe" << 'PY' || fail "could not take $exe out of $wheel"
import shutil, sys, zipfile
wheel, exe, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.split("/")[-2:] == ["scripts", exe] and ".data/" in n]
    if len(names) != 1:
        sys.exit(f"expected one */.data/scripts/{exe} in {wheel}, found {names}")
    with z.open(names[0]) as src, open(dest, "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
chmod 755 "$bundled/$exe"

mkdir -p "$out"
vsix="$out/chatlint-$target-$version.vsix"
rm -f "$vsix"
(
  cd "$ext"
  [ -x node_modules/.bin/vsce ] || npm ci --no-audit --no-fund --loglevel=error
  npm run --silent typecheck
  npm run --silent build
  node_modules/.bin/vsce package --no-dependencies --target "$target" --out "$vsix"
) || fail "vsce package --target $target failed (editors/vscode)"

# The package holds the binary, executable (VS Code keeps the zip's mode).
python3 - "$vsix" "extension/bundled/$exe" "$target" << 'PY' || fail "$vsix is not right (see above)"
import sys, zipfile
vsix, name, target = sys.argv[1:]
z = zipfile.ZipFile(vsix)
info = {i.filename: i for i in z.infolist()}
if name not in info:
    sys.exit(f"{vsix} lacks {name}")
mode = info[name].external_attr >> 16
if not target.startswith("win32-") and not mode & 0o111:
    sys.exit(f"{name} in {vsix} is not executable (mode {oct(mode)})")
if "extension/dist/extension.js" not in info:
    sys.exit(f"{vsix} lacks extension/dist/extension.js")
manifest = z.read("extension.vsixmanifest").decode()
if f'TargetPlatform="{target}"' not in manifest:
    sys.exit(f"{vsix}'s manifest does not say TargetPlatform=\"{target}\"")
print(f"{vsix}: {name} mode {oct(mode & 0o777)}, {info[name].file_size} bytes; target {target}")
PY
