#!/usr/bin/env bash
# Builds the static site into web/dist/ (build output, not committed):
#
#   index.html, playground.js, style.css   the playground (CodeMirror 6,
#                                          bundled by esbuild from npm)
#   chatlint_wasm_bg.wasm                  the engine (crates/wasm), wasm-opt'd
#   rules/<id>.html, rules/index.html      one page per rules/<id>.toml
#
# It works from any static host and from `python3 -m http.server -d web/dist`;
# the page loads only its own files and sends nothing anywhere.
#
# Installs what it needs: the wasm32-unknown-unknown standard library
# (rustup's, or where rustup cannot fetch it, built from source with
# -Zbuild-std by Debian's rustc-web, cargo-web, rust-web-src and lld-22),
# wasm-bindgen-cli from crates.io at the version
# Cargo.lock holds (into target/ci-tools), and web/package-lock.json's npm
# packages (npm ci: CodeMirror, esbuild, binaryen's wasm-opt, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
dist="$root/web/dist"

fail() { printf '\nweb/build.sh FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf 'web/build.sh: %s\n' "$*"; }

# --- tools ----------------------------------------------------------------------
# apt-get install, as root or through sudo; quiet unless it fails.
apt_install() {
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get > /dev/null || fail "needs the Debian packages ${missing[*]} and there is no apt-get"
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "apt-get install ${missing[*]}"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } \
    > /tmp/chatlint-web-apt.log 2>&1 \
    || { tail -n 20 /tmp/chatlint-web-apt.log; fail "apt-get install ${missing[*]} failed"; }
}

# The wasm32 standard library: rustup's when it can fetch it (GitHub's
# runners), else built from source with Debian's rustc-web (these machines).
wasm_cargo=(cargo build)
if rustup target list --installed 2> /dev/null | grep -qx wasm32-unknown-unknown \
  || timeout 120 rustup target add wasm32-unknown-unknown > /dev/null 2>&1; then
  say "wasm32 standard library: rustup's ($(rustc --version))"
else
  apt_install rustc-web cargo-web rust-web-src lld-22
  say "wasm32 standard library: built from Debian's rust-web-src ($(/usr/bin/rustc --version))"
  export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc
  wasm_cargo=(/usr/bin/cargo build -Zbuild-std=std,panic_abort)
fi

bindgen_version="$(python3 -c '
import tomllib
lock = tomllib.load(open("Cargo.lock", "rb"))
print(next(p["version"] for p in lock["package"] if p["name"] == "wasm-bindgen"))')" \
  || fail "Cargo.lock holds no wasm-bindgen"
bindgen_root="$root/target/ci-tools/wasm-bindgen-$bindgen_version"
bindgen="$bindgen_root/bin/wasm-bindgen"
if [ ! -x "$bindgen" ]; then
  say "cargo install wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  # Not --locked: its lock file can name crate versions a registry mirror lacks.
  cargo install --quiet wasm-bindgen-cli --version "$bindgen_version" --root "$bindgen_root" \
    || fail "cargo install wasm-bindgen-cli --version $bindgen_version failed"
fi

if ! cmp -s web/package-lock.json web/node_modules/.installed-lock.json 2> /dev/null; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in web/ failed (is the npm registry reachable?)"
  cp web/package-lock.json web/node_modules/.installed-lock.json
fi

# --- the engine as WebAssembly ----------------------------------------------------
say "cargo build -p chatlint-wasm --target wasm32-unknown-unknown --profile wasm"
"${wasm_cargo[@]}" --quiet --locked --target wasm32-unknown-unknown --profile wasm \
  -p chatlint-wasm --target-dir target/wasm \
  || fail "the wasm build failed (above)"
pkg="$root/web/src/gen/pkg"
rm -rf "$pkg"
"$bindgen" --target web --no-typescript --out-dir "$pkg" target/wasm/wasm32-unknown-unknown/wasm/chatlint_wasm.wasm \
  || fail "wasm-bindgen failed"
# The same module for node (web/tests/parity.mjs).
"$bindgen" --target nodejs --no-typescript --out-dir "$root/target/wasm/node" \
  target/wasm/wasm32-unknown-unknown/wasm/chatlint_wasm.wasm || fail "wasm-bindgen --target nodejs failed"

# --- the site -----------------------------------------------------------------------
rm -rf "$dist"
mkdir -p "$dist"
# binaryen from npm: Debian 12's wasm-opt (108) breaks wasm-bindgen's externref table.
web/node_modules/.bin/wasm-opt -Os "$pkg/chatlint_wasm_bg.wasm" -o "$dist/chatlint_wasm_bg.wasm" || fail "wasm-opt failed"
# The node module of parity.mjs runs the same optimised engine (wasm-bindgen
# wrote the same module for both targets; only the JavaScript around it differs).
cmp -s "$pkg/chatlint_wasm_bg.wasm" target/wasm/node/chatlint_wasm_bg.wasm \
  || fail "wasm-bindgen wrote different modules for the web and node"
cp "$dist/chatlint_wasm_bg.wasm" target/wasm/node/chatlint_wasm_bg.wasm
python3 web/site.py "$dist" || fail "web/site.py could not write the rule pages"
(cd web && node_modules/.bin/esbuild src/main.js --bundle --format=esm --minify --target=es2022 \
  --outfile="$dist/playground.js" --log-level=warning) || fail "esbuild could not bundle the playground"
cp web/src/index.html web/src/style.css "$dist/"

size="$(stat -c %s "$dist/chatlint_wasm_bg.wasm")"
gz="$(gzip -9 -c "$dist/chatlint_wasm_bg.wasm" | wc -c)"
say "wasm after wasm-opt: $((size / 1024)) KiB ($((gz / 1024)) KiB gzipped); playground.js $(($(stat -c %s "$dist/playground.js") / 1024)) KiB"
[ "$size" -le 1048576 ] || fail "the wasm module is $size bytes after wasm-opt, over the 1 MB budget"
say "built $dist (serve it: python3 -m http.server -d web/dist)"
