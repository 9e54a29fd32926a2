// chatlint's VS Code extension in a real VS Code: code-server, driven in
// Debian's chromium by playwright-core, asserted by reading the page.
//
// Run through tests/e2e/run.sh, which sets CHATLINT_E2E_VSIX (the platform
// package dist/chatlint-linux-x64-VERSION.vsix of packaging/build.sh, which
// bundles the binary), CHATLINT_E2E_CODE_SERVER and CHATLINT_E2E_ARTIFACTS.
// The extension gets no `chatlint.serverPath` and finds no chatlint on PATH:
// it must run its bundled binary. Screenshots and logs go to
// CHATLINT_E2E_ARTIFACTS.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const VERSION = JSON.parse(fs.readFileSync(path.join(root, "editors/vscode/package.json"), "utf8")).version;
const VSIX = process.env.CHATLINT_E2E_VSIX ?? path.join(root, `dist/chatlint-linux-x64-${VERSION}.vsix`);
// The binary the extension bundles, as installed into code-server (set in start()).
let BIN = "";
const CODE_SERVER =
  process.env.CHATLINT_E2E_CODE_SERVER ?? path.join(root, "target/e2e-tools/code-server/node_modules/.bin/code-server");
const ARTIFACTS = process.env.CHATLINT_E2E_ARTIFACTS ?? path.join(root, "target/e2e-artifacts");
const CHROMIUM = "/usr/bin/chromium";

const BROKEN = "broken-group-chat.setup.json";
const VALID = "valid-group-chat.setup.json";
const PACKAGE = "package.json";
// From the discovery document's description of Space.spaceType.
const SPACE_TYPE_DOC = "The type of space";

const t0 = Date.now();
const log = (msg) => console.log(`# [${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; the last error or value explains a timeout. */
async function until(what, fn, timeoutMs = 20000, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      const why = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${why})`);
    }
    await sleep(everyMs);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** What `chatlint check FILE --format json` reports for one file. */
function cliFindings(file) {
  let out;
  try {
    out = execFileSync(BIN, ["check", file, "--format", "json"], { encoding: "utf8", timeout: 30000 });
  } catch (e) {
    if (e.status !== 1) throw e; // 1: findings; anything else is a real failure
    out = e.stdout;
  }
  const report = JSON.parse(out);
  assert.equal(report.files.length, 1);
  assert.equal(report.files[0].error, null, `chatlint could not check ${file}`);
  return report.files[0].diagnostics;
}

/** PIDs of the live processes in process group `pgid` (from /proc). */
function groupMembers(pgid) {
  const pids = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** PIDs of the live children of `ppid` (from /proc). */
function childrenOf(ppid) {
  const pids = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === ppid && fields[0] !== "Z") pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Whether `pid` is running (a zombie has ended: it only waits to be reaped). */
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// The session: one code-server, one chromium, one page, shared by the tests.

const s = {
  tmp: "",
  workspace: "",
  userData: "",
  codeServer: null, // ChildProcess
  codeServerLog: null, // fs.WriteStream
  browser: null,
  chromiumPid: 0,
  chromiumGroup: [], // chromium's own processes (zygote, renderers, ...)
  page: null,
  seenGroup: new Map(), // pid -> cmdline, every process seen in code-server's group
  failed: false,
};

async function screenshot(name) {
  if (!s.page) return;
  const file = path.join(ARTIFACTS, name);
  await s.page.screenshot({ path: file }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  log(`screenshot: ${path.relative(root, file)}`);
}

/** Records every process of code-server's group (to check they all end). */
function noteGroup() {
  if (!s.codeServer?.pid) return;
  for (const pid of groupMembers(s.codeServer.pid)) {
    if (!s.seenGroup.has(pid)) s.seenGroup.set(pid, cmdline(pid));
  }
}

/** The chatlint output channel, as the extension host logs it. */
function chatlintChannel() {
  const logs = path.join(s.userData, "logs");
  if (!fs.existsSync(logs)) return "";
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/-chatlint\.log$/.test(e.name)) found.push(p);
    }
  };
  walk(logs);
  return found.map((f) => fs.readFileSync(f, "utf8")).join("\n");
}

