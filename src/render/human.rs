//! The default output: each finding with a source snippet (miette), then
//! a summary line. Colour only on a terminal, and never with NO_COLOR.

use super::{Summary, plain, shown};
use crate::runner::FileResult;
use chatlint_engine::diagnostic::{Applicability, Diagnostic, Severity};
use chatlint_engine::line_index::{LineIndex, floor_char_boundary};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use std::borrow::Cow;
use std::fmt::Write;
use std::io;

/// A diagnostic bound to its file, in the shape miette renders.
struct Report<'a> {
    d: &'a Diagnostic,
    source: Named<'a>,
    /// The finding's range in `source`.
    range: (usize, usize),
}

/// What miette is shown of a file for one finding, under the file's name
/// (miette's own `NamedSource` wants to own the text): the file itself, or,
/// when a line around the finding is too long or holds control characters,
/// a [`View`] of just those lines.
struct Named<'a> {
    name: String,
    text: Cow<'a, str>,
    /// The file's line (0-based) that `text` starts with.
    first_line: usize,
    /// The finding's column in the file (0-based, in Unicode scalar values,
    /// as JSON counts them): the header's, whatever miette would count.
    column: usize,
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
        // Without context lines, miette reads the finding itself for the
        // header's line:column; it counts the column in bytes.
        let column = if before == 0 { self.column } else { inner.column() };
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )
        .with_language("json");
        Ok(Box::new(contents))
    }
}

/// Lines up to this many characters are shown whole.
const MAX_LINE: usize = 100;
/// A longer line shows this many characters around the finding.
const WINDOW: usize = 80;

/// The lines around a finding (one before, one after, as miette shows
/// them) as they are printed: each cut to the same window of columns
/// around the finding, with `…` where text is left out, and characters a
/// terminal must not get raw shown as symbols (␛ for ESC). `range` is the
/// finding's range in `text`.
struct View {
    text: String,
    first_line: usize,
    range: (usize, usize),
}

/// The shown form of a character of a snippet line.
fn pictured(c: char) -> char {
    match c {
        '\t' => '\t',
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if super::unsafe_char(c) => '\u{fffd}',
        c => c,
    }
}

