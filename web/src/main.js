// The playground: a CodeMirror editor whose text the engine (crates/wasm)
// checks on every change, on the page itself. Nothing is sent anywhere: the
// state is kept in the URL fragment (share.js).
import { EditorView, basicSetup } from "codemirror";
import { json } from "@codemirror/lang-json";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import init, * as engine from "./gen/pkg/chatlint_wasm.js";
import examples from "./gen/examples.json";
import { decodeFragment, encodeFragment } from "./share.js";

const CONTEXT_KEYS = ["auth", "caller", "domain", "consumer_account"];
const PARAM_KEYS = ["request_id", "update_mask", "name", "parent", "use_admin_access"];
const $ = (id) => document.getElementById(id);

// What the browser test reads: when the page became interactive and how
// long each check took (the engine's call and turning its answer into
// squiggles), in milliseconds.
const metrics = (window.chatlintPlayground = { ready: false, interactiveAt: null, checks: [], checkCount: 0 });

let rules = new Map();
let view;
let lastText = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function ruleLink(id) {
  return el("a", { href: `rules/${id}.html`, class: "rule-id", target: "_blank" }, id);
}

// The settings the engine gets: [context] facts and request parameters.
function pageSettings() {
  const context = {};
  const params = {};
  for (const key of CONTEXT_KEYS) {
    const v = $(`ctx-${key}`).value;
    if (v !== "") context[key] = key === "consumer_account" ? v === "true" : v;
  }
  for (const key of PARAM_KEYS) {
    const v = $(`param-${key}`).value;
    if (v !== "") params[key] = key === "use_admin_access" ? v === "true" : v;
  }
  return JSON.stringify({ context, params });
}

function applyFix(fix) {
  view.dispatch({ changes: fix.edits.map((e) => ({ from: e.from, to: e.to, insert: e.insert })) });
  view.focus();
}

function fixTitle(fix) {
  return fix.applicability === "unsafe" ? `${fix.title} (unsafe)` : fix.title;
}

// The rule docs' prose is hard-wrapped: one line per paragraph here.
const prose = (text) => text.trim().replace(/(?<!\n)\n(?!\n)/g, " ");

// The hover: the finding, then what the rule is about and why.
function explain(finding) {
  const rule = rules.get(finding.rule);
  const box = el("div", { class: "hover" }, el("div", { class: "hover-message" }, finding.message));
  if (finding.help) box.append(el("div", { class: "hover-help" }, `help: ${finding.help}`));
  if (rule) {
    box.append(
      el(
        "div",
        { class: "hover-rule" },
        ruleLink(rule.id),
        " — ",
        rule.summary,
        el("p", {}, prose(rule.what)),
        el("p", {}, el("b", {}, "Why: "), prose(rule.why)),
      ),
    );
  }
  return box;
}

function toDiagnostic(f) {
  return {
    from: f.from,
    to: f.to,
    severity: f.severity === "hint" ? "info" : f.severity,
    source: f.rule,
    message: f.message,
    renderMessage: () => explain(f),
    actions: f.fixes.map((fix) => ({ name: fixTitle(fix), apply: () => applyFix(fix) })),
  };
}

function renderFindings(out) {
  const list = $("findings");
  list.replaceChildren();
  if (out.error) {
    list.append(el("li", { class: "error" }, out.error));
    return;
  }
  if (out.findings.length === 0) {
    list.append(el("li", { class: "none" }, "No problems found."));
    return;
  }
  for (const f of out.findings) {
    const item = el(
      "li",
      { class: `finding ${f.severity}`, "data-rule": f.rule, "data-line": String(f.line) },
      el("span", { class: "sev" }, f.severity),
      el(
        "a",
        {
          href: "#",
          class: "pos",
          onclick: (e) => {
            e.preventDefault();
            view.dispatch({ selection: { anchor: f.from, head: f.to }, scrollIntoView: true });
            view.focus();
          },
        },
        `${f.line}:${f.column}`,
      ),
      el("span", { class: "msg" }, f.message),
      ruleLink(f.rule),
    );
    for (const fix of f.fixes) {
      item.append(el("button", { class: "fix", onclick: () => applyFix(fix) }, fixTitle(fix)));
    }
    list.append(item);
  }
}

function currentState() {
  const state = { code: view.state.doc.toString(), method: $("method").value, profile: $("profile").value };
  if (state.profile === defaultProfile) delete state.profile;
  for (const key of CONTEXT_KEYS) state[key] = $(`ctx-${key}`).value;
  for (const key of PARAM_KEYS) state[key] = $(`param-${key}`).value;
  return state;
}

