#!/usr/bin/env bash
# Builds chatlint's distributable artifacts for Linux x86_64 into dist/:
#
#   dist/chatlint_cli-VERSION-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#       the `chatlint` binary as a Python wheel (maturin, bindings = "bin"),
#       linked with zig against glibc 2.17, so `pip install`/`pipx`/`uv tool`
#       install it in seconds on any glibc >= 2.17 distribution;
#   dist/chatlint-linux-x64-VERSION.vsix
#       the VS Code extension with that binary bundled (packaging/vsix.sh).
#
# Then it checks what it built: versions agree everywhere (Cargo.toml, the
# pre-commit package's pin, the extension, action.yml), the binary prints
# `chatlint VERSION`, needs no glibc symbol newer than 2.17 (readelf) and
# links only libraries manylinux2014 allows (auditwheel show).
#
# Needs cargo, python3 and node/npm; installs the pinned tools of
# packaging/requirements.txt (maturin, ziglang, auditwheel) from PyPI into
# target/packaging-tools/venv. Other platforms: .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

RUST_TARGET=x86_64-unknown-linux-gnu
COMPATIBILITY=manylinux2014
MAX_GLIBC=2.17
VSCODE_TARGET=linux-x64

fail() { printf '\nbuild.sh FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf 'build.sh: %s\n' "$*"; }
now() { date +%s; }
t_start="$(now)"

# --- one version everywhere ---------------------------------------------------
version="$(cargo metadata --no-deps --format-version 1 --locked \
  | python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "chatlint"))')" \
  || fail "cargo metadata could not tell chatlint's version"
say "chatlint $version (Cargo.toml)"
python3 - "$version" << 'PY' || fail "the versions disagree (above); set them all to Cargo.toml's version"
import json, re, sys, tomllib
v = sys.argv[1]
bad = []
root = tomllib.load(open("pyproject.toml", "rb"))["project"]
if root["version"] != v:
    bad.append(f"pyproject.toml: project.version is {root['version']}")
if root["dependencies"] != [f"chatlint-cli=={v}"]:
    bad.append(f"pyproject.toml: dependencies are {root['dependencies']}, expected ['chatlint-cli=={v}']")
ext = json.load(open("editors/vscode/package.json"))["version"]
if ext != v:
    bad.append(f"editors/vscode/package.json: version is {ext}")
m = re.search(r"^  version:\n(?:    .*\n)*?    default: \"([^\"]+)\"", open("action.yml").read(), re.M)
if not m or m.group(1) != v:
    bad.append(f"action.yml: inputs.version.default is {m and m.group(1)}")
for b in bad:
    print(f"  {b}, not {v}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# --- tools ----------------------------------------------------------------------
venv="$root/target/packaging-tools/venv"
stamp="$venv/.requirements"
if ! cmp -s packaging/requirements.txt "$stamp" 2> /dev/null; then
  say "installing $(grep -v '^#' packaging/requirements.txt | xargs) into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r packaging/requirements.txt \
    || fail "pip install -r packaging/requirements.txt failed (is PyPI reachable?)"
  cp packaging/requirements.txt "$stamp"
fi
export PATH="$venv/bin:$PATH" # maturin finds zig as `python3 -m ziglang` in this venv
say "$(maturin --version), zig $(python3 -m ziglang version), auditwheel $(auditwheel --version | head -n 1 | awk '{print $2}')"
rustup target list --installed 2> /dev/null | grep -qx "$RUST_TARGET" || rustup target add "$RUST_TARGET" \
  || fail "the Rust target $RUST_TARGET is missing (rustup target add $RUST_TARGET)"

# --- the wheel ------------------------------------------------------------------
mkdir -p dist
rm -f dist/chatlint_cli-*.whl dist/chatlint-*.vsix
say "maturin build --zig --compatibility $COMPATIBILITY --target $RUST_TARGET --profile dist (a few minutes)"
t0="$(now)"
(cd packaging && maturin build --locked --zig --compatibility "$COMPATIBILITY" --target "$RUST_TARGET" \
  --profile dist --out "$root/dist") || fail "maturin build failed (above)"
t_wheel=$(($(now) - t0))
shopt -s nullglob
wheels=(dist/chatlint_cli-"$version"-*manylinux*x86_64.whl)
[ "${#wheels[@]}" -eq 1 ] || fail "expected one dist/chatlint_cli-$version-*manylinux*x86_64.whl, found: ${wheels[*]:-none}"
wheel="${wheels[0]}"
say "wheel: $wheel ($(du -h "$wheel" | cut -f1), built in ${t_wheel} s)"

# --- check the wheel --------------------------------------------------------------
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
python3 - "$wheel" "$check" << 'PY' || fail "the wheel's contents are not right (above)"
import sys, zipfile
wheel, dest = sys.argv[1:]
z = zipfile.ZipFile(wheel)
names = z.namelist()
scripts = [n for n in names if ".data/scripts/" in n]
if [n.rsplit("/", 1)[1] for n in scripts] != ["chatlint"]:
    sys.exit(f"the wheel must install exactly one program, chatlint; it has {scripts}")
mode = z.getinfo(scripts[0]).external_attr >> 16
if not mode & 0o111:
    sys.exit(f"{scripts[0]} is not executable in the wheel (mode {oct(mode)})")
z.extract(scripts[0], dest)
open(f"{dest}/path", "w").write(f"{dest}/{scripts[0]}")
print(f"the wheel installs bin/chatlint ({z.getinfo(scripts[0]).file_size} bytes); {len(names)} files")
PY
bin="$(cat "$check/path")"
chmod +x "$bin"
got="$("$bin" --version)" || fail "the wheel's chatlint --version failed"
[ "$got" = "chatlint $version" ] || fail "the wheel's chatlint --version printed '$got', expected 'chatlint $version'"
say "chatlint --version: $got"

# glibc: the highest GLIBC_x.y among the symbols the binary imports.
command -v readelf > /dev/null || fail "readelf is missing (Debian: apt-get install binutils)"
highest="$(readelf --dyn-syms --wide "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)"
[ -n "$highest" ] || fail "found no GLIBC_ symbol versions in the binary: is it dynamically linked against glibc?"
newest="$(printf '%s\n%s\n' "$highest" "$MAX_GLIBC" | sort -V | tail -n 1)"
[ "$newest" = "$MAX_GLIBC" ] || {
  readelf --dyn-syms --wide "$bin" | grep "GLIBC_$highest" >&2
  fail "the binary needs glibc $highest (symbols above), newer than $MAX_GLIBC ($COMPATIBILITY)"
}
say "highest glibc symbol version: GLIBC_$highest (<= $MAX_GLIBC)"
say "needed libraries: $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs)"

audit="$(auditwheel show "$wheel" 2>&1)" || { printf '%s\n' "$audit" >&2; fail "auditwheel show failed on $wheel"; }
printf '%s\n' "$audit" | sed 's/^/  auditwheel: /'
printf '%s' "$audit" | tr '\n' ' ' | grep -Eq 'consistent with the following platform tag: *"manylinux_2_17_x86_64"' \
  || fail "auditwheel does not find the wheel consistent with manylinux_2_17_x86_64 (manylinux2014)"

# --- the VS Code extension with the binary ----------------------------------------
t0="$(now)"
bash packaging/vsix.sh "$wheel" "$VSCODE_TARGET" "$root/dist" || fail "packaging the $VSCODE_TARGET .vsix failed (above)"
say "vsix: dist/chatlint-$VSCODE_TARGET-$version.vsix ($(du -h "dist/chatlint-$VSCODE_TARGET-$version.vsix" | cut -f1), $(($(now) - t0)) s)"

say "done in $(($(now) - t_start)) s:"
ls -l dist/
