//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other CI
//! dashboards read it. Columns are Unicode code points (`columnKind`), the
//! JSON pointer is each result's logical location, and every rule carries
//! its doc and quoted source.

use crate::runner::FileResult;
use chatlint_engine::catalogue::{Rule, RuleInfo};
use chatlint_engine::diagnostic::{Diagnostic, Severity};
use chatlint_engine::source::LineIndex;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where a rule's documentation lives; SARIF viewers link to it.
pub const RULE_DOCS_BASE: &str = "https://github.com/chatlint/chatlint/blob/main/rules/";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "note",
    }
}

/// A relative path as a URI reference (forward slashes, percent-encoded).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `path` with `.` and `..` resolved lexically (the way URIs resolve them);
/// `..` that climbs above a relative path's start is kept.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            c => out.push(c),
        }
    }
    out
}

/// Where a file is, for SARIF: relative to `SRCROOT` (the current folder)
/// when it is inside it, else an absolute `file:///` URI; never with `.`
/// or `..` segments, which SARIF consumers reject (SARIF1002).
fn artifact_location(path: &str) -> Value {
    let p = normalize(Path::new(path));
    let climbs = p.components().next() == Some(Component::ParentDir);
    if p.is_relative() && !climbs {
        return json!({ "uri": uri(&p.to_string_lossy()), "uriBaseId": "SRCROOT" });
    }
    let abs = if p.is_absolute() { p } else { normalize(&std::env::current_dir().unwrap_or_default().join(p)) };
    let abs = abs.to_string_lossy();
    json!({ "uri": format!("file:///{}", uri(abs.trim_start_matches('/'))) })
}

fn rule_descriptor(r: &RuleInfo) -> Value {
    let mut help = format!("{}\n\nWhy: {}\n\nHow to fix: {}", r.what.trim(), r.why.trim(), r.how_to_fix.trim());
    for s in r.sources {
        help.push_str(&format!("\n\nSource ({}): \"{}\"", s.from, s.quote.trim()));
    }
    json!({
        "id": r.id,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.what.trim() },
        "help": { "text": help },
        "helpUri": format!("{RULE_DOCS_BASE}{}.toml", r.id),
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": { "constraints": r.constraints, "methods": r.methods },
    })
}

fn result(d: &Diagnostic, rule_index: usize, file: &FileResult, index: &LineIndex) -> Value {
    let s = index.line_col(&file.text, d.range.start);
    let e = index.line_col(&file.text, d.range.end);
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!(" (help: {h})"));
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(&file.name),
            "region": {
                "startLine": s.line,
                "startColumn": s.column,
                "endLine": e.line,
                "endColumn": e.column,
            }
        }
    });
    if !d.pointer.is_empty() {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": d.pointer, "kind": "member" }]);
    }
    json!({
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [location],
    })
}

pub fn render(run: &super::Run) -> String {
    // Only the rules that fired, in a stable order, so indices are stable too.
    let mut fired: BTreeMap<Rule, usize> = BTreeMap::new();
    for d in run.results.iter().flat_map(|r| &r.diagnostics) {
        fired.insert(d.rule, 0);
    }
    let rules: Vec<&RuleInfo> = fired.keys().map(|r| r.info()).collect();
    for (i, r) in fired.values_mut().enumerate() {
        *r = i;
    }
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in run.results {
        if let Some(err) = &file.error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {err}", file.name) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&file.name) } }],
            }));
            continue;
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            results.push(result(d, fired[&d.rule], file, &index));
        }
    }
    let root = std::env::current_dir().map(|d| format!("file://{}/", uri(&d.to_string_lossy()))).unwrap_or_default();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "chatlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/chatlint/chatlint",
                    "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { "SRCROOT": { "uri": root } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).expect("serialisable") + "\n"
}
