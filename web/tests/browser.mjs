// The playground in a real browser: web/dist served from 127.0.0.1, opened
// in Debian's chromium (driven by playwright-core, as tests/e2e does) with a
// `#code=` link of a group chat that sets displayName. Asserts what a person
// sees: the finding on the right line, the squiggle, the hover, the quick
// fix, the updated link, and that the page sends no request once loaded.
// Saves screenshots and the measured timings under target/web-artifacts/.
//
// Needs: bash web/build.sh (web/dist and web/node_modules), /usr/bin/chromium.
// Run: node --test web/tests/browser.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { decodeFragment, encodeFragment } from "../src/share.js";

const root = path.resolve(import.meta.dirname, "../..");
const dist = path.join(root, "web/dist");
const artifacts = path.join(root, "target/web-artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const GROUP_CHAT = `{
  "requestId": "0f8b2c1e-9d4a-4c3b-8e2f-6a7b5c4d3e21",
  "space": {
    "spaceType": "GROUP_CHAT",
    "displayName": "Launch crew"
  },
  "memberships": [
    { "member": { "name": "users/123456789", "type": "HUMAN" } },
    { "member": { "name": "users/987654321", "type": "HUMAN" } }
  ]
}
`;
const DISPLAY_NAME_LINE = GROUP_CHAT.split("\n").findIndex((l) => l.includes("displayName")) + 1;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };
const s = { server: null, base: "", served: [], browser: null, page: null, requests: [], ready: false, metrics: {} };

async function shot(name) {
  await s.page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

before(async () => {
  assert.ok(existsSync(path.join(dist, "index.html")), "web/dist is missing: run bash web/build.sh");
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
  mkdirSync(artifacts, { recursive: true });
  s.server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    s.served.push(url.pathname);
    const file = path.join(dist, decodeURIComponent(url.pathname).replace(/\/$/, "/index.html"));
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => s.server.listen(0, "127.0.0.1", ok));
  s.base = `http://127.0.0.1:${s.server.address().port}`;
  s.browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  s.page = await s.browser.newPage({ viewport: { width: 1200, height: 900 } });
  s.page.on("request", (r) => s.requests.push({ url: r.url(), afterReady: s.ready }));
  s.page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
});

after(async () => {
  await s.browser?.close();
  await new Promise((ok) => (s.server ? s.server.close(ok) : ok()));
  writeFileSync(path.join(artifacts, "metrics.json"), JSON.stringify(s.metrics, null, 2) + "\n");
  console.log(`browser metrics: ${JSON.stringify(s.metrics)}`);
});

// The editor's line `n` (1-based), as the page shows it.
const line = (n) => s.page.locator(".cm-content .cm-line").nth(n - 1);

test("a #code= link shows display-name-forbidden on its line, and its quick fix clears it", async () => {
  const hash = await encodeFragment({ code: GROUP_CHAT });
  await s.page.goto(`${s.base}/index.html${hash}`);
  await s.page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  s.ready = true;
  s.metrics.time_to_interactive_ms = Math.round(await s.page.evaluate(() => window.chatlintPlayground.interactiveAt));

  const finding = s.page.locator(`#findings li[data-rule="display-name-forbidden"]`);
  await finding.waitFor();
  assert.equal(await finding.getAttribute("data-line"), String(DISPLAY_NAME_LINE));
  assert.match(await finding.locator("a.rule-id").getAttribute("href"), /^rules\/display-name-forbidden\.html$/);
  assert.equal(await s.page.locator("#method").inputValue(), "", "the method is chosen by shape");
  assert.match(await s.page.locator("#detected").textContent(), /spaces\.setup/);
  const squiggle = line(DISPLAY_NAME_LINE).locator(".cm-lintRange-error");
  assert.equal(await squiggle.first().textContent(), '"displayName"');
  assert.ok((await s.page.locator(".cm-gutter-lint .cm-lint-marker-error").count()) > 0, "a gutter marker");
  await shot("1-loaded");

  // The hover explains the rule and offers the fix.
  await squiggle.first().hover();
  const tooltip = s.page.locator(".cm-tooltip-lint");
  await tooltip.waitFor();
  const said = await tooltip.textContent();
  assert.match(said, /must not set `displayName`/);
  assert.match(said, /Why: /);
  await shot("2-hover");
  await tooltip.locator(".cm-diagnosticAction", { hasText: "Remove `displayName`" }).first().click();

  await finding.waitFor({ state: "detached" });
  assert.equal(await s.page.locator(".cm-content").textContent().then((t) => t.includes("displayName")), false);
  assert.equal(await s.page.locator(".cm-lintRange-error").count(), 0, "no squiggle is left");
  // The link follows the text.
  let restored;
  for (let i = 0; i < 50; i++) {
    restored = await decodeFragment(new URL(s.page.url()).hash);
    if (!restored.code.includes("displayName")) break;
    await s.page.waitForTimeout(100);
  }
  assert.equal(restored.code.includes("displayName"), false, "the fragment holds the fixed text");
  assert.match(restored.code, /"spaceType": "GROUP_CHAT"/);
  await shot("3-fixed");
});

