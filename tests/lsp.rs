//! The language server, in process: a test client speaks JSON-RPC to
//! `chatlint_lsp::serve` over an in-memory pipe (the real framing and
//! dispatch), plus two tests against the `chatlint lsp` binary.

#![cfg(feature = "lsp")]

use chatlint_engine::diagnostic::{Edit, apply_edits};
use chatlint_engine::line_index::LineIndex;
use chatlint_engine::method::Method;
use chatlint_engine::{Settings, lint};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::{Mutex, mpsc};

/// A group chat with a name (twice, once in snake_case) and a `people/` member.
#[path = "common/big_request.rs"]
mod big_request;
use big_request::big_request;

const GROUP_CHAT: &str = r#"{
  "requestId": "5d0c6a2e-3f4b-4a1c-9e8d-7b6a5c4d3e2f",
  "space": {
    "spaceType": "GROUP_CHAT",
    "displayName": "Weekly sync",
    "display_name": "Weekly sync 2"
  },
  "memberships": [
    { "member": { "name": "people/123456789", "type": "HUMAN" } }
  ]
}
"#;
/// Misspelt keys, a wrong enum value, an emoji, a quoted boolean.
const TYPOS: &str = r#"{
  "requestId": "launch-2026",
  "space": {
    "spaceType": "ROOM",
    "displayname": "Launch 🚀",
    "externalUserAllowed": "true"
  },
  "memberships": [
    { "member": { "name": "users/app", "type": "BOT" } },
    { "member": { "name": "users/123456789", "type": "HUMAN" }, "role": "ROLE_MANAGER" }
  ]
}
"#;
const WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------- harness

type Writer = Arc<Mutex<WriteHalf<DuplexStream>>>;

async fn write_frame(w: &Writer, body: &str) {
    let mut w = w.lock().await;
    let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    w.write_all(frame.as_bytes()).await.expect("write to the server");
    w.flush().await.expect("flush");
}

/// Reads one frame; `None` at the end of the stream.
async fn read_frame<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

struct Client {
    writer: Writer,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Messages read while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
    server: tokio::task::JoinHandle<bool>,
    /// The `initialize` result.
    init: Value,
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn default_caps() -> Value {
    json!({
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "completion": { "completionItem": { "snippetSupport": true, "documentationFormat": ["markdown"] } },
            "publishDiagnostics": {}
        },
        "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } }
    })
}

impl Client {
    async fn start(capabilities: Value, root: Option<&Path>) -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(chatlint_lsp::serve(server_read, server_write));
        let (read, write) = tokio::io::split(client_end);
        let writer: Writer = Arc::new(Mutex::new(write));
        let (tx, incoming) = mpsc::unbounded_channel();
        let replies = writer.clone();
        tokio::spawn(async move {
            let mut read = BufReader::new(read);
            while let Some(msg) = read_frame(&mut read).await {
                // Answer the server's own requests (registerCapability, refresh).
                if msg.get("method").is_some()
                    && let Some(id) = msg.get("id")
                {
                    let reply = json!({ "jsonrpc": "2.0", "id": id, "result": null });
                    write_frame(&replies, &reply.to_string()).await;
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut c = Client { writer, incoming, pending: VecDeque::new(), next_id: 0, server, init: Value::Null };
        let root_uri = root.map(uri);
        let init = c
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities,
                        "workspaceFolders": root_uri.as_ref().map(|u| json!([{ "uri": u, "name": "root" }])) }),
            )
            .await;
        c.init = init["result"].clone();
        c.notify("initialized", json!({})).await;
        c
    }

    async fn next(&mut self) -> Value {
        match tokio::time::timeout(WAIT, self.incoming.recv()).await {
            Ok(Some(v)) => v,
            Ok(None) => panic!("the server closed its output"),
            Err(_) => panic!("no message from the server within {WAIT:?}"),
        }
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(id).await
    }

    /// Sends a request without waiting for its answer; returns its id.
    async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let msg = json!({ "jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params });
        write_frame(&self.writer, &msg.to_string()).await;
        self.next_id
    }

    /// The answer to request `id`.
    async fn response(&mut self, id: i64) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m.get("method").is_none() && m["id"] == json!(id)) {
            return self.pending.remove(i).unwrap();
        }
        loop {
            let msg = self.next().await;
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    async fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        write_frame(&self.writer, &msg.to_string()).await;
    }

    /// The next notification `method` that satisfies `pred`.
    async fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method && pred(&m["params"])) {
            return self.pending.remove(i).unwrap()["params"].clone();
        }
        loop {
            let msg = self.next().await;
            if msg["method"] == method && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            self.pending.push_back(msg);
        }
    }

    /// The diagnostics published for `uri` (at `version`, when given).
    async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let p = self
            .wait_for("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri && version.is_none_or(|v| p["version"] == json!(v))
            })
            .await;
        p["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    async fn open(&mut self, uri: &str, text: &str) {
        let td = json!({ "uri": uri, "languageId": "json", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": td })).await;
    }

    async fn close(&mut self, uri: &str) {
        self.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } })).await;
    }

    async fn change(&mut self, uri: &str, version: i64, changes: Value) {
        let td = json!({ "uri": uri, "version": version });
        self.notify("textDocument/didChange", json!({ "textDocument": td, "contentChanges": changes })).await;
    }

    async fn at(&mut self, method: &str, uri: &str, pos: (u32, u32)) -> Value {
        let params = json!({ "textDocument": { "uri": uri }, "position": { "line": pos.0, "character": pos.1 } });
        self.request(method, params).await["result"].clone()
    }

    /// `shutdown`, `exit`; returns what `serve` returned (a clean stop).
    async fn stop(mut self) -> bool {
        let res = self.request("shutdown", Value::Null).await;
        assert_eq!(res["result"], Value::Null, "{res}");
        self.notify("exit", Value::Null).await;
        tokio::time::timeout(WAIT, self.server).await.expect("the server stops after exit").unwrap()
    }
}

fn codes(diags: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect();
    c.sort();
    c
}

/// The UTF-16 position of the `n`th occurrence of `needle` (plus `delta` bytes).
fn pos_of(text: &str, needle: &str, delta: usize) -> (u32, u32) {
    let off = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text")) + delta;
    LineIndex::new(text).utf16_position(text, off)
}

fn lsp_range(text: &str, start: usize, end: usize) -> Value {
    let idx = LineIndex::new(text);
    let (l0, c0) = idx.utf16_position(text, start);
    let (l1, c1) = idx.utf16_position(text, end);
    json!({ "start": { "line": l0, "character": c0 }, "end": { "line": l1, "character": c1 } })
}

/// Applies LSP text edits (UTF-16) the way an editor does.
fn apply_lsp_edits(text: &str, edits: &[Value]) -> String {
    let idx = LineIndex::new(text);
    let off = |p: &Value| {
        idx.offset_of_utf16(text, p["line"].as_u64().unwrap() as u32, p["character"].as_u64().unwrap() as u32)
    };
    let edits: Vec<Edit> = edits
        .iter()
        .map(|e| Edit {
            range: chatlint_engine::diagnostic::TextRange::new(off(&e["range"]["start"]), off(&e["range"]["end"])),
            new_text: e["newText"].as_str().unwrap().to_string(),
        })
        .collect();
    let (out, applied) = apply_edits(text, &edits);
    assert_eq!(applied, edits.len(), "LSP edits must not overlap");
    out
}

fn workspace_edits(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri].as_array().cloned().unwrap_or_else(|| panic!("no edits for {uri} in {action}"))
}

// ---------------------------------------------------------------- capabilities

#[tokio::test]
async fn initialize_negotiates_position_encoding_and_advertises_features() {
    let c = Client::start(default_caps(), None).await;
    let caps = &c.init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["completionProvider"].is_object());
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix", "source.fixAll"]));
    assert!(caps.get("diagnosticProvider").is_none(), "no pull diagnostics for a client without them");
    assert_eq!(c.init["serverInfo"]["name"], "chatlint");
    assert!(c.stop().await);

    let mut caps = default_caps();
    caps["general"] = json!({ "positionEncodings": ["utf-16", "utf-8"] });
    caps["textDocument"]["diagnostic"] = json!({});
    let c = Client::start(caps, None).await;
    assert_eq!(c.init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(c.init["capabilities"]["diagnosticProvider"]["identifier"], "chatlint");
    assert!(c.stop().await);
}

