#!/usr/bin/env bash
# Installs what the VS Code end-to-end test (tests/e2e/run.sh) needs:
#   - Debian's chromium, and the Debian packages code-server's native modules
#     build against (libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
#     pkg-config) plus ripgrep (code-server's search, used offline);
#   - code-server 4.100.3 (the newest release for node 20) into
#     target/e2e-tools/code-server, skipped when already there;
#   - playwright-core into tests/e2e/node_modules (no browser download: the
#     test drives /usr/bin/chromium).
#
# Exit status: 0 ready; 77 the machine cannot run the test (no apt-get and no
# chromium, no npm, no node 20, no registry) and CI is not "true"; 1 anything
# else. Under CI=true every failure is 1: CI must not skip silently.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

CODE_SERVER_VERSION=4.100.3
tools="$root/target/e2e-tools"
cs_dir="$tools/code-server"
stamp="$cs_dir/.installed-$CODE_SERVER_VERSION"
log_dir="$tools/logs"
mkdir -p "$log_dir"

say() { printf 'e2e install: %s\n' "$*"; }
# The machine cannot run the test: skip, unless this is CI.
cannot() {
  if [ "${CI:-}" = "true" ]; then
    printf 'e2e install FAILED: %s\n' "$*" >&2
    exit 1
  fi
  printf 'e2e install SKIP: %s\n' "$*" >&2
  exit 77
}
# Something that should have worked did not.
broken() {
  printf 'e2e install FAILED: %s\n' "$*" >&2
  exit 1
}
# Runs a command quietly into a log; on failure shows the log's tail.
quiet() {
  local log="$log_dir/$1"; shift
  if ! "$@" > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    return 1
  fi
}

# --- node and npm -----------------------------------------------------------
command -v node > /dev/null 2>&1 || cannot "node is not installed (code-server $CODE_SERVER_VERSION needs node 20)"
command -v npm > /dev/null 2>&1 || cannot "npm is not installed"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = "20" ] || cannot "code-server $CODE_SERVER_VERSION needs node 20, this is node $(node --version)"

# --- Debian packages ----------------------------------------------------------
debs=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get > /dev/null 2>&1 || cannot "apt-get is missing, so these Debian packages cannot be installed: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null || cannot "not root and no password-less sudo, so apt-get cannot install: ${missing[*]}"
    sudo="sudo -n"
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  quiet apt-update.log $sudo apt-get update -qq || cannot "apt-get update failed (no network to the Debian mirror?); see $log_dir/apt-update.log"
  quiet apt-install.log $sudo apt-get install -y -qq "${missing[@]}" \
    || broken "apt-get install ${missing[*]} failed; see $log_dir/apt-install.log"
fi
[ -x /usr/bin/chromium ] || broken "/usr/bin/chromium is missing after installing the chromium package"
say "$(/usr/bin/chromium --version 2> /dev/null || echo 'chromium (version unknown)')"

# --- the npm registry is reachable? ------------------------------------------
registry_ok() { npm ping > "$log_dir/npm-ping.log" 2>&1; }

# --- code-server 4.100.3, the newest for node 20; why each step: beside it ---
if [ -f "$stamp" ] && [ -x "$cs_dir/node_modules/.bin/code-server" ]; then
  say "code-server $CODE_SERVER_VERSION already in $cs_dir"
else
  registry_ok || cannot "the npm registry is unreachable (npm ping failed), so code-server cannot be installed"
  say "installing code-server $CODE_SERVER_VERSION into $cs_dir (about a minute)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  (
    set -e
    # ~/.npmrc may say yes=false, which makes node-pty's `npx node-gyp` abort.
    export npm_config_yes=true
    # As root, code-server's scripts want this; npm 11 no longer sets it.
    export npm_config_unsafe_perm=true
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    cd "$cs_dir"
    echo '{"private":true}' > package.json
    npm install "code-server@$CODE_SERVER_VERSION" --ignore-scripts --loglevel=error
    npm rebuild argon2 --loglevel=error
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts --loglevel=error
    # @vscode/ripgrep's postinstall downloads rg from GitHub; it skips the
    # download when bin/ exists, so give it Debian's.
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
    npm rebuild --loglevel=error
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    cd extensions
    npm install --omit=dev --loglevel=error
  ) > "$log_dir/code-server.log" 2>&1 || {
    tail -n 40 "$log_dir/code-server.log" >&2
    broken "installing code-server $CODE_SERVER_VERSION failed; full log: $log_dir/code-server.log"
  }
  touch "$stamp"
fi
# code-server writes a default config.yaml under $HOME (XDG) even for
# --version: give it a throw-away home.
probe_home="$(mktemp -d)"
version="$(env HOME="$probe_home" XDG_CONFIG_HOME="$probe_home/.config" XDG_DATA_HOME="$probe_home/.local/share" \
  "$cs_dir/node_modules/.bin/code-server" --version 2> /dev/null | grep -E '^[0-9]+\.[0-9]+' | head -n 1)" || version=""
rm -rf "$probe_home"
[ -n "$version" ] || broken "code-server does not run: $cs_dir/node_modules/.bin/code-server --version failed"
case "$version" in
  "$CODE_SERVER_VERSION"*) say "code-server $version" ;;
  *) broken "expected code-server $CODE_SERVER_VERSION, got: $version" ;;
esac

# --- playwright-core (tests/e2e/package-lock.json) -----------------------------
cd "$root/tests/e2e"
wanted="$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')"
have="$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch { "" }')"
if [ "$have" = "$wanted" ]; then
  say "playwright-core $(node -p 'require("playwright-core/package.json").version') already in tests/e2e/node_modules"
else
  registry_ok || cannot "the npm registry is unreachable (npm ping failed), so playwright-core cannot be installed"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  quiet playwright.log npm ci --no-audit --no-fund --loglevel=error \
    || broken "npm ci in tests/e2e (playwright-core) failed; see $log_dir/playwright.log"
  say "playwright-core $(node -p 'require("playwright-core/package.json").version')"
fi
say "ready"
