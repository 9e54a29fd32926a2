"""Generates what the site takes from the repository's data (web/build.sh runs it):

  web/src/gen/examples.json   every file of examples/ (with the [[requests]]
                              parameters its chatlint.toml gives), for the
                              playground's "start from an example";
  web/src/gen/rule-examples.json  the rule examples the tests execute (for
                              web/tests/parity.mjs);
  DIST/rules/<id>.html        one page per rules/<id>.toml;
  DIST/rules/index.html       the list of rules.

Usage: python3 web/site.py DIST
"""

import base64
import html
import json
import sys
import tomllib
import zlib
from urllib.parse import quote
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Where the documents the rules quote can be read (a rule's `from` names the
# document and the place in it; these are the public addresses).
SOURCE_LINKS = [
    ("Chat API discovery document", "https://chat.googleapis.com/$discovery/rest?version=v1"),
    ("spaces.setup REST reference", "https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces/setup"),
    ("Set up a space guide", "https://developers.google.com/workspace/chat/set-up-spaces"),
    ("google-apps-chat", "https://pypi.org/project/google-apps-chat/"),
    ("google-api-python-client HTML reference", "https://googleapis.github.io/google-api-python-client/docs/dyn/chat_v1.spaces.html"),
    ("ProtoJSON format spec", "https://protobuf.dev/programming-guides/json/"),
    ("protobuf conformance suite", "https://github.com/protocolbuffers/protobuf/tree/main/conformance"),
    ("google/api/field_behavior.proto", "https://github.com/googleapis/googleapis/blob/master/google/api/field_behavior.proto"),
    ("protobuf", "https://github.com/protocolbuffers/protobuf"),
    ("legacy protobuf", "https://github.com/protocolbuffers/protobuf"),
]

STATE_KEYS = ["method", "profile", "auth", "caller", "domain", "consumer_account",
              "request_id", "update_mask", "name", "parent", "use_admin_access"]


def code_param(text: str) -> str:
    """base64url (no padding) of the deflate-raw-compressed UTF-8 text, as share.js."""
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = z.compress(text.encode("utf-8")) + z.flush()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def playground_link(prefix: str, code: str, state: dict) -> str:
    parts = [f"code={code_param(code)}"]
    for key in STATE_KEYS:
        v = state.get(key)
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        parts.append(f"{key}={quote(str(v), safe='')}")
    return f"{prefix}index.html#" + "&".join(parts)


def examples() -> list:
    out = []
    for path in sorted((ROOT / "examples").rglob("*.json")):
        params = {}
        config = path.parent / "chatlint.toml"
        if config.exists():
            for req in tomllib.loads(config.read_text()).get("requests", []):
                if req.get("path") == path.name:
                    params = {k: v for k, v in req.items() if k not in ("path", "method")}
                    if "method" in req:
                        params["method"] = req["method"]
        out.append({
            "name": str(path.relative_to(ROOT / "examples")),
            "text": path.read_text(encoding="utf-8"),
            "params": {k: (("true" if v else "false") if isinstance(v, bool) else v) for k, v in params.items()},
        })
    return out


def esc(s) -> str:
    return html.escape(str(s), quote=True)


def inline(text: str) -> str:
    """Escaped text with `code` in backticks shown as code."""
    pieces = esc(" ".join(text.split())).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


def para(text: str) -> str:
    """The rule docs' prose: paragraphs."""
    return "\n".join(f"<p>{inline(block)}</p>" for block in text.strip().split("\n\n"))


def source_link(origin: str) -> str | None:
    for prefix, url in SOURCE_LINKS:
        if origin.startswith(prefix):
            return url
    return None


def page(title: str, body: str, depth: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>{esc(title)} · chatlint</title>
<link rel="stylesheet" href="{depth}style.css">
</head>
<body>
<header><p><a href="{depth}index.html">Playground</a> · <a href="{depth}rules/index.html">Rules</a></p></header>
<main>
{body}
</main>
</body>
</html>
"""


FIX_WORDS = {"always": "every finding has a fix", "sometimes": "some findings have a fix", "none": "no automatic fix"}
KIND_WORDS = {"safe": "safe (applied by <code>--fix</code>)", "unsafe": "unsafe (<code>--unsafe-fixes</code>)",
              "safe-or-unsafe": "safe when the intent is clear, otherwise unsafe"}


def rule_page(rule: dict) -> str:
    fix = FIX_WORDS[rule.get("fix", "none")]
    if rule.get("fix_kind"):
        fix += "; " + KIND_WORDS[rule["fix_kind"]]
    profiles = ", ".join(rule["profiles"]) if rule.get("profiles") else "all"
    meta = [("Severity", esc(rule["severity"])), ("Methods", esc(", ".join(rule["methods"]))),
            ("Profiles", esc(profiles)), ("Fix", fix)]
    if rule.get("needs_context"):
        meta.append(("Needs", "<code>[context]</code> " + esc(", ".join(rule["needs_context"]))))
    if rule.get("reported_by"):
        meta.append(("Reported by", f"<code>--{esc(rule['reported_by'])}</code>, from the API's answer"))
    parts = [f"<h1><code>{esc(rule['id'])}</code></h1>", f"<p class=\"summary\">{esc(rule['summary'])}</p>",
             "<dl class=\"rule-meta\">" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>",
             "<h2>What it checks</h2>", para(rule["what"]), "<h2>Why</h2>", para(rule["why"]),
             "<h2>How to fix</h2>", para(rule["how_to_fix"]), "<h2>Sources</h2>"]
    for s in rule.get("sources", []):
        url = source_link(s["from"])
        origin = f"<a href=\"{esc(url)}\">{esc(s['from'])}</a>" if url else esc(s["from"])
        parts.append(f"<blockquote><p>{inline(s['quote'])}</p><footer>— {origin}</footer></blockquote>")
    parts.append("<h2>Examples</h2>")
    for n, ex in enumerate(rule.get("examples", []), 1):
        kind = "valid" if ex["valid"] else "invalid"
        word = "Valid: the rule stays quiet" if ex["valid"] else "Invalid: the rule fires"
        state = {"method": ex["method"], "profile": ex.get("profile")}
        state.update(ex.get("context", {}))
        state.update(ex.get("params", {}))
        setting = [f"<code>{esc(ex['method'])}</code>"]
        if ex.get("profile"):
            setting.append(f"profile <code>{esc(ex['profile'])}</code>")
        for key in ("context", "params"):
            if ex.get(key):
                setting.append(esc(key) + " " + ", ".join(f"<code>{esc(k)} = {esc(json.dumps(v))}</code>" for k, v in ex[key].items()))
        parts.append(f"<div class=\"example {kind}\" id=\"example-{n}\"><h4>Example {n}. {word}</h4>")
        parts.append(f"<p>{'; '.join(setting)}.")
        if ex.get("note"):
            parts.append(" " + esc(ex["note"]))
        parts.append("</p>")
        parts.append(f"<pre><code>{esc(ex['body'])}</code></pre>")
        if ex.get("other"):
            parts.append("<p>Checked in the same run as this other request (a rule across files; the playground checks one request):</p>")
            parts.append(f"<pre><code>{esc(ex['other'])}</code></pre>")
        link = playground_link("../", ex["body"], state)
        parts.append(f"<p><a class=\"open\" href=\"{esc(link)}\">Open in playground</a></p></div>")
    return page(rule["id"], "\n".join(parts), "../")


def index_page(rules: list) -> str:
    rows = "".join(
        f"<tr><td><a href=\"{esc(r['id'])}.html\"><code>{esc(r['id'])}</code></a></td><td>{esc(r['severity'])}</td>"
        f"<td>{esc(r['summary'])}</td><td>{esc(r.get('fix', 'none'))}</td></tr>"
        for r in rules)
    body = (f"<h1>Rules</h1><p>{len(rules)} rules, each enforcing sentences of Google's documents.</p>"
            f"<table class=\"rules\"><tr><th>Rule</th><th>Severity</th><th>What</th><th>Fix</th></tr>{rows}</table>")
    return page("Rules", body, "../")


def main() -> None:
    dist = Path(sys.argv[1])
    gen = ROOT / "web" / "src" / "gen"
    gen.mkdir(parents=True, exist_ok=True)
    (gen / "examples.json").write_text(json.dumps(examples(), indent=1) + "\n")
    rules = [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "rules").glob("*.toml"))]
    rules = [r for r in rules if "id" in r]  # profiles.toml, uncovered.toml are not rules
    # Every executed rule example, for web/tests/parity.mjs (not part of the site).
    executed = [{"rule": r["id"], "n": n, **ex} for r in rules if not r.get("reported_by")
                for n, ex in enumerate(r.get("examples", []), 1)]
    (gen / "rule-examples.json").write_text(json.dumps(executed, indent=1) + "\n")
    (dist / "rules").mkdir(parents=True, exist_ok=True)
    for r in rules:
        (dist / "rules" / f"{r['id']}.html").write_text(rule_page(r), encoding="utf-8")
    (dist / "rules" / "index.html").write_text(index_page(rules), encoding="utf-8")
    print(f"site.py: {len(rules)} rule pages, {len(examples())} examples")


if __name__ == "__main__":
    main()