#[tokio::test]
async fn diagnostics_on_open_are_the_cli_findings_with_code_link_source_and_severity() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///work/requests/group-chat.setup.json";
    c.open(u, GROUP_CHAT).await;
    let diags = c.diagnostics(u, Some(1)).await;

    // Exactly what the engine finds, at the same places.
    let expected = lint(GROUP_CHAT, Method::Setup, &Settings::default());
    assert_eq!(diags.len(), expected.len());
    for (d, e) in diags.iter().zip(&expected) {
        assert_eq!(d["code"], e.rule.id());
        assert_eq!(d["range"], lsp_range(GROUP_CHAT, e.range.start, e.range.end), "{}", e.rule);
        assert_eq!(d["source"], "chatlint");
        assert_eq!(d["codeDescription"]["href"], e.rule.info().docs_url());
        assert!(d["message"].as_str().unwrap().starts_with(&e.message));
        let severity = match e.severity {
            chatlint_engine::diagnostic::Severity::Error => 1,
            chatlint_engine::diagnostic::Severity::Warning => 2,
            chatlint_engine::diagnostic::Severity::Hint => 4,
        };
        assert_eq!(d["severity"], severity);
    }
    assert!(codes(&diags).contains(&"display-name-forbidden".to_string()));
    assert!(codes(&diags).contains(&"user-name-format".to_string()));

    // Closing the document clears its diagnostics.
    c.notify("textDocument/didClose", json!({ "textDocument": { "uri": u } })).await;
    assert!(c.diagnostics(u, None).await.is_empty());
    assert!(c.stop().await);
}

/// A wrong value in an update's body is where the diagnostic is; the mask
/// path that asks for it is its related information, in the same document.
#[tokio::test]
async fn the_mask_path_is_related_information() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///work/requests/to-space.patch.json";
    let text = "{\n  \"space\": { \"name\": \"spaces/AAAAAAAAAAA\", \"spaceType\": \"GROUP_CHAT\" },\n  \"updateMask\": \"space_type\"\n}\n";
    c.open(u, text).await;
    let diags = c.diagnostics(u, Some(1)).await;
    let d = diags.iter().find(|d| d["code"] == "space-type-update").expect("space-type-update");
    let at = |needle: &str| text.find(needle).unwrap();
    let value = at("\"GROUP_CHAT\"");
    assert_eq!(d["range"], lsp_range(text, value, value + "\"GROUP_CHAT\"".len()));
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], u);
    let path = at("space_type\"\n");
    assert_eq!(related["location"]["range"], lsp_range(text, path, path + "space_type".len()));
    assert_eq!(related["message"], "`space_type` in the update mask");
    assert!(c.stop().await);
}

/// Issue 17 (A10): the LSP ends a line at `\n`, `\r\n` and a lone `\r`;
/// findings land on the line the editor shows, and an edit past the end of
/// a `\r\n` line goes before the `\r\n`, as in the editor's own text.
#[tokio::test]
async fn lone_cr_and_crlf_line_ends_are_line_ends_as_the_lsp_counts_them() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/old-mac.setup.json";
    c.open(u, "{\r  \"space\": {\"spaceType\": \"ROOM\"}\r}\r").await;
    let diags = c.diagnostics(u, Some(1)).await;
    let d = diags.iter().find(|d| d["code"] == "invalid-enum-value").expect("invalid-enum-value");
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 25 }), "{d}");

    let u = "file:///w/windows.setup.json";
    c.open(u, "{\r\n  \"space\": {}\r\n}\r\n").await;
    c.diagnostics(u, Some(1)).await;
    // Typed at the end of line 1 by a client that sends a column past it.
    let at_end = json!({ "line": 1, "character": 99 });
    c.change(u, 2, json!([{ "range": { "start": at_end, "end": at_end }, "text": ", \"x\": \"ROOM\"" }])).await;
    // The editor's text now: `  "space": {}, "x": "ROOM"\r\n` on line 1.
    let diags = c.diagnostics(u, Some(2)).await;
    let d = diags.iter().find(|d| d["code"] == "unknown-field").expect("unknown-field");
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 15 }), "{d}");
    assert!(diags.iter().all(|d| d["code"] != "invalid-json"), "{diags:?}");
    // A line end replaced through a range that ends past it: nothing is left between.
    let (start, end) = (json!({ "line": 1, "character": 99 }), json!({ "line": 2, "character": 0 }));
    c.change(u, 3, json!([{ "range": { "start": start, "end": end }, "text": "\n" }])).await;
    let diags = c.diagnostics(u, Some(3)).await;
    let d = diags.iter().find(|d| d["code"] == "unknown-field").expect("unknown-field");
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 15 }), "{d}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn emoji_do_not_shift_ranges_in_utf16_or_utf8() {
    let text = "{\"space\": {\"displayName\": \"🚀🚀 launch\", \"spaceType\": \"ROOM\"}}";
    let room = text.find("\"ROOM\"").unwrap();
    let u = "file:///w/emoji.setup.json";

    let mut c = Client::start(default_caps(), None).await;
    c.open(u, text).await;
    let diags = c.diagnostics(u, Some(1)).await;
    let d = diags.iter().find(|d| d["code"] == "invalid-enum-value").expect("invalid-enum-value");
    // Each rocket is 4 bytes but 2 UTF-16 units.
    assert_eq!(d["range"]["start"], json!({ "line": 0, "character": room - 4 }));
    assert_eq!(d["range"]["end"], json!({ "line": 0, "character": room - 4 + 6 }));
    assert!(c.stop().await);

    let mut caps = default_caps();
    caps["general"] = json!({ "positionEncodings": ["utf-8"] });
    let mut c = Client::start(caps, None).await;
    c.open(u, text).await;
    let diags = c.diagnostics(u, Some(1)).await;
    let d = diags.iter().find(|d| d["code"] == "invalid-enum-value").unwrap();
    assert_eq!(d["range"]["start"], json!({ "line": 0, "character": room }));
    // Hover by UTF-8 column lands on the value.
    let hover = c.at("textDocument/hover", u, (0, room as u32 + 2)).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("invalid-enum-value"), "{hover}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn incremental_changes_relint_and_fast_edits_settle_on_the_last_version() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/typing.setup.json";
    let mut text = String::from("{\"space\": {\"spaceType\": \"SPACE\", \"displayName\": \"Launch\"}}");
    c.open(u, &text).await;
    assert!(c.diagnostics(u, Some(1)).await.iter().all(|d| d["code"] != "invalid-enum-value"));

    // SPACE → ROOM, as a range edit.
    let start = text.find("SPACE").unwrap();
    let range = lsp_range(&text, start, start + 5);
    text.replace_range(start..start + 5, "ROOM");
    c.change(u, 2, json!([{ "range": range, "text": "ROOM" }])).await;
    assert!(codes(&c.diagnostics(u, Some(2)).await).contains(&"invalid-enum-value".to_string()));

    // 60 quick keystrokes into the display name, without waiting.
    let mut version = 2;
    for i in 0..60 {
        version += 1;
        let at = text.find("Launch").unwrap() + 6;
        let range = lsp_range(&text, at, at);
        let ch = if i % 7 == 0 { "é" } else { "x" };
        text.insert_str(at, ch);
        c.change(u, version, json!([{ "range": range, "text": ch }])).await;
    }
    // …then the fix.
    version += 1;
    let start = text.find("ROOM").unwrap();
    let range = lsp_range(&text, start, start + 4);
    text.replace_range(start..start + 4, "SPACE");
    c.change(u, version, json!([{ "range": range, "text": "SPACE" }])).await;

    let diags = c.diagnostics(u, Some(version)).await;
    let expected = lint(&text, Method::Setup, &Settings::default());
    let mut want: Vec<String> = expected.iter().map(|d| d.rule.to_string()).collect();
    want.sort();
    assert_eq!(codes(&diags), want, "the last publish is for the final text");
    // The server's copy of the text is the client's: a hover at the end of
    // the display name still finds the key.
    let hover = c.at("textDocument/hover", u, pos_of(&text, "displayName", 2)).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("128 characters"));
    assert!(c.stop().await);
}