// The fragment follows the editor, a little behind it (compressing is async).
let fragmentTimer = null;
function scheduleFragment() {
  clearTimeout(fragmentTimer);
  fragmentTimer = setTimeout(() => {
    encodeFragment(currentState()).then((hash) => {
      if (location.hash !== hash) history.replaceState(null, "", hash);
    });
  }, 120);
}

function runCheck() {
  const text = view.state.doc.toString();
  const method = $("method").value || null;
  const t0 = performance.now();
  const out = JSON.parse(engine.check(text, method, $("profile").value || null, pageSettings()));
  view.dispatch(setDiagnostics(view.state, out.findings.map(toDiagnostic)));
  const ms = performance.now() - t0;
  metrics.checks.push(ms);
  metrics.checkCount += 1;
  lastText = text;
  renderFindings(out);
  $("detected").textContent = out.detected ? `detected: ${out.detected}` : "not detected";
  $("method-auto").textContent = out.detected ? `auto (${out.detected})` : "auto (spaces.setup)";
  $("checked-as").textContent = out.method ? `checked as ${out.method}` : "";
  $("timing").textContent = `checked in ${ms.toFixed(2)} ms`;
  scheduleFragment();
}

function setText(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function setState(state) {
  $("method").value = state.method && [...$("method").options].some((o) => o.value === state.method) ? state.method : "";
  $("profile").value = state.profile || defaultProfile;
  for (const key of CONTEXT_KEYS) $(`ctx-${key}`).value = state[key] ?? "";
  for (const key of PARAM_KEYS) $(`param-${key}`).value = state[key] ?? "";
  if (typeof state.code === "string") setText(state.code);
}

let defaultProfile = "";

function fillChoices() {
  const choices = JSON.parse(engine.choices());
  const method = $("method");
  method.append(el("option", { value: "", id: "method-auto" }, "auto"));
  for (const m of choices.methods) method.append(el("option", { value: m.name }, m.name));
  for (const p of choices.profiles) {
    $("profile").append(el("option", { value: p.name, title: p.summary }, p.name));
    if (p.default) defaultProfile = p.name;
  }
  const pick = $("example");
  pick.append(el("option", { value: "" }, "Start from an example…"));
  examples.forEach((ex, i) => pick.append(el("option", { value: String(i) }, ex.name)));
}

async function main() {
  await init({ module_or_path: new URL("chatlint_wasm_bg.wasm", document.baseURI) });
  rules = new Map(JSON.parse(engine.rules()).map((r) => [r.id, r]));
  fillChoices();

  view = new EditorView({
    parent: $("editor"),
    extensions: [
      basicSetup,
      json(),
      lintGutter(),
      EditorView.updateListener.of((update) => {
        // Check after the update has been applied (a dispatch may not nest).
        if (update.docChanged) queueMicrotask(() => view.state.doc.toString() !== lastText && runCheck());
      }),
    ],
  });

  const fromLink = await decodeFragment(location.hash);
  if (fromLink.error) $("link-error").textContent = fromLink.error;
  if (typeof fromLink.code === "string") setState(fromLink);
  else setState({ code: examples.find((e) => e.name === "invalid/group-chat.setup.json")?.text ?? "{}\n" });

  for (const id of ["method", "profile", ...CONTEXT_KEYS.map((k) => `ctx-${k}`), ...PARAM_KEYS.map((k) => `param-${k}`)]) {
    $(id).addEventListener("change", runCheck);
  }
  $("example").addEventListener("change", () => {
    const ex = examples[Number($("example").value)];
    if (!ex) return;
    setState({ code: ex.text, method: "", ...ex.params });
    runCheck();
  });
  $("share").addEventListener("click", share);
  window.addEventListener("hashchange", async () => {
    const state = await decodeFragment(location.hash);
    if (typeof state.code === "string" && state.code !== view.state.doc.toString()) {
      setState(state);
      runCheck();
    }
  });

  runCheck();
  metrics.interactiveAt = performance.now();
  metrics.ready = true;
  document.body.dataset.ready = "true";
}

async function share() {
  clearTimeout(fragmentTimer);
  const hash = await encodeFragment(currentState());
  history.replaceState(null, "", hash);
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    $("share-status").textContent = "Link copied.";
  } catch {
    $("share-status").textContent = "Copy this link:";
  }
  $("share-link").value = link;
  $("share-link").hidden = false;
}

window.addEventListener("error", (e) => ($("link-error").textContent = `error: ${e.message}`));
main().catch((e) => {
  $("link-error").textContent = `The playground could not start: ${e.message}`;
  console.error(e);
});

