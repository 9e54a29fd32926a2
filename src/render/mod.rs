//! Output formats for a check run.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::runner::FileResult;
use chatlint_engine::diagnostic::Severity;
use chatlint_workspace::config::UnusedIgnore;
use std::borrow::Cow;
use std::fmt::Write;

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Concise,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" => Format::Github,
            "junit" => Format::Junit,
            "concise" => Format::Concise,
            _ => return Err(format!("unknown format `{s}` (human, json, sarif, github, junit, concise)")),
        })
    }
}

/// Everything a report shows about a run.
pub struct Run<'a> {
    pub results: &'a [FileResult],
    pub unused_ignores: &'a [UnusedIgnore],
    /// The `--fail-on` level (JUnit marks files with such findings as failed).
    pub fail_at: Option<Severity>,
}

/// Renders a run in `format`; `color` applies to the human format only.
pub fn render(format: Format, run: &Run, color: bool) -> String {
    match format {
        Format::Human => human::render(run, &human::Style { color, width: 100 }),
        Format::Json => json::render(run),
        Format::Sarif => sarif::render(run),
        Format::Github => github::render(run),
        Format::Junit => junit::render(run.results, run.fail_at),
        Format::Concise => concise::render(run),
    }
}

/// `path:line:col: severity[rule] message`, as the concise and JUnit reports write a finding.
pub fn finding_line(
    file: &FileResult,
    index: &chatlint_engine::source::LineIndex,
    d: &chatlint_engine::diagnostic::Diagnostic,
) -> String {
    let p = index.line_col(&file.text, d.range.start);
    format!("{}:{}:{}: {}[{}] {}", shown(&file.name), p.line, p.column, d.severity.as_str(), d.rule, plain(&d.message))
}

/// Characters a terminal must not get raw from a name or a message: control
/// characters (a newline splits a line, ESC starts a command) and the
/// bidirectional-text controls (they reorder what is shown).
pub(crate) fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// A file name as the text formats (human, concise, JUnit) show it: as it
/// is, or, when it holds a character a terminal must not get raw, quoted
/// with those characters escaped (`"a\nb.json"`), so it stays one
/// unambiguous piece of one line.
pub fn shown(name: &str) -> Cow<'_, str> {
    if !name.chars().any(unsafe_char) {
        return Cow::Borrowed(name);
    }
    let mut out = String::from('"');
    for c in name.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if unsafe_char(c) => escape_into(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// A message (which may quote a key or value of the file) for the text
/// formats: characters a terminal must not get raw are escaped.
pub fn plain(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) { escape_into(&mut out, c) } else { out.push(c) }
    }
    Cow::Owned(out)
}

/// What the send step did with a file, on one line (concise and GitHub
/// output): `sent: …`, `failed: …`, `not sent: …` or `dry run: would send …`.
#[cfg(feature = "send")]
pub fn send_line(o: &chatlint_send::Outcome) -> String {
    use chatlint_send::Status;
    if o.status == Status::DryRun
        && let Some(r) = &o.request
    {
        let rid = match (&o.request_id, o.request_id_source) {
            (Some(id), Some("derived")) => format!(" [requestId {id}, derived]"),
            (Some(id), _) => format!(" [requestId {id}]"),
            _ => String::new(),
        };
        return format!("dry run: would send {} {}{rid}", r.http_method, r.url);
    }
    o.human_line().replace("\n  help: ", "; help: ").replace('\n', " ")
}

/// The diffs `--diff` computed, one after another.
pub fn diffs(results: &[FileResult]) -> String {
    results.iter().filter_map(|r| r.diff.as_deref()).collect()
}

/// One line per unused `[[ignore]]` entry.
pub fn unused_ignore_lines(unused: &[UnusedIgnore]) -> String {
    let mut out = String::new();
    for u in unused {
        let at = u.pointer.as_deref().map(|p| format!(" at {p}")).unwrap_or_default();
        out.push_str(&format!(
            "{}:{}:{}: warning: unused [[ignore]] for `{}` on `{}`{}: it matched no finding; remove it\n",
            shown(&u.config),
            u.line,
            u.column,
            u.rule,
            plain(&u.path),
            plain(&at)
        ));
    }
    out
}

/// Counts over a run, shared by every format.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
    /// Files that could not be checked (IO, size limit, config).
    pub failed: usize,
    /// Fixes applied (`--fix`).
    pub fixed: usize,
    /// Fixes `--diff` shows but did not apply.
    pub would_fix: usize,
    /// With `--send`: requests the API answered with a space, and those that failed.
    pub sent: usize,
    pub send_failed: usize,
}

impl Summary {
    pub fn of(results: &[FileResult]) -> Summary {
        let mut s = Summary { files: results.len(), ..Summary::default() };
        for r in results {
            if r.error.is_some() {
                s.failed += 1;
            }
            #[cfg(feature = "send")]
            match r.sent.as_ref().map(|o| o.status) {
                Some(chatlint_send::Status::Sent) => s.sent += 1,
                Some(chatlint_send::Status::Failed) => s.send_failed += 1,
                _ => {}
            }
            if r.diff.is_some() {
                s.would_fix += r.fixed;
            } else {
                s.fixed += r.fixed;
            }
            for d in &r.diagnostics {
                match d.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Hint => s.hints += 1,
                }
            }
        }
        s
    }
}