#[tokio::test]
async fn only_chat_requests_get_diagnostics() {
    let mut c = Client::start(default_caps(), None).await;
    // Other JSON stays untouched, even when broken.
    for (name, text) in [("package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"}"), ("tsconfig.json", "{,")] {
        let u = format!("file:///w/{name}");
        c.open(&u, text).await;
        assert!(c.diagnostics(&u, None).await.is_empty(), "{name}");
    }
    // A request by name is checked even when it is not JSON.
    let u = "file:///w/broken.setup.json";
    c.open(u, "not json at all").await;
    assert_eq!(codes(&c.diagnostics(u, None).await), vec!["invalid-json"]);
    // A request by shape is checked whatever its name.
    let u = "file:///w/team.json";
    c.open(u, "{\"space\": {\"spaceType\": \"ROOM\"}}").await;
    assert!(codes(&c.diagnostics(u, None).await).contains(&"invalid-enum-value".to_string()));
    // …and stays a request while it is briefly broken during an edit.
    c.change(u, 2, json!([{ "text": "{\"space\": {\"spaceType\": " }])).await;
    assert_eq!(codes(&c.diagnostics(u, Some(2)).await), vec!["invalid-json"]);
    assert!(c.stop().await);
}

#[tokio::test]
async fn pull_diagnostics_replace_push_when_the_client_supports_them() {
    let mut caps = default_caps();
    caps["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    let mut c = Client::start(caps, None).await;
    let u = "file:///w/typos.setup.json";
    c.open(u, TYPOS).await;
    let report = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u } })).await;
    assert_eq!(report["result"]["kind"], "full");
    let items = report["result"]["items"].as_array().unwrap();
    let expected = lint(TYPOS, Method::Setup, &Settings::default());
    assert_eq!(items.len(), expected.len());
    assert!(codes(items).contains(&"unknown-field".to_string()));
    // Nothing was pushed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    while let Ok(m) = c.incoming.try_recv() {
        c.pending.push_back(m);
    }
    assert!(c.pending.iter().all(|m| m["method"] != "textDocument/publishDiagnostics"), "{:?}", c.pending);
    assert!(c.stop().await);
}

#[tokio::test]
async fn quick_fixes_apply_and_fix_all_applies_every_safe_fix() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/group-chat.setup.json";
    c.open(u, GROUP_CHAT).await;
    let diags = c.diagnostics(u, Some(1)).await;

    // The quick fix for the people/ name.
    let d = diags.iter().find(|d| d["code"] == "user-name-format").unwrap().clone();
    let res = c
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": u }, "range": d["range"], "context": { "diagnostics": [d] } }),
        )
        .await;
    let actions = res["result"].as_array().unwrap();
    let fix =
        actions.iter().find(|a| a["kind"] == "quickfix" && a["title"] == "Replace with \"users/123456789\"").unwrap();
    assert_eq!(fix["isPreferred"], true, "the only safe fix is preferred");
    assert_eq!(fix["diagnostics"][0]["code"], "user-name-format");
    let fixed = apply_lsp_edits(GROUP_CHAT, &workspace_edits(fix, u));
    assert!(fixed.contains("\"users/123456789\"") && !fixed.contains("people/"));
    assert!(lint(&fixed, Method::Setup, &Settings::default()).iter().all(|d| d.rule != "user-name-format"));

    // An unsafe fix is offered but never preferred.
    let dup = diags.iter().find(|d| d["code"] == "duplicate-field").unwrap().clone();
    let res = c
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": u }, "range": dup["range"], "context": { "diagnostics": [],
                    "only": ["quickfix"] } }),
        )
        .await;
    let actions = res["result"].as_array().unwrap();
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"), "`only` is honoured");
    let unsafe_fix = actions.iter().find(|a| a["title"].as_str().unwrap().contains("unsafe")).unwrap();
    assert_eq!(unsafe_fix["isPreferred"], false);

    // Fix all: every safe fix, overlapping ones skipped as the core does.
    let res = c
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": u }, "range": lsp_range(GROUP_CHAT, 0, 0),
                    "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
        )
        .await;
    let actions = res["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["title"], "Fix all safe problems");
    assert_eq!(actions[0]["kind"], "source.fixAll");
    let all = apply_lsp_edits(GROUP_CHAT, &workspace_edits(&actions[0], u));
    let safe_edits: Vec<Edit> = lint(GROUP_CHAT, Method::Setup, &Settings::default())
        .iter()
        .filter_map(|d| d.fixes.iter().find(|f| f.applicability == chatlint_engine::diagnostic::Applicability::Safe))
        .flat_map(|f| f.edits.clone())
        .collect();
    assert_eq!(all, apply_edits(GROUP_CHAT, &safe_edits).0, "the same edits as the core applies");
    // The people/ name is fixed; of the two overlapping fixes on the
    // duplicate display name, the first was taken (a second run takes the other).
    assert!(all.contains("\"users/123456789\"") && !all.contains("Weekly sync 2"), "{all}");
    let after = lint(&all, Method::Setup, &Settings::default());
    assert!(after.iter().all(|d| d.rule != "user-name-format" && d.rule != "duplicate-field"), "{all}");
    assert!(serde_json::from_str::<Value>(&all).is_ok(), "still JSON:\n{all}");
    assert!(c.stop().await);
}

// ---------------------------------------------------------------- document life cycle

/// A clean spaces.setup request.
const CLEAN: &str =
    r#"{"requestId": "5d0c6a2e-3f4b-4a1c-9e8d-7b6a5c4d3e2f", "space": {"spaceType": "SPACE", "displayName": "x"}}"#;

/// A setup request with `n` memberships, each with a fixable `people/` name.
fn people_memberships(n: usize) -> String {
    let members: Vec<String> =
        (0..n).map(|i| format!("{{\"member\": {{\"name\": \"people/{i}\", \"type\": \"HUMAN\"}}}}")).collect();
    format!("{}, \"memberships\": [\n{}\n]}}", CLEAN.strip_suffix('}').unwrap(), members.join(",\n"))
}

fn fix_all_request(uri: &str) -> Value {
    json!({ "textDocument": { "uri": uri }, "range": lsp_range("", 0, 0),
            "context": { "diagnostics": [], "only": ["source.fixAll"] } })
}

/// How many edits the fix-all actions of a codeAction answer make.
fn fix_all_edits(answer: &Value, uri: &str) -> usize {
    let actions = answer["result"].as_array().cloned().unwrap_or_default();
    actions.iter().map(|a| workspace_edits(a, uri).len()).sum()
}

/// Issue 17 (A5): the analysis of a closed document's text never reaches
/// the document opened again under the same URI and version, neither as
/// diagnostics nor as code actions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_closed_and_opened_again_gets_only_its_own_analysis() {
    let big = people_memberships(10_000);
    let findings = lint(&big, Method::Setup, &Settings::default()).len();
    assert!(findings > 10_000, "one finding per membership and more: {findings}");

    // Pushed diagnostics. `other` holds the same text, analysed alongside
    // the closed one: once its diagnostics are in, so is the closed one's.
    let mut c = Client::start(default_caps(), None).await;
    let (u, other) = ("file:///w/reopened.setup.json", "file:///w/other.setup.json");
    c.open(u, &big).await;
    c.open(other, &big).await;
    c.close(u).await;
    c.open(u, CLEAN).await;
    assert_eq!(c.diagnostics(other, Some(1)).await.len(), findings);
    let actions = c.request("textDocument/codeAction", fix_all_request(u)).await;
    assert_eq!(fix_all_edits(&actions, u), 0, "no fix of the old text is offered");
    c.close(other).await;
    let published: Vec<Value> = c.pending.iter().filter(|m| m["params"]["uri"] == u).cloned().collect();
    assert!(
        published.iter().all(|m| m["params"]["diagnostics"] == json!([])),
        "only the clean text's (no) diagnostics are published: {} diagnostics",
        published.iter().map(|m| m["params"]["diagnostics"].as_array().map_or(0, Vec::len)).sum::<usize>()
    );
    assert!(c.stop().await);

    // Pulled diagnostics: the old text's code actions are asked for, and
    // the document closed and opened again while they are worked out.
    let mut caps = default_caps();
    caps["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    let mut c = Client::start(caps, None).await;
    c.open(u, &big).await;
    let old = c.send_request("textDocument/codeAction", fix_all_request(u)).await;
    c.close(u).await;
    c.open(u, CLEAN).await;
    let old = c.response(old).await;
    assert_eq!(fix_all_edits(&old, u), 0, "the closed text's actions are dropped");
    let actions = c.request("textDocument/codeAction", fix_all_request(u)).await;
    assert_eq!(fix_all_edits(&actions, u), 0, "no fix of the old text is offered");
    let report = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u } })).await;
    assert_eq!(report["result"]["items"], json!([]));
    assert!(c.stop().await);
}

