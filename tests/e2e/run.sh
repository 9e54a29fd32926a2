#!/usr/bin/env bash
# The VS Code end-to-end test: builds target/debug/chatlint and the .vsix,
# then runs vscode.test.mjs (node's test runner), which installs the .vsix
# into code-server, opens tests/e2e/fixtures in Debian's chromium and reads
# the page. Run tests/e2e/install.sh first.
#
# Exit status: 0 passed; 1 failed; 77 skipped because the tools are missing
# and CI is not "true" (under CI=true a missing tool is a failure).
# Screenshots and logs: target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

artifacts="$root/target/e2e-artifacts"
code_server="$root/target/e2e-tools/code-server/node_modules/.bin/code-server"
mkdir -p "$artifacts"

cannot() {
  if [ "${CI:-}" = "true" ]; then
    printf 'e2e FAILED: %s\n' "$*" >&2
    exit 1
  fi
  printf 'e2e SKIP: %s\n' "$*" >&2
  exit 77
}
broken() {
  printf 'e2e FAILED: %s\n' "$*" >&2
  exit 1
}

command -v node > /dev/null 2>&1 || cannot "node is not installed"
[ -x "$code_server" ] || cannot "code-server is not installed in target/e2e-tools (run tests/e2e/install.sh)"
[ -x /usr/bin/chromium ] || cannot "/usr/bin/chromium is not installed (run tests/e2e/install.sh)"
[ -f tests/e2e/node_modules/playwright-core/package.json ] || cannot "playwright-core is not installed in tests/e2e (run tests/e2e/install.sh)"

printf 'e2e: cargo build (target/debug/chatlint)\n'
cargo build --quiet --locked --bin chatlint || broken "cargo build failed"

printf 'e2e: building the extension (editors/vscode: npm run package)\n'
(
  cd editors/vscode
  [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
  rm -f chatlint.vsix
  npm run package
) > "$artifacts/vsix-build.log" 2>&1 || {
  tail -n 40 "$artifacts/vsix-build.log" >&2
  broken "building editors/vscode/chatlint.vsix failed (cd editors/vscode && npm ci && npm run package); log: $artifacts/vsix-build.log"
}
[ -s editors/vscode/chatlint.vsix ] || broken "npm run package did not write editors/vscode/chatlint.vsix"

export CHATLINT_E2E_BIN="$root/target/debug/chatlint"
export CHATLINT_E2E_VSIX="$root/editors/vscode/chatlint.vsix"
export CHATLINT_E2E_CODE_SERVER="$code_server"
export CHATLINT_E2E_ARTIFACTS="$artifacts"

cd tests/e2e
node --test --test-reporter=spec --test-concurrency=1 vscode.test.mjs
