//! `--format github`: GitHub Actions workflow commands, which show as
//! annotations on the pull request's changed lines.

use crate::runner::FileResult;
use chatlint_engine::diagnostic::Severity;
use chatlint_engine::line_index::LineIndex;
use std::fmt::Write;
use std::io;

/// Escapes a message (the part after `::`) in the workflow commands' own
/// escaping. Control characters it does not escape (ESC, BEL…) must not
/// reach it raw: callers pass text through [`super::plain`] or
/// [`super::shown`] first, keeping only the line breaks they put there.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A file name as a `file=` property: escaped as the text formats show it
/// (`"a\nb.json"`), so no control character is written raw or decoded
/// back into one by the runner (`%0A`).
fn file(name: &str) -> String {
    property(&super::shown(name))
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
                Status::Sent | Status::Exists | Status::Gone | Status::AlreadySent | Status::DryRun => "notice",
                Status::Failed => "error",
                Status::Blocked | Status::Skipped | Status::NotSent | Status::Interrupted => "warning",
            };
            let _ = writeln!(
                self.sent,
                "::{level} file={},title=chatlint send::{}",
                file(&r.name),
                data(&super::plain(&super::send_line(sent)))
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
                file(&u.config),
                u.line,
                u.column,
                data(&super::plain(&format!(
                    "unused [[ignore]] for `{}` on `{}`: it matched no finding; remove it",
                    u.rule, u.path
                )))
            );
        }
        text.push_str(&self.sent);
        out.write_all(text.as_bytes())
    }
}

fn annotations(r: &FileResult, out: &mut String) {
    if let Some(e) = &r.error {
        let _ = writeln!(out, "::error file={},title=chatlint::{}", file(&r.name), data(&super::plain(e)));
        // A file `--fix` would not rewrite was still checked: its findings follow.
        if !r.not_fixed {
            return;
        }
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
        let mut message = super::plain(&d.message).into_owned();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&super::plain(h));
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            file(&r.name),
            s.line,
            s.column,
            e.line,
            e.column,
            property(&format!("chatlint {}", d.rule)),
            data(&message)
        );
    }
}
