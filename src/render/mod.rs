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
    format!("{}:{}:{}: {}[{}] {}", file.name, p.line, p.column, d.severity.as_str(), d.rule, d.message)
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
            "{}:{}:{}: warning: unused [[ignore]] for `{}` on `{}`{at}: it matched no finding; remove it\n",
            u.config, u.line, u.column, u.rule, u.path
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
                Some(chatlint_send::Status::Sent | chatlint_send::Status::Exists) => s.sent += 1,
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