/** Notifications on screen and the chatlint channel: what explains a failure. */
async function whatTheUserSees() {
  const out = [];
  const toasts = await s.page
    ?.locator(".notifications-toasts .notification-toast")
    .allInnerTexts()
    .catch(() => []);
  if (toasts?.length) out.push(`notifications on screen:\n#   ${toasts.map((t) => t.replace(/\n/g, " ")).join("\n#   ")}`);
  // The notification centre (the bell) keeps the ones no longer shown as toasts.
  const centre = await (async () => {
    await s.page.locator('.statusbar-item[id="status.notifications"] a, .statusbar-item[id="status.notifications"]').first().click({ timeout: 2000 });
    const items = s.page.locator(".notifications-center .notification-list-item");
    await items.first().waitFor({ timeout: 2000 });
    const texts = await items.allInnerTexts();
    await s.page.keyboard.press("Escape");
    return texts;
  })().catch(() => []);
  if (centre.length) out.push(`notification centre:\n#   ${centre.map((t) => t.replace(/\n/g, " ")).join("\n#   ")}`);
  const channel = chatlintChannel().trim();
  out.push(channel ? `chatlint output channel:\n#   ${channel.split("\n").slice(-15).join("\n#   ")}` : "the chatlint output channel is empty");
  return out.join("\n# ");
}

const page = () => s.page;
const activeEditor = () => page().locator(".editor-group-container.active .editor-instance .monaco-editor").first();

/** Opens a workspace file with Go to File (Ctrl+P), as a person would. */
async function openFile(name) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page().keyboard.press("Escape");
      await page().keyboard.press("Control+P");
      const input = page().locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: 5000 });
      await input.fill(name);
      // Enter opens the focused result: wait until the filter has put ours first.
      await page()
        .locator(".quick-input-widget .monaco-list-row.focused", { hasText: name })
        .first()
        .waitFor({ state: "visible", timeout: 5000 });
      await page().keyboard.press("Enter");
      await page()
        .locator(`.tabs-container .tab.active[data-resource-name="${name}"]`)
        .waitFor({ state: "visible", timeout: 5000 });
      await activeEditor().locator(".view-lines .view-line").first().waitFor({ timeout: 5000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw new Error(`could not open ${name} with Ctrl+P: ${e.message}`);
      log(`opening ${name}: attempt ${attempt} failed (${e.message.split("\n")[0]}), again`);
    }
  }
}

/** The active editor's text, line by line, as rendered. */
async function editorText() {
  return activeEditor().evaluate((ed) => {
    const lines = [...ed.querySelectorAll(".view-lines .view-line")]
      .map((l) => ({ top: parseFloat(l.style.top) || 0, text: l.textContent.replace(/\u00a0/g, " ") }))
      .sort((a, b) => a.top - b.top);
    return lines.map((l) => l.text).join("\n");
  });
}

/** The line numbers (1-based) of the active editor's squiggles of `severity`. */
async function squiggleLines(severity) {
  return activeEditor().evaluate((ed, sev) => {
    const numbers = [...ed.querySelectorAll(".margin-view-overlays .line-numbers")].map((n) => {
      const r = n.getBoundingClientRect();
      return { line: Number(n.textContent.trim()), top: r.top, bottom: r.bottom };
    });
    const lines = new Set();
    for (const sq of ed.querySelectorAll(`.view-overlays .squiggly-${sev}`)) {
      const r = sq.getBoundingClientRect();
      const mid = (r.top + r.bottom) / 2;
      const n = numbers.find((x) => mid >= x.top && mid <= x.bottom);
      lines.add(n ? n.line : -1);
    }
    return [...lines].sort((a, b) => a - b);
  }, severity);
}