test("results as you type; no request leaves the page after load", async () => {
  const before = await s.page.evaluate(() => window.chatlintPlayground.checks.length);
  // Type into the first member's name: each keystroke is checked.
  const target = s.page.locator(".cm-content .cm-line", { hasText: "users/123456789" }).first();
  await target.click();
  await s.page.keyboard.press("End");
  // Letters and spaces only: quotes and brackets are auto-closed, so their
  // keystrokes would not all change the text.
  const typed = " oops typing here";
  await s.page.keyboard.type(typed, { delay: 40 });
  await s.page.locator(`#findings li[data-rule="invalid-json"]`).waitFor();
  await s.page.waitForFunction((n) => window.chatlintPlayground.checks.length >= n, before + typed.length);
  const checks = await s.page.evaluate((n) => window.chatlintPlayground.checks.slice(n), before);
  assert.ok(checks.length >= typed.length, `a check per keystroke (${checks.length} for ${typed.length})`);
  const sorted = [...checks].sort((a, b) => a - b);
  s.metrics.recheck_ms_median = Number(sorted[Math.floor(sorted.length / 2)].toFixed(2));
  s.metrics.recheck_ms_max = Number(sorted[sorted.length - 1].toFixed(2));
  s.metrics.rechecks = checks.length;
  await shot("4-typing");

  // Share: one click puts a link that restores this text on the clipboard
  // (or, where the clipboard is refused, in the box next to the button).
  await s.page.locator("#share").click();
  await s.page.locator("#share-link").waitFor();
  const shared = await decodeFragment(new URL(await s.page.locator("#share-link").inputValue()).hash);
  assert.match(shared.code, /oops typing here/);
  assert.match(await s.page.locator("#share-status").textContent(), /Link copied|Copy this link/);
  await shot("5-shared");

  const late = s.requests.filter((r) => r.afterReady);
  assert.deepEqual(late, [], "requests after load");
  assert.ok(s.served.includes("/chatlint_wasm_bg.wasm"), "the engine was loaded from the page's own server");
});

test("the rule page lists the rule's examples and opens them in the playground", async () => {
  s.ready = false;
  await s.page.goto(`${s.base}/rules/display-name-forbidden.html`);
  const examples = s.page.locator(".example");
  const documented = readFileSync(path.join(root, "rules/display-name-forbidden.toml"), "utf8").match(/^\[\[examples\]\]$/gm);
  assert.equal(await examples.count(), documented.length, "every example of the rule's doc");
  assert.match(await s.page.locator("blockquote").first().textContent(), /Don't set Space\.displayName\./);
  await shot("6-rule-page");
  await s.page.locator(".example.invalid a.open").click();
  await s.page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  await s.page.locator(`#findings li[data-rule="display-name-forbidden"]`).waitFor();
  assert.equal(await s.page.locator("#method").inputValue(), "spaces.setup", "the example's method comes with it");
});
