//! `--format github`: GitHub Actions workflow commands, which show as
//! annotations on the pull request's changed lines.

use crate::runner::FileResult;
use chatlint_engine::diagnostic::Severity;
use chatlint_engine::source::LineIndex;
use std::fmt::Write;
use std::io;

/// Escapes a message (the part after `::`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The GitHub report: each file's annotations as they come; unused
/// `[[ignore]]` entries and send outcomes after the files.
#[derive(Default)]
pub struct Github {
    sent: String,
}

impl super::Report for Github {
    fn file(&mut self, r: &FileResult, out: &mut dyn io::Write) -> io::Result<()> {
        let mut text = String::new();
        annotations(r, &mut text);
        out.write_all(text.as_bytes())?;
        #[cfg(feature = "send")]
        if let Some(sent) = &r.sent {
            use chatlint_send::Status;
            let level = match sent.status {
                Status::Sent | Status::Exists | Status::AlreadySent | Status::DryRun => "notice",
                Status::Failed => "error",
                Status::Blocked | Status::Skipped | Status::NotSent | Status::Interrupted => "warning",
            };
            let _ = writeln!(
                self.sent,
                "::{level} file={},title=chatlint send::{}",
                property(&r.name),
                data(&super::send_line(sent))
            );
        }
        Ok(())
    }

    fn end(&mut self, end: &super::End, out: &mut dyn io::Write) -> io::Result<()> {
        let mut text = String::new();
        for u in end.unused_ignores {
            let _ = writeln!(
                text,
                "::warning file={},line={},col={},title=chatlint unused-ignore::{}",
                property(&u.config),
                u.line,
                u.column,
                data(&format!("unused [[ignore]] for `{}` on `{}`: it matched no finding; remove it", u.rule, u.path))
            );
        }
        text.push_str(&self.sent);
        out.write_all(text.as_bytes())
    }
}

fn annotations(r: &FileResult, out: &mut String) {
    if let Some(e) = &r.error {
        let _ = writeln!(out, "::error file={},title=chatlint::{}", property(&r.name), data(e));
        return;
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
