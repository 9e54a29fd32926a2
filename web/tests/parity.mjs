// The engine in the browser says what the command line says: the real
// WebAssembly module (web/build.sh's, for node) against the real
// `chatlint check --format json`, on every file of examples/ and every
// executed rule example. Same rules, severities, messages, pointers,
// positions (bytes turned into UTF-16 offsets) and fixes.
//
// Needs: bash web/build.sh, and the chatlint binary (CHATLINT_BIN, default
// target/debug/chatlint). Run: node --test web/tests/parity.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const need = (file, hint) => {
  if (!existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: ${hint}`);
  return file;
};
const bin = need(process.env.CHATLINT_BIN || path.join(root, "target/debug/chatlint"), "cargo build (or set CHATLINT_BIN)");
const engine = createRequire(import.meta.url)(need(path.join(root, "target/wasm/node/chatlint_wasm.js"), "bash web/build.sh"));
const examples = JSON.parse(readFileSync(need(path.join(root, "web/src/gen/examples.json"), "bash web/build.sh"), "utf8"));
const ruleExamples = JSON.parse(readFileSync(path.join(root, "web/src/gen/rule-examples.json"), "utf8"));

// `chatlint check --format json FILE` (exit 1 means findings, not failure).
function cli(file, cwd = root, args = []) {
  let out;
  try {
    out = execFileSync(bin, ["check", "--format", "json", ...args, file], { cwd, encoding: "utf8" });
  } catch (e) {
    if (e.status !== 1) throw new Error(`chatlint check ${file} exited ${e.status}: ${e.stderr}`);
    out = e.stdout;
  }
  const report = JSON.parse(out).files[0];
  assert.equal(report.error, null, `${file}: ${report.error}`);
  return report;
}

// The reason `chatlint check` gives for refusing `file` because a parameter
// of chatlint.toml contradicts it (exit 2, "keep one of them"), else null.
function conflictingParameters(file, cwd) {
  try {
    execFileSync(bin, ["check", "--format", "json", file], { cwd, encoding: "utf8" });
    return null;
  } catch (e) {
    if (e.status !== 2) return null;
    const error = JSON.parse(e.stdout).files[0].error ?? "";
    return error.includes("keep one of them") ? error : null;
  }
}

// UTF-16 offset of a byte offset of `text`.
function utf16(text, byte) {
  return Buffer.from(text, "utf8").subarray(0, byte).toString("utf8").length;
}

// What both must agree on, in the command line's words.
function fromCli(text, d) {
  return {
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    help: d.help,
    pointer: d.pointer,
    at: [d.line, d.column, d.end_line, d.end_column],
    range: [utf16(text, d.start_byte), utf16(text, d.end_byte)],
    fixes: d.fixes.map((f) => ({
      title: f.title,
      applicability: f.applicability,
      edits: f.edits.map((e) => [utf16(text, e.start_byte), utf16(text, e.end_byte), e.new_text]),
    })),
  };
}

function fromWasm(f) {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    help: f.help,
    pointer: f.pointer,
    at: [f.line, f.column, f.end_line, f.end_column],
    range: [f.from, f.to],
    fixes: f.fixes.map((x) => ({
      title: x.title,
      applicability: x.applicability,
      edits: x.edits.map((e) => [e.from, e.to, e.insert]),
    })),
  };
}

function wasmCheck(text, method, profile, settings) {
  const out = JSON.parse(engine.check(text, method, profile, JSON.stringify(settings)));
  assert.equal(out.error, null);
  return out;
}

const PARAM_KEYS = ["request_id", "update_mask", "name", "parent", "use_admin_access"];
const pick = (obj, keys) => Object.fromEntries(keys.filter((k) => obj?.[k] !== undefined).map((k) => [k, obj[k]]));

test("every file of examples/: the same findings as chatlint check --format json", () => {
  let findings = 0;
  assert.ok(examples.length >= 15, "examples.json lists the files of examples/");
  for (const ex of examples) {
    const file = path.join("examples", ex.name);
    const report = cli(file);
    const params = pick(ex.params, PARAM_KEYS);
    if (params.use_admin_access !== undefined) params.use_admin_access = params.use_admin_access === "true";
    const out = wasmCheck(ex.text, report.method, null, { params });
    assert.equal(out.method, report.method, file);
    assert.deepEqual(out.findings.map(fromWasm), report.diagnostics.map((d) => fromCli(ex.text, d)), file);
    findings += out.findings.length;
  }
  assert.ok(findings > 10, `the invalid examples gave findings (${findings})`);
});

// A chatlint.toml value (strings and booleans are all the examples use).
const tomlValue = (v) => (typeof v === "boolean" ? String(v) : JSON.stringify(String(v)));

test("every rule example: the same findings as chatlint check --format json", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "chatlint-parity-"));
  let fired = 0;
  try {
    for (const ex of ruleExamples) {
      const name = `${ex.rule}-${ex.n}`;
      const lines = [];
      if (ex.profile) lines.push(`profile = ${tomlValue(ex.profile)}`);
      lines.push("[context]");
      for (const [k, v] of Object.entries(ex.context ?? {})) lines.push(`${k} = ${tomlValue(v)}`);
      lines.push("[[requests]]", `path = "example.json"`, `method = ${tomlValue(ex.method)}`);
      for (const [k, v] of Object.entries(ex.params ?? {})) lines.push(`${k} = ${tomlValue(v)}`);
      writeFileSync(path.join(dir, "chatlint.toml"), lines.join("\n") + "\n");
      writeFileSync(path.join(dir, "example.json"), ex.body);
      const out = wasmCheck(ex.body, ex.method, ex.profile ?? null, { context: ex.context ?? {}, params: ex.params ?? {} });
      const refusal = conflictingParameters("example.json", dir);
      if (refusal) {
        // chatlint check refuses a file whose chatlint.toml parameters
        // contradict it before any rule runs (space-name-differs' invalid
        // example); the engine, given both, words the same conflict.
        assert.ok(!ex.valid, `${name}: a valid example is refused: ${refusal}`);
        assert.ok(out.findings.some((f) => f.rule === ex.rule), `${name}: the engine does not find ${ex.rule}`);
        fired += 1;
        continue;
      }
      const report = cli("example.json", dir);
      assert.equal(out.method, report.method, name);
      assert.deepEqual(out.findings.map(fromWasm), report.diagnostics.map((d) => fromCli(ex.body, d)), name);
      if (!ex.valid && out.findings.some((f) => f.rule === ex.rule)) fired += 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const invalid = ruleExamples.filter((e) => !e.valid && !e.other).length;
  assert.ok(fired >= invalid, `each invalid single-request example fires its rule in the browser's engine (${fired} of ${invalid})`);
});

test("each rule's docs link names a page the site has", () => {
  const rules = JSON.parse(engine.rules());
  assert.ok(rules.length > 50);
  for (const r of rules) {
    assert.match(r.docs, /^https:\/\/chatlint\.github\.io\/chatlint\/rules\/[a-z0-9-]+\.html$/, r.id);
    need(path.join(root, "web/dist/rules", path.basename(r.docs)), "bash web/build.sh writes a page per rule");
  }
});