/** Every squiggle of the active editor, of any severity. */
async function squiggleCount() {
  return activeEditor().locator('.view-overlays [class*="squiggly-"]').count();
}

/** Opens the Problems panel (Ctrl+Shift+M) unless it is showing. */
async function showProblems() {
  if (await page().locator(".markers-panel").isVisible()) return;
  await page().keyboard.press("Control+Shift+M");
  await page().locator(".markers-panel").waitFor({ state: "visible", timeout: 10000 });
}

/**
 * The Problems panel, read from its tree: one entry per problem, with the
 * file it is under, message, source, code (rule id), line, column, severity.
 */
async function problems() {
  return page().evaluate(() => {
    const rows = [...document.querySelectorAll(".markers-panel .monaco-list-row")]
      .map((row) => ({ row, top: parseFloat(row.style.top) || 0 }))
      .sort((a, b) => a.top - b.top)
      .map((x) => x.row);
    const out = [];
    let resource = null;
    for (const row of rows) {
      const label = row.querySelector(".resource-label-container .monaco-icon-label");
      if (label) {
        resource = label.getAttribute("aria-label") || label.textContent.trim();
        continue;
      }
      const text = (sel) => row.querySelector(sel)?.textContent.trim() ?? null;
      const where = /\[Ln (\d+), Col (\d+)\]/.exec(text(".marker-line") ?? "");
      const icon = row.querySelector(".marker-icon");
      out.push({
        resource,
        file: resource ? resource.split("/").pop() : null,
        message: text(".marker-message-line .marker-message"),
        source: text(".marker-source"),
        code: text(".marker-code"),
        line: where ? Number(where[1]) : null,
        column: where ? Number(where[2]) : null,
        severity: ["error", "warning", "info"].find((c) => icon?.classList.contains(c)) ?? null,
      });
    }
    return out;
  });
}

const chatlintProblems = async (file) =>
  (await problems()).filter((p) => p.file === file && p.source === "chatlint");

