// Unit tests of src/server.ts (which binary runs the language server, and the
// messages when it cannot run), with fake binaries in a temporary folder.
// Run with `npm test` (bundles src/server.ts to out/server.mjs first).

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { findServer, onPath, preflight } from "../out/server.mjs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "chatlint-vscode-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function script(rel, body, mode = 0o755) {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode });
  fs.chmodSync(p, mode);
  return p;
}

const ext = path.join(tmp, "ext");
const bundled = script("ext/bundled/chatlint", 'echo "chatlint 0.1.0"');
const universal = path.join(tmp, "universal-ext");
fs.mkdirSync(universal);
const onPathBin = script("pathdir/chatlint", 'echo "chatlint 0.1.0"');
const pathEnv = ["/nonexistent", path.dirname(onPathBin)].join(path.delimiter);

describe("findServer: the order", () => {
  test("the setting comes first", () => {
    const f = findServer({ setting: "/opt/x/chatlint", trusted: true, extensionPath: ext, pathEnv });
    assert.equal(f.server.command, "/opt/x/chatlint");
    assert.match(f.server.origin, /chatlint\.serverPath/);
  });
  test("a bare name in the setting is looked up on PATH", () => {
    const f = findServer({ setting: "chatlint", trusted: true, extensionPath: ext, pathEnv });
    assert.equal(f.server.command, onPathBin);
    const g = findServer({ setting: "chatlint-nope", trusted: true, extensionPath: ext, pathEnv });
    assert.match(g.problem.message, /`chatlint-nope`, the `chatlint.serverPath` setting, is not on PATH/);
  });
  test("a relative setting is relative to the workspace folder", () => {
    const f = findServer({ setting: "./bin/chatlint", trusted: true, extensionPath: ext, workspaceFolder: "/ws", pathEnv });
    assert.equal(f.server.command, path.resolve("/ws/bin/chatlint"));
  });
  test("then the bundled binary, before PATH", () => {
    const f = findServer({ setting: "", trusted: true, extensionPath: ext, pathEnv });
    assert.equal(f.server.command, bundled);
    assert.equal(f.server.origin, "bundled with the extension");
  });
  test("then chatlint on PATH", () => {
    const f = findServer({ setting: "  ", trusted: true, extensionPath: universal, pathEnv });
    assert.equal(f.server.command, onPathBin);
    assert.equal(f.server.origin, "found on PATH");
  });
  test("nothing at all: says what to install", () => {
    const f = findServer({ setting: "", trusted: true, extensionPath: universal, pathEnv: "/nonexistent" });
    assert.match(f.problem.message, /no chatlint binary/);
    assert.match(f.problem.message, /pipx install chatlint-cli/);
    assert.match(f.problem.message, /chatlint\.serverPath/);
  });
  test("onPath skips files that are not executable", () => {
    script("noexec/chatlint", "exit 0", 0o644);
    assert.equal(onPath("chatlint", path.join(tmp, "noexec")), undefined);
  });
});

describe("findServer: an untrusted workspace runs only the bundled binary", () => {
  test("the setting and PATH are ignored", () => {
    const f = findServer({ setting: "/opt/x/chatlint", trusted: false, extensionPath: ext, pathEnv });
    assert.equal(f.server.command, bundled);
    assert.match(f.server.origin, /untrusted/);
  });
  test("without a bundled binary: a problem, not PATH", () => {
    const f = findServer({ setting: "", trusted: false, extensionPath: universal, pathEnv });
    assert.ok(f.problem, JSON.stringify(f));
    assert.match(f.problem.message, /not trusted/);
  });
});

describe("preflight: which binary, why, what to do", () => {
  const server = (command) => ({ command, origin: "the `chatlint.serverPath` setting", remedy: "Correct `chatlint.serverPath`." });
  test("a working chatlint gives its version", async () => {
    assert.deepEqual(await preflight(server(bundled)), { version: "chatlint 0.1.0" });
  });
  test("missing: ENOENT", async () => {
    const { problem } = await preflight(server(path.join(tmp, "missing/chatlint")));
    assert.match(problem.message, /`.*missing\/chatlint` \(the `chatlint.serverPath` setting\): no such file \(ENOENT\)\. Correct/);
  });
  test("not executable: EACCES and chmod", async () => {
    const p = script("noexec2/chatlint", "exit 0", 0o644);
    const { problem } = await preflight(server(p));
    assert.match(problem.message, /not executable \(EACCES; `chmod \+x .*noexec2\/chatlint` fixes that\)/);
  });
  test("exits at once: the code and its standard error", async () => {
    const p = script("crash/chatlint", 'echo "error while loading shared libraries: libfoo.so" >&2; exit 127');
    const { problem } = await preflight(server(p));
    assert.match(problem.message, /exited at once \(exit code 127\): error while loading shared libraries: libfoo\.so/);
  });
  test("a folder is not a binary", async () => {
    const { problem } = await preflight(server(tmp));
    assert.match(problem.message, /it is not a file/);
  });
  test("another program called chatlint", async () => {
    const p = script("other/chatlint", 'echo "usage: chatlint [-h] templates"');
    const { problem } = await preflight(server(p));
    assert.match(problem.message, /not chatlint's language server: `--version` printed "usage: chatlint/);
  });
  test("a binary for another machine: cannot be executed", async () => {
    const p = path.join(tmp, "garbage/chatlint");
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), { mode: 0o755 });
    const { problem } = await preflight(server(p));
    assert.match(problem.message, /cannot be executed \(ENOEXEC|exited at once/);
  });
});
