//! `--format concise`: one line per finding, `path:line:col: severity[rule] message`.

use super::Summary;
use chatlint_engine::source::LineIndex;
use std::fmt::Write;

pub fn render(run: &super::Run) -> String {
    let results = run.results;
    let mut out = String::new();
    for r in results {
        if let Some(e) = &r.error {
            let _ = writeln!(out, "{}: error[io] {}", super::shown(&r.name), super::plain(e));
            continue;
        }
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            let _ = writeln!(out, "{}", super::finding_line(r, &index, d));
        }
    }
    out.push_str(&super::diffs(results));
    out.push_str(&super::unused_ignore_lines(run.unused_ignores));
    #[cfg(feature = "send")]
    for r in results {
        if let Some(sent) = &r.sent {
            let _ = writeln!(out, "{}: {}", super::shown(&r.name), super::plain(&super::send_line(sent)));
        }
    }
    out.push_str(&super::human::summary_line(&Summary::of(results)));
    out
}
