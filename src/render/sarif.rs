//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other CI
//! dashboards read it. Columns are Unicode code points (`columnKind`), the
//! JSON pointer is each result's logical location, and every rule carries
//! its doc and quoted source.

use super::Spill;
use crate::runner::FileResult;
use chatlint_engine::catalogue::{Rule, RuleInfo};
use chatlint_engine::diagnostic::{Diagnostic, Severity, TextRange};
use chatlint_engine::line_index::LineIndex;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path, PathBuf};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

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
        "helpUri": r.docs_url(),
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": { "constraints": r.constraints, "methods": r.methods },
    })
}

/// A place in a file: its region, and the JSON pointer as a logical location.
fn location(file: &FileResult, index: &LineIndex, range: TextRange, pointer: &str) -> Value {
    let s = index.line_col(&file.text, range.start);
    let e = index.line_col(&file.text, range.end);
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
    if !pointer.is_empty() {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": pointer, "kind": "member" }]);
    }
    location
}

/// A result, but for its `ruleIndex` (known only when the run is over).
fn result(d: &Diagnostic, file: &FileResult, index: &LineIndex) -> Value {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!(" (help: {h})"));
    }
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [location(file, index, d.range, &d.pointer)],
    });
    // The other places it is about (an update's mask path), each with an id.
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                let mut l = location(file, index, r.range, &r.pointer);
                l["id"] = json!(id);
                l["message"] = json!({ "text": r.message });
                l
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    result
}

/// The SARIF report. `rules` (only those that fired, with each result's
/// index into them) and `invocations` (whether any file failed) come before
/// the results in the document, so results and notifications wait in
/// temporary files, one compact JSON value a line, until the end.
#[derive(Default)]
pub struct Sarif {
    fired: BTreeSet<Rule>,
    results: Spill,
    notifications: Spill,
    failed: bool,
}

impl super::Report for Sarif {
    fn file(&mut self, file: &FileResult, _out: &mut dyn io::Write) -> io::Result<()> {
        if let Some(err) = &file.error {
            let n = json!({
                "level": "error",
                "message": { "text": format!("{}: {err}", file.name) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&file.name) } }],
            });
            self.failed = true;
            return self.notifications.write(format!("{n}\n").as_bytes());
        }
        let index = LineIndex::new(&file.text);
        for d in &file.diagnostics {
            self.fired.insert(d.rule);
            self.results.write(format!("{}\n", result(d, file, &index)).as_bytes())?;
        }
        Ok(())
    }

    fn end(&mut self, _end: &super::End, out: &mut dyn io::Write) -> io::Result<()> {
        // Only the rules that fired, in a stable order, so indices are stable too.
        let rules: Vec<&RuleInfo> = self.fired.iter().map(|r| r.info()).collect();
        let rule_index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let root =
            std::env::current_dir().map(|d| format!("file://{}/", uri(&d.to_string_lossy()))).unwrap_or_default();
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
                    "executionSuccessful": !self.failed,
                    "toolExecutionNotifications": [],
                }],
                "originalUriBaseIds": { "SRCROOT": { "uri": root } },
                "columnKind": "unicodeCodePoints",
                "results": [],
            }]
        });
        // The document without notifications and results; they go where
        // its empty arrays are, at those arrays' depth.
        let text = serde_json::to_string_pretty(&log).expect("serialisable") + "\n";
        let (notes_at, notes_depth) = empty_array(&text, "toolExecutionNotifications");
        let (results_at, results_depth) = empty_array(&text, "results");
        debug_assert!(notes_at < results_at, "keys are sorted: invocations before results");
        out.write_all(&text.as_bytes()[..notes_at])?;
        write_array(out, self.notifications.lines()?.map(|l| l.and_then(parse)), notes_depth)?;
        out.write_all(&text.as_bytes()[notes_at + 2..results_at])?;
        let results = self.results.lines()?.map(|l| {
            let mut v = parse(l?)?;
            let index = v["ruleId"].as_str().and_then(|id| rule_index.get(id).copied());
            v["ruleIndex"] = json!(index.ok_or_else(|| io::Error::other("a result's rule did not fire"))?);
            Ok(v)
        });
        write_array(out, results, results_depth)?;
        out.write_all(&text.as_bytes()[results_at + 2..])
    }
}

fn parse(line: String) -> io::Result<Value> {
    serde_json::from_str(&line).map_err(io::Error::other)
}

/// Where the `[]` of `"key": []` is in a pretty-printed document, and the
/// indentation of its line.
fn empty_array(text: &str, key: &str) -> (usize, usize) {
    let pattern = format!("\"{key}\": []");
    let at = text.find(&pattern).expect("the placeholder is in the document");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (at + pattern.len() - 2, at - line_start)
}

/// A pretty-printed array whose `"key": ` line is indented by `depth`:
/// what serde_json writes for the same values in place.
fn write_array(
    out: &mut dyn io::Write,
    items: impl Iterator<Item = io::Result<Value>>,
    depth: usize,
) -> io::Result<()> {
    let mut empty = true;
    for item in items {
        let item = item?;
        out.write_all(if empty { b"[\n" } else { b",\n" })?;
        write!(out, "{:1$}", "", depth + 2)?;
        super::write_indented(out, &item, depth + 2)?;
        empty = false;
    }
    if empty { out.write_all(b"[]") } else { write!(out, "\n{:1$}]", "", depth) }
}
