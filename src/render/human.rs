//! The default output: each finding with a source snippet (miette), then
//! a summary line. Colour only on a terminal, and never with NO_COLOR.

use super::{Summary, plain, shown};
use chatlint_engine::diagnostic::{Diagnostic, Severity};
use chatlint_engine::source::LineIndex;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use std::fmt::Write;

/// A diagnostic bound to its file, in the shape miette renders.
struct Report<'a> {
    d: &'a Diagnostic,
    source: Named<'a>,
}

/// The file's text under its name (miette's own `NamedSource` wants to own it).
struct Named<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )
        .with_language("json");
        Ok(Box::new(contents))
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
        Some(Box::new(self.d.rule))
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
        Some(Box::new(std::iter::once(LabeledSpan::new(label, self.d.range.start, self.d.range.len()))))
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

pub fn render(run: &super::Run, style: &Style) -> String {
    let results = run.results;
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false);
    let mut out = String::new();
    for r in results {
        if let Some(e) = &r.error {
            let _ = writeln!(out, "  × {}: {}\n", shown(&r.name), plain(e));
            continue;
        }
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            let pos = index.line_col(&r.text, d.range.start);
            let report = Report { d, source: Named { name: shown(&r.name).into_owned(), text: &r.text } };
            if handler.render_report(&mut out, &report).is_err() {
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
    out.push_str(&super::diffs(results));
    out.push_str(&super::unused_ignore_lines(run.unused_ignores));
    #[cfg(feature = "send")]
    for r in results {
        if let Some(sent) = &r.sent {
            let _ = writeln!(out, "{}: {}", shown(&r.name), sent.human_line());
        }
    }
    out.push_str(&summary_line(&Summary::of(results)));
    out
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
    let _ = write!(
        line,
        "Checked {}: {}, {}, {}",
        plural(s.files, "file", "files"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.hints, "hint", "hints"),
    );
    if s.sent + s.send_failed > 0 {
        let _ = write!(line, "; sent {}", plural(s.sent, "request", "requests"));
        if s.send_failed > 0 {
            let _ = write!(line, ", {} failed", s.send_failed);
        }
    }
    if s.failed > 0 {
        let _ = write!(line, "; {} could not be checked", plural(s.failed, "file", "files"));
    }
    line.push('\n');
    line
}
