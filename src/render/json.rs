//! `--format json`: one document for the whole run (shape in README.md).

use super::Summary;
use crate::runner::FileResult;
use chatlint_engine::diagnostic::{Applicability, Diagnostic, TextRange};
use chatlint_engine::line_index::LineIndex;
use chatlint_workspace::config::UnusedIgnore;
use serde::Serialize;
use std::io;

/// Bumped when a field is removed or changes meaning.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    files: Vec<File<'a>>,
    unused_ignores: &'a [UnusedIgnore],
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
    /// Other places the finding is about (an update's mask path); left out
    /// when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<RelatedItem<'a>>,
}

#[derive(Serialize)]
struct RelatedItem<'a> {
    message: &'a str,
    pointer: &'a str,
    #[serde(flatten)]
    position: Position,
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
        related: d
            .related
            .iter()
            .map(|r| RelatedItem { message: &r.message, pointer: &r.pointer, position: position(index, text, r.range) })
            .collect(),
    }
}

/// The JSON report, one pretty-printed document written file by file: the
/// head at `begin`, each file's object at the depth it has in the whole
/// document, the rest at `end` (the same bytes as printing it at once).
#[derive(Default)]
pub struct Json {
    files: usize,
}

/// Where the files go in the document: the text before and after them.
const FILES: &str = "\"files\": []";

fn skeleton(unused_ignores: &[UnusedIgnore], summary: Summary) -> String {
    let out = Output { version: FORMAT_VERSION, files: Vec::new(), unused_ignores, summary };
    serde_json::to_string_pretty(&out).expect("serialisable") + "\n"
}

impl super::Report for Json {
    fn begin(&mut self, out: &mut dyn io::Write) -> io::Result<()> {
        let text = skeleton(&[], Summary::default());
        let at = text.find(FILES).expect("the files' place") + FILES.len() - 2;
        out.write_all(&text.as_bytes()[..at])
    }

    fn file(&mut self, r: &FileResult, out: &mut dyn io::Write) -> io::Result<()> {
        let index = LineIndex::new(&r.text);
        let file = File {
            path: &r.name,
            method: r.method.map(|m| m.name()),
            error: r.error.as_deref(),
            diagnostics: r.diagnostics.iter().map(|d| item(&index, &r.text, d)).collect(),
            #[cfg(feature = "send")]
            sent: r.sent.as_ref(),
        };
        out.write_all(if self.files == 0 { b"[\n    " } else { b",\n    " })?;
        super::write_indented(out, &file, 4)?;
        self.files += 1;
        Ok(())
    }

    fn end(&mut self, end: &super::End, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(if self.files == 0 { b"[]" } else { b"\n  ]" })?;
        let text = skeleton(end.unused_ignores, end.summary);
        let at = text.find(FILES).expect("the files' place") + FILES.len();
        out.write_all(&text.as_bytes()[at..])
    }
}
