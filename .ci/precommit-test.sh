#!/usr/bin/env bash
# Proves the pre-commit hook with the real pre-commit (PyPI): in a throwaway
# git repo, `pre-commit try-repo` against this checkout must fail on an
# invalid fixture and pass on a valid one. The first run builds chatlint in
# release mode inside pre-commit's environment (a few minutes).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pre-commit
export PRE_COMMIT_HOME="$work/cache"
# Each try-repo installs the hook afresh; a shared target folder lets the
# second `cargo install` reuse the first one's build.
export CARGO_TARGET_DIR="$work/target"
mkdir "$work/fixtures" && cd "$work/fixtures"
git init --quiet .
git config user.email ci@example.invalid
git config user.name ci
cp "$repo/examples/valid/guide-api-setup.setup.json" valid.setup.json
cp "$repo/examples/invalid/group-chat.setup.json" invalid.setup.json
echo '{"name": "not-a-request", "version": "1.0.0"}' > package.json
git add . && git commit --quiet -m fixtures

echo "pre-commit on the valid fixture and package.json (must pass):"
"$work/venv/bin/pre-commit" try-repo "$repo" chatlint --files valid.setup.json package.json
echo "pre-commit on the invalid fixture (must fail):"
if "$work/venv/bin/pre-commit" try-repo "$repo" chatlint --files invalid.setup.json; then
  echo "the hook passed an invalid fixture" >&2
  exit 1
fi
echo "pre-commit hook: OK"
