#!/usr/bin/env bash
# Proves the pre-commit hooks of .pre-commit-hooks.yaml with the real
# pre-commit (PyPI): in a throwaway git repo, `pre-commit try-repo` against
# this checkout must fail on an invalid fixture and pass on a valid one (and
# leave package.json alone).
#
#   bash .ci/precommit-test.sh            # hook `chatlint`: installs the wheel
#   bash .ci/precommit-test.sh from-source  # hook `chatlint-from-source`: cargo
#
# The `chatlint` hook (language: python) installs the root pyproject.toml's
# package, which pins chatlint-cli; the wheel is offered through
# PIP_FIND_LINKS=dist (build it first: bash packaging/build.sh), since it is
# not on PyPI from here. That run must compile nothing: `cargo` and `rustc`
# leave PATH (as on a machine without Rust), traps that record any call take
# their place, and the log must not mention cargo.
# It also runs the README's snippet as a .pre-commit-config.yaml (repo: this
# checkout at HEAD) and checks docs/ci.md shows the same.
#
# The from-source hook builds chatlint in release mode inside pre-commit's
# environment (a few minutes); .ci/run does not run it.
#
# PRE_COMMIT: a pre-commit to use (default: pre-commit==4.7.0 from PyPI into
# a temporary venv).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
mode="${1:-wheel}"
PRE_COMMIT_VERSION=4.7.0
MAX_FIRST_RUN_S=60

fail() { printf 'precommit-test FAILED: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${PRE_COMMIT:-}" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION" \
    || fail "could not install pre-commit==$PRE_COMMIT_VERSION from PyPI"
  PRE_COMMIT="$work/venv/bin/pre-commit"
fi
echo "$("$PRE_COMMIT" --version)"
"$PRE_COMMIT" validate-manifest "$repo/.pre-commit-hooks.yaml" || fail ".pre-commit-hooks.yaml is not a valid hook manifest"
export PRE_COMMIT_HOME="$work/cache"

mkdir "$work/fixtures" && cd "$work/fixtures"
git init --quiet .
git config user.email ci@example.invalid
git config user.name ci
cp "$repo/examples/valid/guide-api-setup.setup.json" valid.setup.json
cp "$repo/examples/invalid/group-chat.setup.json" invalid.setup.json
echo '{"name": "not-a-request", "version": "1.0.0"}' > package.json
git add . && git commit --quiet -m fixtures

# Runs pre-commit with its output in $work/log.N; shows the output.
runs=0
precommit() {
  runs=$((runs + 1))
  local status=0
  "$PRE_COMMIT" "$@" > "$work/log.$runs" 2>&1 || status=$?
  sed 's/^/  | /' "$work/log.$runs"
  return "$status"
}

case "$mode" in
  wheel)
    hook=chatlint
    version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/pyproject.toml")"
    shopt -s nullglob
    wheels=("$repo"/dist/chatlint_cli-"$version"-*.whl)
    [ "${#wheels[@]}" -gt 0 ] || fail "no dist/chatlint_cli-$version-*.whl: run bash packaging/build.sh first"
    echo "offering ${wheels[*]#"$repo/"} through PIP_FIND_LINKS"
    export PIP_FIND_LINKS="$repo/dist" PIP_DISABLE_PIP_VERSION_CHECK=1
    # As on a machine without Rust: the folders holding cargo or rustc leave
    # PATH, and traps take their place that record every call and fail.
    # pre-commit probes `rustc --version` for the manifest's rust hook; any
    # other call would be a build.
    # A folder that also holds the system's tools (/usr/bin, where Debian's
    # cargo and rustc live) stays reachable through a copy of its links
    # without the Rust tools.
    clean_path=""
    IFS=: read -r -a dirs <<< "$PATH"
    n=0
    for d in "${dirs[@]}"; do
      [ -n "$d" ] && [ -d "$d" ] || continue
      if [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ]; then
        clean_path="$clean_path:$d"
        continue
      fi
      n=$((n + 1))
      mirror="$work/path-$n"
      mkdir "$mirror"
      for f in "$d"/*; do
        case "${f##*/}" in cargo | cargo-* | rustc | rustc-* | rustdoc | rustup | rust-*) continue ;; esac
        ln -s "$f" "$mirror/${f##*/}"
      done
      clean_path="$clean_path:$mirror"
    done
    mkdir "$work/traps"
    for t in cargo rustc rustup; do
      printf '#!/bin/sh\necho "%s $*" >> "%s/trap-calls"\nexit 127\n' "$t" "$work" > "$work/traps/$t"
      chmod +x "$work/traps/$t"
    done
    export PATH="$work/traps$clean_path"
    ;;
  from-source)
    hook=chatlint-from-source
    # Each try-repo installs the hook afresh; a shared target folder lets the
    # second `cargo install` reuse the first one's build.
    export CARGO_TARGET_DIR="$work/target"
    ;;
  *) fail "unknown mode '$mode' (wheel or from-source)" ;;