#[tokio::test]
async fn hover_documents_fields_enum_values_and_rules() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/group-chat.setup.json";
    c.open(u, GROUP_CHAT).await;
    c.diagnostics(u, Some(1)).await;

    let h = c.at("textDocument/hover", u, pos_of(GROUP_CHAT, "\"spaceType\"", 3)).await;
    assert_eq!(h["contents"]["kind"], "markdown");
    let text = h["contents"]["value"].as_str().unwrap();
    for want in
        ["`spaceType`", "enum", "Required", "`SPACE`", "`GROUP_CHAT`", "`DIRECT_MESSAGE`", "Group conversations"]
    {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    assert_eq!(h["range"], {
        let s = GROUP_CHAT.find("\"spaceType\"").unwrap();
        lsp_range(GROUP_CHAT, s, s + 11)
    });

    // On an enum value: what it means.
    let h = c.at("textDocument/hover", u, pos_of(GROUP_CHAT, "\"GROUP_CHAT\"", 2)).await;
    assert!(h["contents"]["value"].as_str().unwrap().contains("3 or more people"));

    // On a finding: the rule's documentation, with its source.
    let h = c.at("textDocument/hover", u, pos_of(GROUP_CHAT, "people/", 2)).await;
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("chatlint `user-name-format`") && text.contains("**Why:**"), "{text}");
    assert!(text.contains(&chatlint_engine::catalogue::get("user-name-format").unwrap().docs_url()));

    // On whitespace: nothing.
    let h = c.at("textDocument/hover", u, (0, 1)).await;
    assert_eq!(h, Value::Null);
    assert!(c.stop().await);
}

#[tokio::test]
async fn hover_shows_the_limit_of_the_configured_profile() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chatlint.toml"), "profile = \"legacy\"\n").unwrap();
    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    let u = uri(&dir.path().join("a.setup.json"));
    let text =
        "{\"space\": {\"spaceType\": \"SPACE\", \"displayName\": \"x\", \"spaceDetails\": {\"description\": \"d\"}}}";
    c.open(&u, text).await;
    let h = c.at("textDocument/hover", &u, pos_of(text, "\"description\"", 2)).await;
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("profile `legacy`") && value.contains("at most 150 characters"), "{value}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn completion_offers_missing_properties_and_enum_values() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/new.setup.json";
    let text = "{\n  \"space\": {\n    \"spaceType\": \"SPACE\",\n    \n  }\n}";
    c.open(u, text).await;
    let items = c.at("textDocument/completion", u, (3, 4)).await;
    let items = items.as_array().expect("a list of items");
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"displayName") && labels.contains(&"spaceDetails"), "{labels:?}");
    assert!(!labels.contains(&"spaceType"), "already present");
    assert!(!labels.contains(&"spaceUri") && !labels.contains(&"membershipCount"), "output only");
    let dn = items.iter().find(|i| i["label"] == "displayName").unwrap();
    assert_eq!(dn["textEdit"]["newText"], "\"displayName\": \"$1\"");
    assert_eq!(dn["insertTextFormat"], 2, "snippet");
    assert!(dn["documentation"]["value"].as_str().unwrap().contains("128 characters"));

    // The values of an enum field.
    let text2 = "{\n  \"space\": {\n    \"spaceType\": \n  }\n}";
    c.change(u, 2, json!([{ "text": text2 }])).await;
    let items = c.at("textDocument/completion", u, (2, 17)).await;
    let mut labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    labels.sort();
    assert_eq!(labels, vec!["DIRECT_MESSAGE", "GROUP_CHAT", "SPACE"]);
    let space = items.as_array().unwrap().iter().find(|i| i["label"] == "SPACE").unwrap();
    assert_eq!(space["textEdit"]["newText"], "\"SPACE\"");

    // A half-typed key is replaced whole, in a document that does not parse.
    let text3 = "{\"space\": {\"dis";
    c.change(u, 3, json!([{ "text": text3 }])).await;
    let items = c.at("textDocument/completion", u, (0, 15)).await;
    let dn = items.as_array().unwrap().iter().find(|i| i["label"] == "displayName").unwrap();
    assert_eq!(dn["textEdit"]["range"], lsp_range(text3, 11, 15));
    assert_eq!(dn["filterText"], "\"displayName\"");
    // Inside a half-typed enum value.
    let text4 = "{\"space\": {\"space_type\": \"GR";
    c.change(u, 4, json!([{ "text": text4 }])).await;
    let items = c.at("textDocument/completion", u, (0, text4.len() as u32)).await;
    let gc = items.as_array().unwrap().iter().find(|i| i["label"] == "GROUP_CHAT").unwrap();
    assert_eq!(gc["textEdit"]["range"], lsp_range(text4, 25, text4.len()));
    assert!(c.stop().await);
}

#[tokio::test]
async fn an_update_mask_is_checked_completed_and_explained_path_by_path() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/rename.patch.json";
    let text = r#"{"space": {"name": "spaces/AAA", "displayName": "New"}, "updateMask": "display_name,display_nam"}"#;
    c.open(u, text).await;
    let diags = c.diagnostics(u, Some(1)).await;
    let bad = diags.iter().find(|d| d["code"] == "update-mask-path").expect("the misspelt path is reported");
    let start = text.find("display_nam\"").unwrap();
    assert_eq!(bad["range"], lsp_range(text, start, start + "display_nam".len()), "on the path, not the string");

    // Hover on a path: what updating it does and the profile's limit.
    let h = c.at("textDocument/hover", u, pos_of(text, "display_name,", 3)).await;
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("updates `displayName`") && value.contains("at most 128 characters"), "{value}");

    // After a comma: the other paths, not the ones already there.
    let text2 = r#"{"space": {"name": "spaces/AAA", "displayName": "New"}, "updateMask": "display_name,"}"#;
    c.change(u, 2, json!([{ "text": text2 }])).await;
    let at = text2.find(",\"}").unwrap() + 1;
    let items = c.at("textDocument/completion", u, pos_of(text2, ",\"}", 1)).await;
    let items = items.as_array().expect("a list of items");
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"space_details") && labels.contains(&"space_history_state"), "{labels:?}");
    assert!(!labels.contains(&"display_name"), "already in the mask: {labels:?}");
    let details = items.iter().find(|i| i["label"] == "space_details").unwrap();
    assert_eq!(details["textEdit"]["range"], lsp_range(text2, at, at));
    assert_eq!(apply_lsp_edits(text2, &[details["textEdit"].clone()]).matches("space_details").count(), 1);

    // At the top of the request message: its own fields.
    let text3 = "{\n  \"space\": {\"name\": \"spaces/AAA\"},\n  \n}";
    c.change(u, 3, json!([{ "text": text3 }])).await;
    let items = c.at("textDocument/completion", u, (2, 2)).await;
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"updateMask") && labels.contains(&"useAdminAccess"), "{labels:?}");
    assert!(!labels.contains(&"space"), "already present: {labels:?}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn a_membership_request_gets_its_fields_and_values() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/add.member.json";
    let text = r#"{"parent": "spaces/AAA", "membership": {"member": {"name": "users/123", "type": }}}"#;
    c.open(u, text).await;
    let items = c.at("textDocument/completion", u, pos_of(text, "\"type\": ", 8)).await;
    let mut labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    labels.sort();
    assert_eq!(labels, vec!["BOT", "HUMAN"]);
    let h = c.at("textDocument/hover", u, pos_of(text, "\"membership\"", 2)).await;
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("`membership`"), "{value}");
    assert!(c.stop().await);
}