impl View {
    /// `None` when the lines around `d` can be shown as they are. The work
    /// is within the window shown, whatever the length of the lines (a
    /// minified file with 200,000 findings on its one line is shown in
    /// linear time).
    fn of(text: &str, d: &Diagnostic, index: &LineIndex) -> Option<View> {
        let floor = |o: usize| floor_char_boundary(text, o.min(text.len()));
        let start = floor(d.range.start);
        let end = floor(d.range.end).max(start);
        // The lines miette shows: the finding's, one before, one after.
        let first_line = index.line(start).saturating_sub(1);
        let last_line = (index.line(floor(end.saturating_sub(1)).max(start)) + 1).min(index.line_count() - 1);
        // Each line: where it starts and ends (a CR before its LF left out)
        // and how many characters it has.
        let lines: Vec<(usize, usize, usize)> = (first_line..=last_line)
            .map(|line| {
                let (s, mut e) = index.line_bounds(text, line);
                if text[s..e].ends_with('\r') {
                    e -= 1;
                }
                (s, e, index.chars_between(text, s, e))
            })
            .collect();
        let longest = lines.iter().map(|l| l.2).max().unwrap_or(0);
        if longest <= MAX_LINE && !lines.iter().any(|&(s, e, _)| text[s..e].chars().any(|c| pictured(c) != c)) {
            return None;
        }
        let column = index.line_col(text, start).column - 1;
        let (c0, c1) = if longest <= MAX_LINE {
            (0, longest)
        } else {
            let c0 = column.saturating_sub(WINDOW / 4);
            let c1 = (c0 + WINDOW).min(longest);
            (c1.saturating_sub(WINDOW).min(c0), c1)
        };
        let mut view = String::new();
        // Where each line starts in `view`, the bytes of its left `…`, and
        // the file offset of its first shown character.
        let mut starts = Vec::new();
        for (i, &(s, e, n)) in lines.iter().enumerate() {
            if i > 0 {
                view.push('\n');
            }
            let left = if c0 > 0 && e > s { "…" } else { "" };
            let (from, to) = (index.offset_at_column(text, s, e, c0), index.offset_at_column(text, s, e, c1));
            starts.push((view.len(), left.len(), from));
            view.push_str(left);
            view.extend(text[from..to].chars().map(pictured));
            if n > c1 {
                view.push('…');
            }
        }
        // A file offset's place in the view (clamped to what is shown).
        let map = |o: usize| -> usize {
            let o = floor(o);
            let i = lines.iter().rposition(|l| l.0 <= o).unwrap_or(0);
            let (s, e, _) = lines[i];
            let (at, left, from) = starts[i];
            let col = index.chars_between(text, s, o.clamp(s, e)).min(c1);
            let shown = if col <= c0 {
                0
            } else {
                let to = index.offset_at_column(text, s, e, col);
                text[from..to].chars().map(|c| pictured(c).len_utf8()).sum()
            };
            at + left + shown
        };
        Some(View { range: (map(start), map(end).max(map(start))), text: view, first_line })
    }
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&plain(&self.d.message))
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&plain(&self.d.message))
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        // Like ruff: `[*]` marks what `--fix` fixes.
        let mark = match super::fixable(self.d) {
            Some(Applicability::Safe) => " [*]",
            Some(Applicability::Unsafe) => " [* --unsafe-fixes]",
            None => "",
        };
        Some(Box::new(format!("{}{mark}", self.d.rule)))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Hint => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.d.help.as_deref().map(|h| Box::new(plain(h)) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // The pointer names the field even where the snippet cannot (minified files).
        let label = (!self.d.pointer.is_empty()).then(|| plain(&self.d.pointer).into_owned());
        let (start, end) = self.range;
        Some(Box::new(std::iter::once(LabeledSpan::new(label, start, end - start))))
    }
}

pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

impl Style {
    /// Colour on a terminal unless NO_COLOR is set (https://no-color.org).
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { color: std::io::stdout().is_terminal() && !no_color, width: 100 }
    }
}

/// The human report: each file's findings as they come; the diffs, unused
/// `[[ignore]]` entries, send outcomes and the summary after the files.
pub struct Human {
    handler: GraphicalReportHandler,
    /// `--diff`'s diffs, printed after the findings.
    diffs: super::Spill,
    /// What `--send` did with each file (a run that sends holds every file
    /// anyway).
    sent: String,
}

impl Human {
    pub fn new(style: &Style) -> Human {
        let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false);
        Human { handler, diffs: super::Spill::default(), sent: String::new() }
    }
}

impl super::Report for Human {
    fn file(&mut self, r: &FileResult, out: &mut dyn io::Write) -> io::Result<()> {
        let mut text = String::new();
        findings(&self.handler, r, &mut text);
        out.write_all(text.as_bytes())?;
        if let Some(diff) = &r.diff {
            self.diffs.write(diff.as_bytes())?;
        }
        #[cfg(feature = "send")]
        if let Some(sent) = &r.sent {
            let _ = writeln!(self.sent, "{}: {}", shown(&r.name), sent.human_line());
        }
        Ok(())
    }

    fn end(&mut self, end: &super::End, out: &mut dyn io::Write) -> io::Result<()> {
        self.diffs.copy_to(out)?;
        out.write_all(super::unused_ignore_lines(end.unused_ignores).as_bytes())?;
        out.write_all(self.sent.as_bytes())?;
        out.write_all(summary_line(&end.summary).as_bytes())
    }
}

