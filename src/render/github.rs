//! `--format github`: GitHub Actions workflow commands, which show as
//! annotations on the pull request's changed lines.

use chatlint_engine::diagnostic::Severity;
use chatlint_engine::source::LineIndex;
use std::fmt::Write;

/// Escapes a message (the part after `::`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(run: &super::Run) -> String {
    let results = run.results;
    let mut out = String::new();
    for r in results {
        if let Some(e) = &r.error {
            let _ = writeln!(out, "::error file={},title=chatlint::{}", property(&r.name), data(e));
            continue;
        }
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            let s = index.line_col(&r.text, d.range.start);
            let e = index.line_col(&r.text, d.range.end);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Hint => "notice",
            };
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let _ = writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&r.name),
                s.line,
                s.column,
                e.line,
                e.column,
                property(&format!("chatlint {}", d.rule)),
                data(&message)
            );
        }
    }
    for u in run.unused_ignores {
        let _ = writeln!(
            out,
            "::warning file={},line={},col={},title=chatlint unused-ignore::{}",
            property(&u.config),
            u.line,
            u.column,
            data(&format!("unused [[ignore]] for `{}` on `{}`: it matched no finding; remove it", u.rule, u.path))
        );
    }
    #[cfg(feature = "send")]
    for r in results {
        use chatlint_send::Status;
        let Some(sent) = &r.sent else { continue };
        let level = match sent.status {
            Status::Sent | Status::DryRun => "notice",
            Status::Failed => "error",
            Status::Blocked | Status::Skipped | Status::NotSent => "warning",
        };
        let _ = writeln!(
            out,
            "::{level} file={},title=chatlint send::{}",
            property(&r.name),
            data(&super::send_line(sent))
        );
    }
    out
}