/// A method added as a row (issue 18) gets the editor's features from the
/// model alone: role values, hover on the request message, and a quick fix.
#[tokio::test]
async fn a_role_change_gets_its_values_hover_and_fixes() {
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/ana.role.json";
    let text = r#"{"membership": {"name": "spaces/AAA/members/ana@example.com", "role": }, "updateMask": "role"}"#;
    c.open(u, text).await;
    let items = c.at("textDocument/completion", u, pos_of(text, "\"role\": ", 8)).await;
    let mut labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    labels.sort();
    assert_eq!(labels, vec!["ROLE_ASSISTANT_MANAGER", "ROLE_MANAGER", "ROLE_MEMBER"]);
    let h = c.at("textDocument/hover", u, pos_of(text, "\"updateMask\"", 2)).await;
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("`role`"), "the mask's documented paths: {value}");

    // The mask offers the membership's paths, not the Space's.
    let text3 =
        r#"{"membership": {"name": "spaces/AAA/members/ana@example.com", "role": "ROLE_MEMBER"}, "updateMask": ""}"#;
    c.change(u, 3, json!([{ "text": text3 }])).await;
    let items = c.at("textDocument/completion", u, pos_of(text3, "\"\"}", 1)).await;
    let mut labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    labels.sort();
    assert_eq!(labels, vec!["*", "role"]);

    // The proto spelling is found and renamed by a quick fix.
    let text2 = r#"{"membership": {"name": "spaces/AAA/members/ana@example.com", "role": "ROLE_MEMBER"}, "update_mask": "role"}"#;
    c.change(u, 4, json!([{ "text": text2 }])).await;
    let diags = c.diagnostics(u, Some(4)).await;
    let snake = diags.iter().find(|d| d["code"] == "snake-case-field").expect("update_mask is the proto spelling");
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": u },
                "range": snake["range"],
                "context": { "diagnostics": [snake] }
            }),
        )
        .await;
    assert!(actions.to_string().contains("updateMask"), "{actions}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn chatlint_toml_is_honoured_logged_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("chatlint.toml");
    std::fs::write(
        &config,
        "[rules]\nrequest-id-not-uuid = \"off\"\n\n[methods]\n\"spaces.setup\" = [\"provisioning/**/*.json\"]\n",
    )
    .unwrap();
    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    // The server watches chatlint.toml.
    let reg = c.wait_for_request("client/registerCapability").await;
    assert!(reg.to_string().contains("chatlint.toml"), "{reg}");

    let u = uri(&dir.path().join("a.setup.json"));
    let text = "{\"requestId\": \"not-a-uuid\", \"space\": {\"spaceType\": \"SPACE\", \"displayName\": \"x\"}}";
    c.open(&u, text).await;
    assert!(!codes(&c.diagnostics(&u, Some(1)).await).contains(&"request-id-not-uuid".to_string()));
    let log = c.wait_for("window/logMessage", |p| p["message"].as_str().unwrap_or("").contains(&u)).await;
    assert!(log["message"].as_str().unwrap().contains(&config.display().to_string()), "{log}");

    // [methods]: a plain name under provisioning/ is a setup request.
    let p = uri(&dir.path().join("provisioning/team.json"));
    c.open(&p, "{}").await;
    assert!(codes(&c.diagnostics(&p, Some(1)).await).contains(&"required-field".to_string()));

    // Edit the config: the open documents are linted again.
    std::fs::write(&config, "[rules]\nrequest-id-not-uuid = \"error\"\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri(&config), "type": 2 }] })).await;
    let diags = c.diagnostics(&u, Some(1)).await;
    let d = diags.iter().find(|d| d["code"] == "request-id-not-uuid").expect("re-linted with the new config");
    assert_eq!(d["severity"], 1);
    // provisioning/team.json is no longer a request.
    assert!(c.diagnostics(&p, Some(1)).await.is_empty());

    // didChangeConfiguration reloads too (here: the config now breaks).
    std::fs::write(&config, "profile = \"nope\"\n").unwrap();
    c.notify("workspace/didChangeConfiguration", json!({ "settings": {} })).await;
    let diags = c.diagnostics(&u, Some(1)).await;
    assert_eq!(diags.len(), 1);
    assert!(diags[0]["message"].as_str().unwrap().contains("unknown profile"), "{diags:?}");
    assert!(c.stop().await);
}

/// Issue 17 (A9): with a broken chatlint.toml the CLI fails every JSON file
/// it would check (exit 2); the editor says so on each such document too,
/// not only on those whose name makes them requests: the config that would
/// name the others as requests cannot be read.
#[tokio::test]
async fn a_broken_config_is_reported_on_files_only_the_config_names() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("chatlint.toml");
    let toml = "profile = \"nope\"\n\n[methods]\n\"spaces.setup\" = [\"provisioning/*.json\"]\n\n[[requests]]\npath = \"members/eng.json\"\nmethod = \"spaces.members.create\"\nparent = \"spaces/AAA\"\n";
    std::fs::write(&config, toml).unwrap();
    let body = "{\"member\": {\"name\": \"users/1\", \"type\": \"HUMAN\"}}";
    let files = ["provisioning/team.json", "members/eng.json", "a.setup.json"];
    for f in files {
        std::fs::create_dir_all(dir.path().join(f).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(f), body).unwrap();
    }
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_chatlint"))
        .args(["check", "--format", "concise"])
        .args(files)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(2), "{cli:?}");

    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    for f in files {
        let u = uri(&dir.path().join(f));
        c.open(&u, body).await;
        let diags = c.diagnostics(&u, Some(1)).await;
        assert_eq!(diags.len(), 1, "{f}: {diags:?}");
        assert_eq!(diags[0]["severity"], 1, "{f}");
        let message = diags[0]["message"].as_str().unwrap();
        assert!(message.contains("config is invalid") && message.contains("unknown profile"), "{f}: {message}");
    }
    assert!(c.stop().await);
}

/// A `parent` in `[[requests]]` that the file contradicts leaves the file
/// unchecked in the editor as on the command line, and says why, naming
/// both values.
#[tokio::test]
async fn a_config_parameter_the_file_contradicts_is_said_as_the_cli_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[[requests]]\npath = \"eng.member.json\"\nparent = \"spaces/BBB\"\n";
    std::fs::write(dir.path().join("chatlint.toml"), toml).unwrap();
    let body = r#"{"parent": "spaces/AAA", "membership": {"member": {"name": "users/1", "type": "HUMAN"}}}"#;
    let file = dir.path().join("eng.member.json");
    std::fs::write(&file, body).unwrap();
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_chatlint"))
        .args(["check", "--format", "concise", "eng.member.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(2), "{cli:?}");

    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    let u = uri(&file);
    c.open(&u, body).await;
    let diags = c.diagnostics(&u, Some(1)).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["severity"], 1);
    let message = diags[0]["message"].as_str().unwrap();
    assert!(message.contains("spaces/BBB") && message.contains("spaces/AAA"), "{message}");
    assert!(c.stop().await);
}

/// The editor shows exactly what `chatlint check` reports for the same file
/// and config: both go through one per-document pipeline, `[[ignore]]`
/// entries included.
#[tokio::test]
async fn the_editor_honours_ignore_entries_exactly_as_the_cli_does() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[[ignore]]\npath = \"g.setup.json\"\nrule = \"display-name-forbidden\"\nreason = \"named by the old script\"\n";
    std::fs::write(dir.path().join("chatlint.toml"), config).unwrap();
    let file = dir.path().join("g.setup.json");
    std::fs::write(&file, GROUP_CHAT).unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatlint"))
        .args(["check", "g.setup.json", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut from_cli: Vec<(String, u64, u64)> = cli["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();

    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    let u = uri(&file);
    c.open(&u, GROUP_CHAT).await;
    let mut from_editor: Vec<(String, u64, u64)> = c
        .diagnostics(&u, Some(1))
        .await
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            let (line, column) = (start["line"].as_u64().unwrap() + 1, start["character"].as_u64().unwrap() + 1);
            (d["code"].as_str().unwrap().to_string(), line, column)
        })
        .collect();
    from_cli.sort();
    from_editor.sort();
    assert!(!from_cli.is_empty() && !from_cli.iter().any(|(r, _, _)| r == "display-name-forbidden"), "{from_cli:?}");
    assert_eq!(from_editor, from_cli);
    assert!(c.stop().await);
}

#[tokio::test]
async fn severities_follow_the_config_error_warning_hint() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[rules]\ndisplay-name-forbidden = \"warning\"\nuser-name-format = \"hint\"\n";
    std::fs::write(dir.path().join("chatlint.toml"), config).unwrap();
    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    let u = uri(&dir.path().join("g.setup.json"));
    c.open(&u, GROUP_CHAT).await;
    let diags = c.diagnostics(&u, Some(1)).await;
    let severity = |code: &str| diags.iter().find(|d| d["code"] == code).map(|d| d["severity"].clone());
    assert_eq!(severity("display-name-forbidden"), Some(json!(2)), "{diags:?}");
    assert_eq!(severity("user-name-format"), Some(json!(4)), "{diags:?}");
    assert_eq!(severity("group-chat-membership-count"), Some(json!(1)), "{diags:?}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn excluded_files_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chatlint.toml"), "exclude = [\"drafts/**\"]\n").unwrap();
    let mut c = Client::start(default_caps(), Some(dir.path())).await;
    let u = uri(&dir.path().join("drafts/x.setup.json"));
    c.open(&u, "{}").await;
    assert!(c.diagnostics(&u, None).await.is_empty());
    assert!(c.stop().await);
}