/** Hovers the JSON key `key` in the active editor; returns the hover's text. */
async function hoverKey(key, expectText) {
  await page().keyboard.press("Escape");
  await page().mouse.move(5, 5);
  const token = activeEditor()
    .locator(".view-lines .view-line span span", { hasText: new RegExp(`^"${key}"$`) })
    .first();
  const box = await token.boundingBox();
  assert.ok(box, `the key "${key}" is not on screen`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const hover = page().locator(".monaco-hover:not(.hidden)", { hasText: expectText }).first();
  for (let attempt = 1; ; attempt++) {
    await page().mouse.move(x - 2, y);
    await page().mouse.move(x + 2, y);
    try {
      await hover.waitFor({ state: "visible", timeout: 3000 });
      break;
    } catch (e) {
      if (attempt >= 4) {
        const shown = await page().locator(".monaco-hover:not(.hidden)").allInnerTexts();
        throw new Error(`no hover on "${key}" containing "${expectText}"; hovers shown: ${JSON.stringify(shown)}`);
      }
      await page().mouse.move(5, 5);
    }
  }
  return (await hover.innerText()).trim();
}

describe("chatlint in VS Code (code-server + chromium)", () => {
  before(
    async () => {
      try {
        await start();
      } catch (e) {
        s.failed = true;
        throw e;
      }
    },
    { timeout: 120000 },
  );

  async function start() {
    for (const [what, p] of [
      ["extension", VSIX],
      ["code-server", CODE_SERVER],
      ["chromium", CHROMIUM],
    ]) {
      assert.ok(fs.existsSync(p), `the ${what} is missing: ${p} (run packaging/build.sh and tests/e2e/install.sh, then tests/e2e/run.sh)`);
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of fs.readdirSync(ARTIFACTS)) if (/\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));

    s.tmp = fs.mkdtempSync(path.join(os.tmpdir(), "chatlint-e2e-"));
    const home = path.join(s.tmp, "home");
    s.workspace = path.join(s.tmp, "workspace");
    s.userData = path.join(s.tmp, "user-data");
    const extensions = path.join(s.tmp, "extensions");
    const config = path.join(s.tmp, "config.yaml");
    fs.mkdirSync(home);
    fs.cpSync(path.join(here, "fixtures"), s.workspace, { recursive: true });
    fs.mkdirSync(path.join(s.userData, "User"), { recursive: true });
    fs.writeFileSync(
      path.join(s.userData, "User", "settings.json"),
      JSON.stringify(
        {
          "workbench.startupEditor": "none",
          "problems.defaultViewMode": "tree",
          "json.schemaDownload.enable": false,
          "telemetry.telemetryLevel": "off",
          "extensions.autoCheckUpdates": false,
          "extensions.autoUpdate": false,
          "update.mode": "none",
          "workbench.tips.enabled": false,
          "git.enabled": false,
        },
        null,
        2,
      ),
    );
    const port = await freePort();
    fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    // HOME too: chromium writes ~/.config/chromium, code-server ~/.config/code-server.
    // No chatlint on PATH: the extension must find its bundled binary.
    const searchPath = (process.env.PATH ?? "")
      .split(path.delimiter)
      .filter((d) => d && !fs.existsSync(path.join(d, "chatlint")))
      .join(path.delimiter);
    const env = {
      ...process.env,
      PATH: searchPath,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, ".config"),
      XDG_DATA_HOME: path.join(home, ".local/share"),
    };
    const dirs = ["--config", config, "--user-data-dir", s.userData, "--extensions-dir", extensions];

    log(`installing ${path.relative(root, VSIX)} into code-server (private dirs under ${s.tmp})`);
    const installed = execFileSync(CODE_SERVER, [...dirs, "--install-extension", VSIX], {
      env,
      encoding: "utf8",
      timeout: 60000,
    });
    assert.match(installed, /successfully installed/, installed);
    // The platform package's binary, where VS Code unpacked it: still executable.
    const record = JSON.parse(fs.readFileSync(path.join(extensions, "extensions.json"), "utf8")).filter(
      (e) => e.identifier?.id === "chatlint.chatlint",
    );
    assert.equal(record.length, 1, `one chatlint.chatlint in ${extensions}/extensions.json`);
    const installedDir = path.join(extensions, record[0].relativeLocation);
    assert.match(fs.readFileSync(path.join(installedDir, ".vsixmanifest"), "utf8"), /TargetPlatform="linux-x64"/, "the linux-x64 package");
    BIN = path.join(installedDir, "bundled", "chatlint");
    assert.ok(fs.existsSync(BIN), `the installed extension bundles ${BIN}`);
    assert.ok(fs.statSync(BIN).mode & 0o111, `${BIN} is executable after installing the .vsix`);
    assert.equal(execFileSync(BIN, ["--version"], { encoding: "utf8" }).trim(), `chatlint ${VERSION}`);
    log(`bundled binary: ${path.relative(s.tmp, BIN)} (no chatlint on PATH, no chatlint.serverPath)`);

    log(`starting code-server on 127.0.0.1:${port}`);
    s.codeServerLog = fs.createWriteStream(path.join(ARTIFACTS, "code-server.log"));
    // Its own process group, so the test can see (and end) everything it starts.
    s.codeServer = spawn(
      CODE_SERVER,
      [...dirs, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", s.workspace],
      { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    s.codeServer.stdout.pipe(s.codeServerLog);
    s.codeServer.stderr.pipe(s.codeServerLog);
    let exited = null;
    s.codeServer.on("exit", (code, signal) => (exited = { code, signal }));
    log(`code-server pid ${s.codeServer.pid}`);
    await until(
      "code-server to answer /healthz",
      async () => {
        if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}); see ${ARTIFACTS}/code-server.log`);
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        return r.ok;
      },
      30000,
      200,
    );

    s.browser = await chromium.launch({
      executablePath: CHROMIUM,
      env,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    // Playwright spawned chromium as a child of this process.
    s.chromiumPid = childrenOf(process.pid).find((pid) => /chrom/.test(cmdline(pid))) ?? 0;
    assert.ok(s.chromiumPid, "found the chromium that playwright started");
    s.chromiumGroup = groupMembers(s.chromiumPid);
    log(`chromium ${s.browser.version()} pid ${s.chromiumPid}`);
    s.page = await s.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await s.page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(s.workspace)}`);
    await s.page.locator(".monaco-workbench").waitFor({ timeout: 30000 });
    // The explorer lists the workspace once the workbench is usable.
    await s.page.locator(".explorer-folders-view .monaco-list-row", { hasText: BROKEN }).waitFor({ timeout: 30000 });
    log("workbench ready");
  }

  // Runs even when a test or `before` failed: ends every process started.
  after(() => stop(), { timeout: 60000 });

  async function stop() {
    noteGroup();
    const problemsLeft = [];
    try {
      if (s.browser) {
        await s.browser.close();
        log("chromium closed");
      }
    } catch (e) {
      log(`browser.close failed: ${e.message}`);
    }
    if (s.chromiumPid) {
      const chromiumPids = [s.chromiumPid, ...s.chromiumGroup, ...groupMembers(s.chromiumPid)];
      const end = Date.now() + 5000;
      while (Date.now() < end && chromiumPids.some(alive)) await sleep(100);
      for (const pid of chromiumPids) {
        if (alive(pid)) {
          problemsLeft.push(`chromium process ${pid} (${cmdline(pid)}) survived browser.close()`);
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone
          }
        }
      }
    }
    const cs = s.codeServer;
    if (cs?.pid) {
      if (cs.exitCode === null && cs.signalCode === null) {
        const exit = new Promise((r) => cs.once("exit", r));
        process.kill(cs.pid, "SIGTERM");
        let timer;
        await Promise.race([exit, new Promise((r) => (timer = setTimeout(r, 10000)))]);
        clearTimeout(timer);
      }
      if (alive(cs.pid)) {
        problemsLeft.push(`code-server ${cs.pid} ignored SIGTERM`);
        process.kill(cs.pid, "SIGKILL");
      }
      // Its children (extension host, file watcher, chatlint lsp) end with
      // it, some a few seconds later; wait, then end by PID whatever did not.
      // A PID counts only while it is still in code-server's process group
      // (a PID reused by some other process is not ours to end).
      const ours = () =>
        groupMembers(cs.pid).concat([...s.seenGroup].filter(([p, c]) => alive(p) && cmdline(p) === c).map(([p]) => p));
      const end = Date.now() + 10000;
      while (Date.now() < end && ours().length) await sleep(200);
      for (const pid of new Set(ours())) {
        const cmd = cmdline(pid);
        log(`pid ${pid} (${cmd}) outlived code-server by 10 s: SIGKILL`);
        // The language server must exit when its client goes away.
        if (cmd === `${BIN} lsp`) problemsLeft.push(`the language server (pid ${pid}) outlived VS Code`);
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      log(`code-server stopped; its processes seen: ${[...s.seenGroup.entries()].map(([p, c]) => `${p} ${c.split(" ")[0].split("/").pop()}${c.includes(" lsp") ? " lsp" : ""}`).join(", ")}`);
    }
    s.codeServerLog?.end();
    // Keep the logs (the chatlint output channel among them) with the screenshots.
    if (s.userData && fs.existsSync(path.join(s.userData, "logs"))) {
      fs.rmSync(path.join(ARTIFACTS, "vscode-logs"), { recursive: true, force: true });
      fs.cpSync(path.join(s.userData, "logs"), path.join(ARTIFACTS, "vscode-logs"), { recursive: true });
    }
    if (s.tmp) fs.rmSync(s.tmp, { recursive: true, force: true });
    log(`artifacts: ${path.relative(root, ARTIFACTS)}/`);
    assert.deepEqual(problemsLeft, [], "every process the test started ends with it");
  }

  let steps = 0;
  const step = (name, fn) => {
    const n = ++steps;
    return test(name, { timeout: 60000 }, async () => {
      try {
        await fn();
      } catch (e) {
        s.failed = true;
        await screenshot(`failed-step-${n}.png`);
        const why = await whatTheUserSees();
        if (why) log(why);
        throw e;
      } finally {
        noteGroup();
      }
    });
  };

  step("the broken request: squiggles, and the Problems panel lists chatlint's findings at the CLI's line:column", async () => {
    const expected = cliFindings(path.join(s.workspace, BROKEN))
      .map((d) => ({ code: d.rule, line: d.line, column: d.column, severity: d.severity, message: d.message }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    assert.ok(expected.some((d) => d.code === "display-name-forbidden"), "the fixture must break display-name-forbidden");
    assert.ok(expected.some((d) => d.code === "unknown-field"), "the fixture must have an unknown key");
    log(`chatlint check ${BROKEN}: ${expected.map((d) => `${d.code} ${d.line}:${d.column}`).join(", ")}`);

    await openFile(BROKEN);
    await activeEditor().locator(".squiggly-error").first().waitFor({ timeout: 30000 });
    log("squiggles shown");
    // With no setting and nothing on PATH, the extension runs its bundled binary.
    const server = await until(`\`${BIN} lsp\` among code-server's processes`, () => {
      noteGroup();
      return [...s.seenGroup.entries()].find(([, cmd]) => cmd === `${BIN} lsp`);
    });
    log(`language server: pid ${server[0]}, ${server[1]}`);
    await showProblems();
    const shown = await until(
      `the Problems panel to list ${expected.length} chatlint findings for ${BROKEN}`,
      async () => {
        const got = await chatlintProblems(BROKEN);
        return got.length === expected.length && got;
      },
    );
    const actual = shown
      .map((p) => ({ code: p.code, line: p.line, column: p.column, severity: p.severity, message: p.message }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    assert.deepEqual(actual, expected, "Problems panel rows (rule id, [Ln, Col], severity, message) = chatlint check --format json");

    const errorLines = [...new Set(expected.filter((d) => d.severity === "error").map((d) => d.line))].sort((a, b) => a - b);
    assert.deepEqual(await squiggleLines("error"), errorLines, "error squiggles on the lines of the findings");
    await screenshot("01-broken-request-diagnostics.png");
  });

  step("hovering spaceType shows the field's documentation", async () => {
    await openFile(BROKEN);
    const text = await hoverKey("spaceType", SPACE_TYPE_DOC);
    log(`hover: ${JSON.stringify(text.slice(0, 120))}…`);
    assert.match(text, /spaceType/);
    assert.ok(text.includes(SPACE_TYPE_DOC), `hover text: ${text}`);
    assert.match(text, /GROUP_CHAT/, "the hover lists the enum values");
    await screenshot("02-hover-spaceType.png");
    await page().keyboard.press("Escape");
    await page().mouse.move(5, 5);
  });

  step("the quick fix removes the group chat's displayName and its diagnostic", async () => {
    const file = path.join(s.workspace, BROKEN);
    const before = cliFindings(file).find((d) => d.rule === "display-name-forbidden");
    const fixTitle = before.fixes.find((f) => f.applicability === "safe")?.title;
    assert.ok(fixTitle, "chatlint offers a safe fix for display-name-forbidden");

    await openFile(BROKEN);
    await page().keyboard.press("Escape");
    await page().mouse.move(5, 5);
    const key = activeEditor().locator(".view-lines .view-line span span", { hasText: /^"displayName"$/ }).first();
    const box = await key.boundingBox();
    assert.ok(box, "displayName is on screen");
    await page().mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await until("the cursor on the displayName line", async () =>
      (await page().locator("#status\\.editor\\.selection").innerText()).includes(`Ln ${before.line},`),
    );
    await page().keyboard.press("Control+.");
    const action = page().locator(".action-widget .monaco-list-row.action", { hasText: fixTitle });
    await action.first().waitFor({ state: "visible", timeout: 15000 });
    const offered = await page().locator(".action-widget .monaco-list-row.action").allInnerTexts();
    log(`quick fixes offered: ${JSON.stringify(offered)}`);
    await screenshot("03-quick-fix-menu.png");
    // Pick it with the keyboard, as the menu expects (Enter applies the focused action).
    await until(`"${fixTitle}" to be focused in the menu`, async () => {
      const focused = page().locator(".action-widget .monaco-list-row.action.focused");
      if ((await focused.getAttribute("aria-label", { timeout: 1000 })) === fixTitle) return true;
      await page().keyboard.press("ArrowDown");
      return false;
    });
    await page().keyboard.press("Enter");

    await until("displayName to leave the editor", async () => !(await editorText()).includes("displayName"));
    await until(
      "display-name-forbidden to leave the Problems panel",
      async () => {
        const rows = await chatlintProblems(BROKEN);
        return rows.length > 0 && !rows.some((p) => p.code === "display-name-forbidden") && rows;
      },
    );
    await page().keyboard.press("Control+S");
    await until("the fixed file on disk", () => !fs.readFileSync(file, "utf8").includes("displayName"));

    // On disk: still JSON, still the same request minus displayName, and the
    // CLI agrees with the editor about what is left.
    const text = fs.readFileSync(file, "utf8");
    const body = JSON.parse(text);
    assert.equal(body.space.spaceType, "GROUP_CHAT");
    assert.equal(body.space.displayName, undefined);
    assert.equal(body.space.colour, "blue", "the rest of the request is untouched");
    const left = cliFindings(file).map((d) => ({ code: d.rule, line: d.line, column: d.column }));
    assert.ok(!left.some((d) => d.code === "display-name-forbidden"));
    const rows = await until("the Problems panel to match the CLI after the fix", async () => {
      const got = (await chatlintProblems(BROKEN)).map((p) => ({ code: p.code, line: p.line, column: p.column }));
      return JSON.stringify(got.sort((a, b) => a.line - b.line)) === JSON.stringify(left.sort((a, b) => a.line - b.line)) && got;
    });
    log(`after the fix: ${rows.map((d) => `${d.code} ${d.line}:${d.column}`).join(", ")}`);
    assert.deepEqual(await squiggleLines("error"), [...new Set(left.map((d) => d.line))].sort((a, b) => a - b));
    await screenshot("04-after-quick-fix.png");
  });

  step("a valid request and an unrelated package.json get no chatlint problems", async () => {
    assert.deepEqual(cliFindings(path.join(s.workspace, VALID)), [], "the CLI finds nothing in the valid fixture");
    const walked = JSON.parse(
      execFileSync(BIN, ["check", s.workspace, "--format", "json", "--fail-on", "never"], { encoding: "utf8" }),
    ).files.map((f) => path.basename(f.path));
    assert.ok(!walked.includes(PACKAGE), `the CLI's folder walk leaves package.json alone: ${walked}`);

    await openFile(VALID);
    // The server has looked at it: it documents its keys.
    await hoverKey("spaceType", SPACE_TYPE_DOC);
    await page().keyboard.press("Escape");
    await page().mouse.move(5, 5);
    await openFile(PACKAGE);
    // The server says in its output channel that it saw both files.
    await until("the chatlint channel to mention the valid fixture", () => chatlintChannel().includes(`/${VALID}:`));
    await until("the chatlint channel to mention package.json", () => chatlintChannel().includes(`/${PACKAGE}:`));
    // Give late diagnostics a chance to arrive before concluding there are none.
    await sleep(2000);
    const channel = chatlintChannel()
      .split("\n")
      .filter((l) => l.includes(`/${VALID}:`) || l.includes(`/${PACKAGE}:`));
    log(`chatlint channel:\n#   ${channel.join("\n#   ")}`);

    await showProblems();
    const ours = (await problems()).filter((p) => p.source === "chatlint");
    assert.deepEqual(
      ours.filter((p) => p.file === VALID || p.file === PACKAGE),
      [],
      "no chatlint problem for the valid request or package.json",
    );
    assert.ok(ours.every((p) => p.file === BROKEN), `chatlint problems only in ${BROKEN}: ${JSON.stringify(ours)}`);
    assert.equal(await squiggleCount(), 0, "package.json has no squiggles");
    await screenshot("05-package-json-clean.png");
    await openFile(VALID);
    assert.equal(await squiggleCount(), 0, "the valid request has no squiggles");
    await screenshot("06-valid-request-clean.png");
  });

  step("a chatlint.serverPath that cannot run: a notification says which binary, why and what to do", async () => {
    // The workspace's settings (as .vscode/settings.json, which VS Code watches).
    const settingsFile = path.join(s.workspace, ".vscode", "settings.json");
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    const settings = {};
    const toastWith = (what, ...parts) =>
      until(what, async () => {
        const texts = await page().locator(".notifications-toasts .notification-toast").allInnerTexts();
        return texts.map((t) => t.replace(/\s+/g, " ")).find((t) => parts.every((p) => t.includes(p)));
      }, 30000);

    // A binary that is not there.
    const missing = path.join(s.tmp, "no-such-folder", "chatlint");
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, "chatlint.serverPath": missing }, null, 2));
    const gone = await toastWith(`a notification naming ${missing}`, missing);
    log(`notification: ${gone}`);
    assert.match(gone, /the `?chatlint\.serverPath`? setting/, "says where the binary came from");
    assert.match(gone, /no such file \(ENOENT\)/, "says why");
    assert.match(gone, /Correct `?chatlint\.serverPath`?, or clear it/, "says what to do");
    await screenshot("07-server-missing.png");
    await page().keyboard.press("Escape");

    // A binary that answers --version but whose `lsp` exits at once.
    const crashing = path.join(s.tmp, "crashing", "chatlint");
    fs.mkdirSync(path.dirname(crashing));
    fs.writeFileSync(
      crashing,
      '#!/bin/sh\nif [ "$1" = --version ]; then echo "chatlint 0.0.0"; exit 0; fi\necho "chatlint: cannot open the log: Permission denied" >&2\nexit 3\n',
      { mode: 0o755 },
    );
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, "chatlint.serverPath": crashing }, null, 2));
    const crashed = await toastWith(`a notification naming ${crashing} lsp`, `${crashing} lsp`);
    log(`notification: ${crashed}`);
    assert.match(crashed, /exited at once \(exit code 3\)/, "says it exited at once, with its exit code");
    assert.match(crashed, /cannot open the log: Permission denied/, "shows the end of its standard error");
    assert.match(crashed, /Correct `?chatlint\.serverPath`?/, "says what to do");
    // Instead of, not beside, the client's generic errors.
    await sleep(2000);
    const all = await page().locator(".notifications-toasts .notification-toast").allInnerTexts();
    const generic = all.filter((t) => /couldn't create connection|connection to server is erroring|Server initialization failed|Cannot call write/.test(t));
    assert.deepEqual(generic, [], "no generic language-client error beside chatlint's message");
    await screenshot("08-server-exits-at-once.png");

    // Back to no setting: the bundled binary runs again.
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    await until(`\`${BIN} lsp\` to run again`, () => groupMembers(s.codeServer.pid).some((pid) => cmdline(pid) === `${BIN} lsp`), 30000);
    log("the bundled server runs again");
  });
});
