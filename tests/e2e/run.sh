#!/usr/bin/env bash
# The VS Code end-to-end test: runs vscode.test.mjs (node's test runner),
# which installs the platform package dist/chatlint-linux-x64-VERSION.vsix
# (built by packaging/build.sh, with the chatlint binary bundled) into
# code-server with no `chatlint.serverPath` setting and no chatlint on PATH,
# opens tests/e2e/fixtures in Debian's chromium and reads the page. Run
# packaging/build.sh and tests/e2e/install.sh first.
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

version="$(node -p 'require("./editors/vscode/package.json").version')"
vsix="$root/dist/chatlint-linux-x64-$version.vsix"
[ -s "$vsix" ] || broken "no $vsix: build it first with bash packaging/build.sh"
printf 'e2e: %s\n' "${vsix#"$root/"}"

export CHATLINT_E2E_VSIX="$vsix"
export CHATLINT_E2E_CODE_SERVER="$code_server"
export CHATLINT_E2E_ARTIFACTS="$artifacts"

cd tests/e2e
node --test --test-reporter=spec --test-concurrency=1 vscode.test.mjs