// ---------------------------------------------------------------- robustness

impl Client {
    async fn wait_for_request(&mut self, method: &str) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method && m.get("id").is_some()) {
            return self.pending.remove(i).unwrap();
        }
        loop {
            let msg = self.next().await;
            if msg["method"] == method && msg.get("id").is_some() {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    /// The code of the next error answer (skipping logs and the like).
    async fn next_error(&mut self) -> i64 {
        loop {
            let m = self.next().await;
            if let Some(code) = m["error"]["code"].as_i64() {
                assert_eq!(m["id"], Value::Null, "{m}");
                return code;
            }
        }
    }

    async fn send_raw(&mut self, bytes: &[u8]) {
        let mut w = self.writer.lock().await;
        w.write_all(bytes).await.unwrap();
        w.flush().await.unwrap();
    }
}

#[tokio::test]
async fn garbage_unknown_methods_and_out_of_range_positions_do_no_harm() {
    let mut c = Client::start(default_caps(), None).await;
    // A frame whose body is not JSON: a parse error, and the server goes on.
    c.send_raw(b"Content-Length: 9\r\n\r\nnot json!").await;
    assert_eq!(c.next_error().await, -32700);
    // Valid JSON that is not a JSON-RPC message.
    c.send_raw(b"Content-Length: 2\r\n\r\n[]").await;
    assert_eq!(c.next_error().await, -32600);
    c.send_raw(b"Content-Length: 17\r\n\r\n{\"jsonrpc\":\"1.0\"}").await;
    assert_eq!(c.next_error().await, -32600);
    // Headers without a Content-Length, and a header block that never ends.
    c.send_raw(b"Content-Type: text/plain\r\n\r\n").await;
    assert_eq!(c.next_error().await, -32700);
    c.send_raw(&vec![b'x'; 10_000]).await;
    assert_eq!(c.next_error().await, -32700);
    // Extra headers are fine.
    let body = r#"{"jsonrpc":"2.0","id":"s","method":"shutdownx"}"#;
    let msg = format!(
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {}\r\nX-A: b\r\n\r\n{body}",
        body.len()
    );
    c.send_raw(msg.as_bytes()).await;
    let res = loop {
        let m = c.next().await;
        if m["id"] == "s" {
            break m;
        }
    };
    assert_eq!(res["error"]["code"], -32601);
    // An unknown request and an unknown notification.
    let res = c.request("chatlint/unknown", json!({})).await;
    assert_eq!(res["error"]["code"], -32601);
    c.notify("$/unknownNotification", json!({})).await;
    // Requests about documents that are not open.
    assert_eq!(c.at("textDocument/hover", "file:///nope.json", (0, 0)).await, Value::Null);
    // Positions past the end of lines and of the text.
    let u = "file:///w/a.setup.json";
    c.open(u, TYPOS).await;
    for pos in [(0, 999), (999, 0), (u32::MAX, u32::MAX)] {
        c.at("textDocument/hover", u, pos).await;
        c.at("textDocument/completion", u, pos).await;
    }
    let far = json!({ "start": { "line": 500, "character": 3 }, "end": { "line": 2, "character": 99999 } });
    c.change(u, 2, json!([{ "range": far, "text": "" }])).await;
    c.diagnostics(u, Some(2)).await;
    // Not JSON at all, and binary-looking text.
    c.change(u, 3, json!([{ "text": "\u{0}\u{1}{{{{[[[\"\\" }])).await;
    assert_eq!(codes(&c.diagnostics(u, Some(3)).await), vec!["invalid-json"]);
    c.change(u, 4, json!([{ "text": "[".repeat(100_000) }])).await;
    assert_eq!(codes(&c.diagnostics(u, Some(4)).await), vec!["invalid-json"]);
    // Still answering.
    c.change(u, 5, json!([{ "text": TYPOS }])).await;
    assert!(!c.diagnostics(u, Some(5)).await.is_empty());
    let h = c.at("textDocument/hover", u, pos_of(TYPOS, "spaceType", 1)).await;
    assert!(h["contents"]["value"].as_str().unwrap().contains("SPACE"));
    assert!(c.stop().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_megabyte_document_is_linted_and_relinted() {
    let text = big_request(1 << 20);
    assert!(text.len() >= 1 << 20);
    let mut c = Client::start(default_caps(), None).await;
    let u = "file:///w/big.setup.json";
    c.open(u, &text).await;
    assert!(codes(&c.diagnostics(u, Some(1)).await).contains(&"too-many-memberships".to_string()));
    // An edit in the middle.
    let at = text.find("\"HUMAN\"").unwrap();
    c.change(u, 2, json!([{ "range": lsp_range(&text, at, at + 7), "text": "\"ROBOT\"" }])).await;
    assert!(codes(&c.diagnostics(u, Some(2)).await).contains(&"invalid-enum-value".to_string()));
    assert!(c.stop().await);
}

#[tokio::test]
async fn exit_without_shutdown_is_not_a_clean_stop() {
    let mut c = Client::start(default_caps(), None).await;
    c.notify("exit", Value::Null).await;
    let clean = tokio::time::timeout(WAIT, &mut c.server).await.expect("stops").unwrap();
    assert!(!clean);
}

// ---------------------------------------------------------------- framing (issue 12)

impl Client {
    /// The next `n` error answers with id `null` (parse errors and the like),
    /// including those already read while waiting for something else.
    async fn null_id_errors(&mut self, n: usize) -> Vec<i64> {
        let is_error = |m: &Value| m["id"].is_null() && m["error"]["code"].is_i64();
        let mut codes = Vec::new();
        while let Some(i) = self.pending.iter().position(is_error) {
            codes.push(self.pending.remove(i).unwrap()["error"]["code"].as_i64().unwrap());
        }
        while codes.len() < n {
            let m = self.next().await;
            if is_error(&m) {
                codes.push(m["error"]["code"].as_i64().unwrap());
            } else {
                self.pending.push_back(m);
            }
        }
        codes
    }

    /// A request that the server answers at once (unknown method: -32601),
    /// proving that it still reads and answers.
    async fn still_answers(&mut self) {
        let res = self.request("chatlint/ping", json!({})).await;
        assert_eq!(res["error"]["code"], -32601, "{res}");
    }
}

/// A `didOpen` body for a request file whose text has an "é" (two bytes, one
/// character).
fn did_open_cafe(uri: &str) -> (String, &'static str) {
    let text = "{\n  \"space\": { \"spaceType\": \"SPACE\", \"displayname\": \"Le café\" }\n}\n";
    let td = json!({ "uri": uri, "languageId": "json", "version": 1, "text": text });
    (json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": td } }).to_string(), text)
}

#[tokio::test]
async fn a_content_length_off_by_one_byte_either_way_costs_only_that_frame() {
    let mut c = Client::start(default_caps(), None).await;
    // Counted in characters, not bytes: one byte short, so the body is cut
    // and its last byte runs into the next header block.
    let (short, text) = did_open_cafe("file:///w/short.setup.json");
    assert_eq!(short.len(), short.chars().count() + 1);
    c.send_raw(format!("Content-Length: {}\r\n\r\n{short}", short.chars().count()).as_bytes()).await;
    // One byte too many: the server would wait for a byte that belongs to
    // the next frame, and swallow it.
    let (long, _) = did_open_cafe("file:///w/long.setup.json");
    c.send_raw(format!("Content-Length: {}\r\n\r\n{long}", long.len() + 1).as_bytes()).await;
    // The next request is answered; each broken frame got a parse error.
    let hover = c.at("textDocument/hover", "file:///w/short.setup.json", (1, 5)).await;
    assert_eq!(hover, Value::Null, "a broken frame must not open its document");
    assert_eq!(c.null_id_errors(2).await, [-32700, -32700]);
    // The same document, framed right, is linted and hovered as usual.
    let u = "file:///w/ok.setup.json";
    c.open(u, text).await;
    assert!(codes(&c.diagnostics(u, Some(1)).await).contains(&"unknown-field".to_string()));
    let h = c.at("textDocument/hover", u, pos_of(text, "spaceType", 1)).await;
    assert!(h["contents"]["value"].as_str().unwrap().contains("SPACE"), "{h}");
    assert!(c.stop().await);
}

#[tokio::test]
async fn a_too_long_frame_is_answered_even_when_the_client_then_waits() {
    let mut c = Client::start(default_caps(), None).await;
    // A request whose Content-Length is one too many, and nothing after it:
    // the client waits for an answer, the server for the missing byte.
    let body = json!({ "jsonrpc": "2.0", "id": "long", "method": "chatlint/ping" }).to_string();
    c.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len() + 1).as_bytes()).await;
    assert_eq!(c.null_id_errors(1).await, [-32700]);
    c.still_answers().await;
    // The same when the body so far can never become JSON.
    c.send_raw(b"Content-Length: 50\r\n\r\n{\"jsonrpc\":]").await;
    assert_eq!(c.null_id_errors(1).await, [-32700]);
    c.still_answers().await;
    assert!(c.stop().await);
}

#[tokio::test]
async fn a_header_block_hiding_two_frame_starts_costs_only_itself() {
    // Found by fuzz/ (lsp_transport): each hidden frame start claims more
    // bytes than come; the client then waits, and the request is answered.
    // No dynamic registration: nothing else may reach the server meanwhile.
    let mut c = Client::start(json!({}), None).await;
    c.still_answers().await;
    let body = json!({ "jsonrpc": "2.0", "id": "after", "method": "chatlint/ping" }).to_string();
    let n = body.len();
    let stream =
        format!("Content-Length:{}\r\nvcontent-Length:{}\r\n*Content-Length: {n}\r\n\r\n{body}", n + 100, n + 6);
    c.send_raw(stream.as_bytes()).await;
    let res = loop {
        let m = c.next().await;
        if m["id"] == "after" {
            break m;
        }
        c.pending.push_back(m);
    };
    assert_eq!((res["id"].clone(), res["error"]["code"].clone()), (json!("after"), json!(-32601)), "{res}");
    assert_eq!(c.null_id_errors(2).await, [-32700, -32700]);
    assert!(c.stop().await);
}

#[tokio::test]
async fn shutdown_and_exit_with_empty_params_stop_cleanly() {
    let mut c = Client::start(default_caps(), None).await;
    let res = c.request("shutdown", json!({})).await;
    assert_eq!(res.get("error"), None, "{res}");
    assert_eq!(res["result"], Value::Null, "{res}");
    c.notify("exit", json!({})).await;
    let clean = tokio::time::timeout(WAIT, &mut c.server).await.expect("stops after exit").unwrap();
    assert!(clean, "shutdown with `params: {{}}` must count as a clean stop");
}

#[tokio::test]
async fn a_huge_content_length_is_refused_and_the_session_goes_on() {
    let mut c = Client::start(default_caps(), None).await;
    // Far over the size limit: refused at once, and its body (if any) is not
    // waited for byte by byte.
    let body = r#"{"jsonrpc":"2.0","id":"huge","method":"chatlint/ping"}"#;
    c.send_raw(format!("Content-Length: 1000000000000\r\n\r\n{body}").as_bytes()).await;
    assert_eq!(c.null_id_errors(1).await, [-32600]);
    c.still_answers().await;
    // Too large for a number at all.
    c.send_raw(b"Content-Length: 99999999999999999999999999\r\n\r\n{}").await;
    assert_eq!(c.null_id_errors(1).await, [-32700]);
    c.still_answers().await;
    assert!(c.stop().await);
}

#[tokio::test]
async fn json_that_no_message_can_hold_is_refused_and_the_session_goes_on() {
    // JSON's grammar allows a lone surrogate escape (a JavaScript string can
    // hold one), a number beyond f64 and deep nesting; tower-lsp-server
    // cannot decode them and stops reading for good (found by fuzz/).
    let mut c = Client::start(default_caps(), None).await;
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for params in [r#"{"t": "a\ud800b"}"#, r#"{"n": 1e400}"#, &deep] {
        let body = format!(r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{params}}}"#);
        c.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).await;
        assert_eq!(c.null_id_errors(1).await, [-32700], "{body}");
        c.still_answers().await;
    }
    assert!(c.stop().await);
}

