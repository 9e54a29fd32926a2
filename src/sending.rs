//! `--send` from the command line: hands the checked files to the send
//! step, puts each file's outcome (and the server's findings) back on it,
//! prints the step's notes, and turns its verdict into an exit code.

use crate::args::SendArgs;
use crate::runner::FileResult;
use chatlint_engine::Severity;
use chatlint_send::{Checked, Item, Verdict};
use chatlint_workspace::config::ConfigCache;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the send step when asked; `Some(code)` replaces the check's exit code.
pub fn run(results: &mut [FileResult], args: &SendArgs, configs: &ConfigCache) -> Option<ExitCode> {
    if !args.active() {
        return None;
    }
    let items: Vec<Item> = results
        .iter()
        .map(|r| Item {
            name: r.name.clone(),
            method: r.method,
            text: r.text.clone(),
            checked: if r.error.is_some() {
                Checked::NotChecked
            } else if r.diagnostics.iter().any(|d| d.severity == Severity::Error) {
                Checked::HasErrors
            } else {
                Checked::Passed
            },
        })
        .collect();
    let summary = chatlint_send::run(&items, &args.options(), Arc::new(|line: &str| eprintln!("chatlint: {line}")));
    for (r, outcome) in results.iter_mut().zip(summary.files) {
        let Some(outcome) = outcome else { continue };
        if !outcome.diagnostics.is_empty() {
            let settings = std::path::absolute(&r.name)
                .ok()
                .and_then(|abs| configs.for_file(&abs).ok())
                .map(|c| c.settings.clone())
                .unwrap_or_default();
            r.diagnostics.extend(chatlint_engine::settle(outcome.diagnostics, &settings));
        }
        r.sent = Some(outcome.outcome);
    }
    match summary.verdict {
        Verdict::Done => None,
        Verdict::Blocked { unreadable, message } => {
            eprintln!("chatlint: {message}");
            Some(ExitCode::from(if unreadable { 2 } else { 1 }))
        }
        Verdict::NotSent(why) => {
            eprintln!("chatlint: nothing sent: {why}");
            Some(ExitCode::from(2))
        }
        // A problem in the files, like the gate: 1.
        Verdict::Conflict(message) => {
            eprintln!("chatlint: {message}");
            Some(ExitCode::from(1))
        }
        Verdict::Failed => Some(ExitCode::from(1)),
    }
}
