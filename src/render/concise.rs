//! `--format concise`: one line per finding, `path:line:col: severity[rule] message`.

use super::{End, Report, Spill};
use crate::runner::FileResult;
use chatlint_engine::line_index::LineIndex;
use std::fmt::Write;
use std::io;

/// The concise report: each file's lines as they come; the diffs, unused
/// `[[ignore]]` entries, send outcomes and the summary after the files.
#[derive(Default)]
pub struct Concise {
    diffs: Spill,
    sent: String,
}

impl Report for Concise {
    fn file(&mut self, r: &FileResult, out: &mut dyn io::Write) -> io::Result<()> {
        let mut text = String::new();
        if let Some(e) = &r.error {
            let _ = writeln!(text, "{}: error[io] {}", super::shown(&r.name), super::plain(e));
        }
        // A file `--fix` would not rewrite was still checked.
        if r.error.is_none() || r.not_fixed {
            let index = LineIndex::new(&r.text);
            for d in &r.diagnostics {
                let _ = writeln!(text, "{}", super::finding_line(r, &index, d));
            }
        }
        out.write_all(text.as_bytes())?;
        if let Some(diff) = &r.diff {
            self.diffs.write(diff.as_bytes())?;
        }
        #[cfg(feature = "send")]
        if let Some(sent) = &r.sent {
            let _ = writeln!(self.sent, "{}: {}", super::shown(&r.name), super::plain(&super::send_line(sent)));
        }
        Ok(())
    }

    fn end(&mut self, end: &End, out: &mut dyn io::Write) -> io::Result<()> {
        self.diffs.copy_to(out)?;
        out.write_all(super::unused_ignore_lines(end.unused_ignores).as_bytes())?;
        out.write_all(self.sent.as_bytes())?;
        out.write_all(super::human::summary_line(&end.summary).as_bytes())
    }
}
