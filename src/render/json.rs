//! `--format json`: one document for the whole run (shape in README.md).

use super::Summary;
use chatlint_engine::diagnostic::{Applicability, Diagnostic, TextRange};
use chatlint_engine::source::LineIndex;
use serde::Serialize;

/// Bumped when a field is removed or changes meaning.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    files: Vec<File<'a>>,
    unused_ignores: &'a [chatlint_workspace::config::UnusedIgnore],
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    method: Option<&'static str>,
    error: Option<&'a str>,
    diagnostics: Vec<Item<'a>>,
    #[cfg(feature = "send")]
    #[serde(skip_serializing_if = "Option::is_none")]
    sent: Option<&'a chatlint_send::Outcome>,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start_byte: usize,
    end_byte: usize,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    pointer: &'a str,
    #[serde(flatten)]
    position: Position,
    fixes: Vec<FixItem<'a>>,
}

#[derive(Serialize)]
struct FixItem<'a> {
    title: &'a str,
    applicability: Applicability,
    edits: Vec<EditItem<'a>>,
}

#[derive(Serialize)]
struct EditItem<'a> {
    #[serde(flatten)]
    position: Position,
    new_text: &'a str,
}

fn position(index: &LineIndex, text: &str, r: TextRange) -> Position {
    let s = index.line_col(text, r.start);
    let e = index.line_col(text, r.end);
    Position {
        line: s.line,
        column: s.column,
        end_line: e.line,
        end_column: e.column,
        start_byte: r.start,
        end_byte: r.end,
    }
}

fn item<'a>(index: &LineIndex, text: &str, d: &'a Diagnostic) -> Item<'a> {
    Item {
        rule: d.rule.id(),
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        pointer: &d.pointer,
        position: position(index, text, d.range),
        fixes: d
            .fixes
            .iter()
            .map(|f| FixItem {
                title: &f.title,
                applicability: f.applicability,
                edits: f
                    .edits
                    .iter()
                    .map(|e| EditItem { position: position(index, text, e.range), new_text: &e.new_text })
                    .collect(),
            })
            .collect(),
    }
}

pub fn render(run: &super::Run) -> String {
    let results = run.results;
    let files = results
        .iter()
        .map(|r| {
            let index = LineIndex::new(&r.text);
            File {
                path: &r.name,
                method: r.method.map(|m| m.name()),
                error: r.error.as_deref(),
                diagnostics: r.diagnostics.iter().map(|d| item(&index, &r.text, d)).collect(),
                #[cfg(feature = "send")]
                sent: r.sent.as_ref(),
            }
        })
        .collect();
    let out =
        Output { version: FORMAT_VERSION, files, unused_ignores: run.unused_ignores, summary: Summary::of(results) };
    serde_json::to_string_pretty(&out).expect("serialisable") + "\n"
}