esac

echo "pre-commit try-repo $hook on the valid fixture and package.json (must pass; the first run installs the hook):"
t0=$(now_ms)
precommit try-repo "$repo" "$hook" --files valid.setup.json package.json || fail "the $hook hook failed on a valid request (log above)"
first_ms=$(($(now_ms) - t0))
echo "first run (install + check): $((first_ms / 1000)).$(printf '%03d' $((first_ms % 1000))) s"

echo "pre-commit try-repo $hook on the invalid fixture (must fail):"
if precommit try-repo "$repo" "$hook" --files invalid.setup.json; then
  fail "the $hook hook passed an invalid fixture"
fi
grep -q "display-name-forbidden" "$work/log.$runs" || fail "the $hook hook failed, but not with chatlint's finding display-name-forbidden (log above)"

if [ "$mode" = wheel ]; then
  builds="$(grep -v -- ' --version$' "$work/trap-calls" 2> /dev/null || true)"
  [ -z "$builds" ] || fail "installing the hook called: $builds"
  if grep -il "cargo" "$work"/log.*; then fail "a pre-commit log mentions cargo (above): something was compiled"; fi
  [ "$first_ms" -lt $((MAX_FIRST_RUN_S * 1000)) ] || fail "the first run took $((first_ms / 1000)) s, more than ${MAX_FIRST_RUN_S} s"

  # The README's snippet, as a user pastes it, pointed at this checkout.
  snippet="$(python3 - "$repo" << 'PY'
import re, sys
readme = open(f"{sys.argv[1]}/README.md").read()
m = re.search(r"<!-- pre-commit-snippet -->\s*```yaml\n(.*?)```", readme, re.S)
if not m:
    sys.exit("README.md has no ```yaml block after <!-- pre-commit-snippet -->")
if f"```yaml\n{m.group(1)}```" not in open(f"{sys.argv[1]}/docs/ci.md").read():
    sys.exit("docs/ci.md does not show the README's pre-commit snippet")
print(m.group(1), end="")
PY
)" || fail "the pre-commit snippet of README.md (above)"
  grep -qx "    rev: v$version" <<< "$snippet" || fail "the README's snippet does not say rev: v$version"
  head_sha="$(git -C "$repo" rev-parse HEAD)"
  sed -e "s|^  - repo: .*|  - repo: $repo|" -e "s|^    rev: .*|    rev: $head_sha|" <<< "$snippet" > .pre-commit-config.yaml
  echo "the README's snippet, with repo: this checkout at HEAD:"
  sed 's/^/  > /' .pre-commit-config.yaml
  git add .pre-commit-config.yaml && git commit --quiet -m config
  precommit run --files valid.setup.json package.json || fail "the README's snippet failed on a valid request"
  if precommit run --files invalid.setup.json; then fail "the README's snippet passed an invalid request"; fi
  # The hook's environment holds the wheel's binary.
  bin=("$PRE_COMMIT_HOME"/repo*/py_env-*/bin/chatlint)
  [ "${#bin[@]}" -eq 1 ] && [ -x "${bin[0]}" ] || fail "expected one chatlint in the hook's environment under $PRE_COMMIT_HOME, found: ${bin[*]:-none}"
  [ "$("${bin[0]}" --version)" = "chatlint $version" ] || fail "the hook's chatlint is $("${bin[0]}" --version), expected chatlint $version"
  builds="$(grep -v -- ' --version$' "$work/trap-calls" 2> /dev/null || true)"
  [ -z "$builds" ] || fail "the README's snippet called: $builds"
fi
echo "pre-commit hook $hook: OK"