#[tokio::test]
async fn garbage_between_frames_never_costs_a_later_frame() {
    let mut c = Client::start(default_caps(), None).await;
    let garbage: Vec<Vec<u8>> = vec![
        b"Content-Length: 5\r\n\r\n".to_vec(),     // a header whose body is the next frame
        b"Content-Length: 5\r\nX-Note: ".to_vec(), // the next header line becomes a value
        b"Content-Length: 12".to_vec(),            // no blank line
        b"Content-Length: 300\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec(), // too long, next frame inside
        b"Content-Length: 0\r\n\r\n".to_vec(),
        b"content-length: 3\r\n\r\n{{{".to_vec(),
        b"Content-Length: 2\r\n\r\n{}".to_vec(), // framed right, not JSON-RPC
        b"Content-Type: application/json\r\n\r\n".to_vec(),
        b"Content-Le".to_vec(),
        b"\r\n\r\n}}}\"\r\n".to_vec(),
        b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_vec(), // a body without a header
        "café \u{1F680}".as_bytes().to_vec(),
        b"\xff\xfe\x00\r\n".to_vec(),
        vec![b'x'; 10_000],
    ];
    for (i, g) in garbage.iter().enumerate() {
        c.send_raw(g).await;
        let res = c.request("chatlint/ping", json!({ "after": i })).await;
        assert_eq!(res["error"]["code"], -32601, "after garbage #{i}: {res}");
    }
    // All of it at once, then a request.
    c.send_raw(&garbage.concat()).await;
    c.still_answers().await;
    assert!(c.stop().await);
}

// ---------------------------------------------------------------- the binary

mod binary {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("chatlint lsp did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn read_message(r: &mut impl BufRead) -> serde_json::Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// `chatlint lsp` with its standard input and output.
    fn start() -> (std::process::Child, std::process::ChildStdin, BufReader<std::process::ChildStdout>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chatlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        (child, stdin, stdout)
    }

    #[test]
    fn stdio_initialize_shutdown_exit_exits_0() {
        let (mut child, mut stdin, mut stdout) = start();
        stdin
            .write_all(&frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#))
            .unwrap();
        let init = read_message(&mut stdout);
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
        stdin.write_all(b"Content-Length: 3\r\n\r\n{{{").unwrap();
        assert_eq!(read_message(&mut stdout)["error"]["code"], -32700);
        stdin.write_all(&frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)).unwrap();
        let res = read_message(&mut stdout);
        assert_eq!(res["id"], 2);
        // `exit`, with stdin left open: the server must not wait for EOF.
        stdin.write_all(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)).unwrap();
        stdin.flush().unwrap();
        assert_eq!(wait(&mut child).code(), Some(0));
        drop(stdin);
    }

