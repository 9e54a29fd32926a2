//! `--format junit`: one test case per checked file; a file with findings
//! at or above the fail level is a failure listing them.

use crate::runner::FileResult;
use chatlint_engine::diagnostic::Severity;
use chatlint_engine::source::LineIndex;
use std::fmt::Write;

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

/// `fail_at`: the severity from which a finding fails its file's test case
/// (`None`: nothing fails, findings are listed as output).
pub fn render(results: &[FileResult], fail_at: Option<Severity>) -> String {
    let failing =
        |r: &FileResult| r.error.is_some() || r.diagnostics.iter().any(|d| fail_at.is_some_and(|t| d.severity >= t));
    let failures = results.iter().filter(|r| failing(r)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"chatlint\" tests=\"{}\" failures=\"{failures}\">", results.len());
    let _ = writeln!(out, "  <testsuite name=\"chatlint\" tests=\"{}\" failures=\"{failures}\">", results.len());
    for r in results {
        let _ = write!(out, "    <testcase name=\"{}\" classname=\"chatlint\"", xml_attr(&super::shown(&r.name)));
        if let Some(e) = &r.error {
            let _ = writeln!(out, ">\n      <failure message=\"{}\" type=\"io\"/>\n    </testcase>", xml_attr(e));
            continue;
        }
        if r.diagnostics.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        let index = LineIndex::new(&r.text);
        let mut body = String::new();
        for d in &r.diagnostics {
            let _ = writeln!(body, "{}", super::finding_line(r, &index, d));
        }
        let tag = if failing(r) { "failure" } else { "system-out" };
        out.push_str(">\n");
        if tag == "failure" {
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
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
