//! `--format junit`: one test case per checked file; a file with findings
//! at or above the fail level is a failure listing them.

use super::Spill;
use crate::runner::FileResult;
use chatlint_engine::diagnostic::Severity;
use chatlint_engine::line_index::LineIndex;
use std::fmt::Write;
use std::io;

/// Escapes element text.
fn xml(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value: newlines and tabs as character references,
/// which XML parsers would otherwise turn into spaces.
fn xml_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The JUnit report. Its counts head the document, so the test cases wait
/// in a temporary file until the end.
pub struct Junit {
    /// The severity from which a finding fails its file's test case
    /// (`None`: nothing fails, findings are listed as output).
    fail_at: Option<Severity>,
    tests: usize,
    failures: usize,
    cases: Spill,
}

impl Junit {
    pub fn new(fail_at: Option<Severity>) -> Junit {
        Junit { fail_at, tests: 0, failures: 0, cases: Spill::default() }
    }
}

impl super::Report for Junit {
    fn file(&mut self, r: &FileResult, _out: &mut dyn io::Write) -> io::Result<()> {
        let fail_at = self.fail_at;
        let failing = r.error.is_some() || r.diagnostics.iter().any(|d| fail_at.is_some_and(|t| d.severity >= t));
        self.tests += 1;
        self.failures += usize::from(failing);
        let mut out = String::new();
        test_case(r, failing, &mut out);
        self.cases.write(out.as_bytes())
    }

    fn end(&mut self, _end: &super::End, out: &mut dyn io::Write) -> io::Result<()> {
        let (tests, failures) = (self.tests, self.failures);
        let mut head = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(head, "<testsuites name=\"chatlint\" tests=\"{tests}\" failures=\"{failures}\">");
        let _ = writeln!(head, "  <testsuite name=\"chatlint\" tests=\"{tests}\" failures=\"{failures}\">");
        out.write_all(head.as_bytes())?;
        self.cases.copy_to(out)?;
        out.write_all(b"  </testsuite>\n</testsuites>\n")
    }
}

fn test_case(r: &FileResult, failing: bool, out: &mut String) {
    let _ = write!(out, "    <testcase name=\"{}\" classname=\"chatlint\"", xml_attr(&super::shown(&r.name)));
    if let Some(e) = &r.error {
        let _ = writeln!(out, ">\n      <failure message=\"{}\" type=\"io\"/>\n    </testcase>", xml_attr(e));
        return;
    }
    if r.diagnostics.is_empty() {
        out.push_str("/>\n");
        return;
    }
    let index = LineIndex::new(&r.text);
    let mut body = String::new();
    for d in &r.diagnostics {
        let _ = writeln!(body, "{}", super::finding_line(r, &index, d));
    }
    out.push_str(">\n");
    if failing {
        let n = r.diagnostics.len();
        let _ = writeln!(
            out,
            "      <failure message=\"{n} finding{}\" type=\"chatlint\">{}</failure>",
            if n == 1 { "" } else { "s" },
            xml(&body)
        );
    } else {
        let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&body));
    }
    out.push_str("    </testcase>\n");
}