    /// The server's threads now.
    #[cfg(target_os = "linux")]
    fn threads(child: &std::process::Child) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", child.id())).map_or(0, |d| d.count())
    }

    /// A spaces.setup request whose one finding names `member`.
    fn request_naming(member: usize) -> String {
        format!(
            r#"{{"requestId": "5d0c6a2e-3f4b-4a1c-9e8d-7b6a5c4d3e2f", "space": {{"spaceType": "SPACE", "displayName": "x"}}, "memberships": [{{"member": {{"name": "people/{member}", "type": "HUMAN"}}}}]}}"#
        )
    }

    /// Issue 17 (A19): a burst of 1,000 opens (every tenth document edited
    /// right after) keeps the server's threads bounded, and every document
    /// ends with the diagnostics of its latest text.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_burst_of_a_thousand_opens_keeps_the_threads_bounded_and_the_latest_text_wins() {
        const DOCS: usize = 1000;
        let (mut child, mut stdin, mut stdout) = start();
        let init = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": { "capabilities": { "textDocument": { "publishDiagnostics": {} } } } });
        stdin.write_all(&frame(&init.to_string())).unwrap();
        read_message(&mut stdout);
        let uri = |i: usize| format!("file:///burst/{i}.setup.json");
        // The latest member each document names: edited ones name another.
        let latest = |i: usize| if i.is_multiple_of(10) { (2, i + DOCS) } else { (1, i) };
        // Written from another thread: the server answers while it reads.
        let writer = std::thread::spawn(move || {
            let mut burst = frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
            for i in 0..DOCS {
                let td =
                    serde_json::json!({ "uri": uri(i), "languageId": "json", "version": 1, "text": request_naming(i) });
                let open = serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": td } });
                burst.extend(frame(&open.to_string()));
            }
            for i in (0..DOCS).filter(|i| latest(*i).0 == 2) {
                let change = serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": uri(i), "version": 2 },
                    "contentChanges": [{ "text": request_naming(latest(i).1) }] } });
                burst.extend(frame(&change.to_string()));
            }
            stdin.write_all(&burst).unwrap();
            stdin
        });
        let mut last: std::collections::HashMap<String, serde_json::Value> = Default::default();
        let mut most_threads = threads(&child);
        while (0..DOCS).any(|i| last.get(&uri(i)).is_none_or(|p| p["version"] != latest(i).0)) {
            let msg = read_message(&mut stdout);
            most_threads = most_threads.max(threads(&child));
            if msg["method"] == "textDocument/publishDiagnostics" {
                last.insert(msg["params"]["uri"].as_str().unwrap().to_string(), msg["params"].clone());
            }
        }
        for i in 0..DOCS {
            let messages: Vec<&str> = last[&uri(i)]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["message"].as_str().unwrap())
                .collect();
            let own = format!("\"people/{}\"", latest(i).1);
            assert!(messages.len() == 1 && messages[0].contains(&own), "{}: {messages:?}", uri(i));
        }
        assert!(most_threads <= MAX_THREADS, "the server ran {most_threads} threads at once");
        let mut stdin = writer.join().unwrap();
        stdin.write_all(&frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)).unwrap();
        while read_message(&mut stdout)["id"] != 2 {}
        stdin.write_all(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)).unwrap();
        assert_eq!(wait(&mut child).code(), Some(0));
    }

    /// The main thread, the runtime's two workers and at most four
    /// blocking threads (standard input and output), the analysis pool (at
    /// most four), and one to spare. Before the pool: 120 to 430.
    #[cfg(target_os = "linux")]
    const MAX_THREADS: usize = 12;

    #[test]
    fn stdio_closed_without_shutdown_exits_1() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chatlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(&frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#))
            .unwrap();
        drop(stdin);
        assert_eq!(wait(&mut child).code(), Some(1));
    }
}

// ---------------------------------------------------------------- latency breakdown

/// Not a test: how much of a didChange → publishDiagnostics round trip is
/// the engine (`chatlint::analyze`) and how much the server around it.
/// `cargo test --release --test lsp -- --ignored --nocapture latency_breakdown`
/// (bench/lsp/latency.py measures the same over real stdio).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn latency_breakdown() {
    let big = big_request(1 << 20);
    for (name, text, runs) in [("typical", TYPOS.to_string(), 300), ("1 MB", big, 30)] {
        let mut engine = Vec::new();
        for _ in 0..runs {
            let t = std::time::Instant::now();
            let report = chatlint_engine::analyze(
                &chatlint_engine::Request::new(&text, Some(Method::Setup), None),
                &Settings::default(),
            );
            engine.push(t.elapsed());
            assert!(report.method.is_some());
        }
        let mut c = Client::start(default_caps(), None).await;
        let u = "file:///w/latency.setup.json";
        c.open(u, &text).await;
        c.diagnostics(u, Some(1)).await;
        let at = text.find("\"Big\"").or_else(|| text.find("Launch")).unwrap() + 1;
        let range = lsp_range(&text, at, at + 1);
        let mut server = Vec::new();
        for i in 0..runs {
            let version = i as i64 + 2;
            let t = std::time::Instant::now();
            let ch = if i % 2 == 0 { "X" } else { "Y" };
            c.change(u, version, json!([{ "range": range, "text": ch }])).await;
            c.diagnostics(u, Some(version)).await;
            server.push(t.elapsed());
        }
        assert!(c.stop().await);
        engine.sort();
        server.sort();
        let (e, s) = (engine[runs / 2], server[runs / 2]);
        println!(
            "{name}: engine (analyze) median {e:?}; in-process didChange → publishDiagnostics median {s:?}; \
             server around the engine {:?}",
            s.saturating_sub(e)
        );
    }
}

/// A client that speaks raw frames and answers nothing: `initialize`,
/// `initialized` (with dynamic registration, so the server asks the client
/// to register a file watcher), and the server's request left unanswered.
async fn unanswering_client()
-> (WriteHalf<DuplexStream>, BufReader<tokio::io::ReadHalf<DuplexStream>>, tokio::task::JoinHandle<bool>) {
    let (client_end, server_end) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_end);
    let server = tokio::spawn(chatlint_lsp::serve(server_read, server_write));
    let (read, mut write) = tokio::io::split(client_end);
    let mut read = BufReader::new(read);
    let send = |body: Value| format!("Content-Length: {}\r\n\r\n{body}", body.to_string().len());
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": { "processId": null, "rootUri": null, "capabilities": default_caps() } });
    write.write_all(send(init).as_bytes()).await.unwrap();
    let mut wait_for = async |pred: &dyn Fn(&Value) -> bool| loop {
        let msg = tokio::time::timeout(WAIT, read_frame(&mut read)).await.expect("a message").expect("open");
        if pred(&msg) {
            break;
        }
    };
    wait_for(&|m| m["id"] == 1).await;
    write.write_all(send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })).as_bytes()).await.unwrap();
    wait_for(&|m| m["method"] == "client/registerCapability").await;
    (write, read, server)
}

#[tokio::test]
async fn a_client_that_goes_away_mid_body_and_unanswering_stops_the_server() {
    let (mut write, _read, server) = unanswering_client().await;
    // Half a frame, then the client is gone.
    write.write_all(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\",").await.unwrap();
    write.shutdown().await.unwrap();
    let clean = tokio::time::timeout(WAIT, server).await.expect("stops when its input ends").unwrap();
    assert!(!clean);
}

#[tokio::test]
async fn exit_stops_the_server_while_it_waits_for_the_client() {
    let (mut write, mut read, server) = unanswering_client().await;
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    write.write_all(frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#).as_bytes()).await.unwrap();
    loop {
        let msg = tokio::time::timeout(WAIT, read_frame(&mut read)).await.expect("a message").expect("open");
        if msg["id"] == 2 {
            break;
        }
    }
    // `exit`, with the input left open (as editors do).
    write.write_all(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes()).await.unwrap();
    let clean = tokio::time::timeout(WAIT, server).await.expect("stops after exit").unwrap();
    assert!(clean);
}

#[tokio::test]
async fn server_requests_the_client_leaves_unanswered_never_make_it_deaf() {
    let (client_end, server_end) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_end);
    let server = tokio::spawn(chatlint_lsp::serve(server_read, server_write));
    let (read, mut write) = tokio::io::split(client_end);
    let mut read = BufReader::new(read);
    let frame = |body: Value| format!("Content-Length: {}\r\n\r\n{body}", body.to_string().len()).into_bytes();
    // A client that pulls diagnostics, accepts refreshes and registrations,
    // and answers none of the server's requests.
    let caps = json!({ "textDocument": { "diagnostic": {} },
                       "workspace": { "diagnostics": { "refreshSupport": true },
                                      "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": caps } });
    write.write_all(&frame(init)).await.unwrap();
    let mut wait_for = async |pred: &dyn Fn(&Value) -> bool| loop {
        let msg = tokio::time::timeout(WAIT, read_frame(&mut read)).await.expect("a message").expect("open");
        if pred(&msg) {
            break;
        }
    };
    wait_for(&|m| m["id"] == 1).await;
    write.write_all(&frame(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }))).await.unwrap();
    // Each configuration change asks the client to refresh its diagnostics.
    let change =
        json!({ "jsonrpc": "2.0", "method": "workspace/didChangeConfiguration", "params": { "settings": {} } });
    for _ in 0..8 {
        write.write_all(&frame(change.clone())).await.unwrap();
    }
    write.write_all(&frame(json!({ "jsonrpc": "2.0", "id": "ping", "method": "chatlint/ping" }))).await.unwrap();
    wait_for(&|m| m["id"] == "ping" && m.get("method").is_none()).await;
    let shutdown = json!({ "jsonrpc": "2.0", "id": "bye", "method": "shutdown" });
    write.write_all(&frame(shutdown)).await.unwrap();
    wait_for(&|m| m["id"] == "bye" && m.get("method").is_none()).await;
    write.write_all(&frame(json!({ "jsonrpc": "2.0", "method": "exit" }))).await.unwrap();
    assert!(tokio::time::timeout(WAIT, server).await.expect("stops after exit").unwrap());
}