/// One file's blocks: a snippet per finding, or why it could not be checked.
fn findings(handler: &GraphicalReportHandler, r: &FileResult, out: &mut String) {
    if let Some(e) = &r.error {
        let _ = writeln!(out, "  × {}: {}\n", shown(&r.name), plain(e));
        // A file `--fix` would not rewrite was still checked: its findings follow.
        if !r.not_fixed {
            return;
        }
    }
    let index = LineIndex::new(&r.text);
    for d in &r.diagnostics {
        let pos = index.line_col(&r.text, d.range.start);
        let name = shown(&r.name).into_owned();
        let column = pos.column - 1;
        let report = match View::of(&r.text, d, &index) {
            Some(v) => Report {
                d,
                source: Named { name, text: Cow::Owned(v.text), first_line: v.first_line, column },
                range: v.range,
            },
            None => Report {
                d,
                source: Named { name, text: Cow::Borrowed(&r.text), first_line: 0, column },
                range: (d.range.start, d.range.end),
            },
        };
        if handler.render_report(out, &report).is_err() {
            let _ = writeln!(
                out,
                "{}:{}:{}: {}: {} [{}]",
                shown(&r.name),
                pos.line,
                pos.column,
                d.severity.as_str(),
                plain(&d.message),
                d.rule
            );
        }
        out.push('\n');
    }
}

/// The words for requests the API answered "already exists" where that
/// means done: one and many (the send step's, from the method table).
fn already(method: Option<chatlint_engine::Method>) -> [&'static str; 2] {
    #[cfg(feature = "send")]
    if let Some(m) = method {
        return chatlint_send::already(m);
    }
    let _ = method;
    ["already there", "already there"]
}

pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = String::new();
    if s.fixed > 0 {
        let _ = write!(line, "Fixed {}. ", plural(s.fixed, "problem", "problems"));
    }
    if s.would_fix > 0 {
        let _ = write!(line, "Fixes would change {}. ", plural(s.would_fix, "problem", "problems"));
    }
    // A folder with no request in it is no file that could not be checked.
    // Nor is a file `--fix` checked but would not rewrite.
    let (files, failed) = (s.files - s.empty_folders, s.failed - s.empty_folders - s.not_fixed);
    let _ = write!(
        line,
        "Checked {}: {}, {}, {}",
        plural(files, "file", "files"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.hints, "hint", "hints"),
    );
    match (s.fixable, s.unsafe_fixable) {
        (0, 0) => {}
        (0, n) => {
            let _ = write!(line, "; {n} fixable with --fix --unsafe-fixes");
        }
        (n, 0) => {
            let _ = write!(line, "; {n} fixable with --fix");
        }
        (n, more) => {
            let _ = write!(line, "; {n} fixable with --fix ({more} more with --unsafe-fixes)");
        }
    }
    if s.ignored > 0 {
        let _ = write!(line, "; {} ignored", s.ignored);
    }
    if s.skipped > 0 {
        let _ = write!(line, "; {} skipped: not Chat requests", s.skipped);
    }
    if s.sent + s.send_failed > 0 {
        let new = s.sent - s.exists - s.gone;
        if s.exists + s.gone == 0 || new > 0 {
            let _ = write!(line, "; sent {}", plural(new, "request", "requests"));
        } else {
            line.push(';');
        }
        let mut first = new == 0;
        for (n, [one, many]) in [(s.exists, already(s.exists_method)), (s.gone, ["already gone", "already gone"])] {
            if n > 0 {
                let _ = write!(line, "{} {}", if first { "" } else { "," }, plural(n, one, many));
                first = false;
            }
        }
        if new == 0 && s.exists + s.gone > 0 {
            line.push_str(", nothing new sent");
        }
        if s.send_failed > 0 {
            let _ = write!(line, ", {} failed", s.send_failed);
        }
    }
    if failed > 0 {
        let _ = write!(line, "; {} could not be checked", plural(failed, "file", "files"));
    }
    if s.not_fixed > 0 {
        let _ = write!(line, "; {} not fixed (see above)", plural(s.not_fixed, "file", "files"));
    }
    if s.empty_folders > 0 {
        let _ = write!(line, "; {} no Chat request to check", plural(s.empty_folders, "folder held", "folders held"));
    }
    line.push('\n');
    line
}
