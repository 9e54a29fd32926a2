//! `--send` from the command line: hands the checked files to the send
//! step, puts each file's outcome (and the server's findings, settled by the
//! workspace pipeline like every other finding, `[[ignore]]` included) back
//! on it, prints the step's notes, and turns its verdict into an exit code.

use crate::args::SendArgs;
use crate::exit::Exit;
use crate::runner::FileResult;
use chatlint_engine::Severity;
use chatlint_send::{Checked, Item, Status, Verdict};
use chatlint_workspace::config::ConfigCache;
use chatlint_workspace::pipeline::{self, Choice, Preparation};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the send step when asked; `Some(code)` replaces the check's exit
/// code. `strict`: `[[ignore]]` entries do not apply (`--strict`).
pub fn run(results: &mut [FileResult], args: &SendArgs, configs: &ConfigCache, strict: bool) -> Option<ExitCode> {
    if !args.active() {
        return None;
    }
    let items: Vec<Item> = results
        .iter()
        .map(|r| Item {
            name: r.name.clone(),
            method: r.method,
            text: r.text.clone(),
            params: r.params.clone(),
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
    let count = |status: Status| summary.files.iter().flatten().filter(|f| f.outcome.status == status).count();
    let finished = count(Status::Sent) + count(Status::Exists) + count(Status::Gone) + count(Status::Failed);
    let stopped = count(Status::Interrupted);
    for (r, outcome) in results.iter_mut().zip(summary.files) {
        let Some(outcome) = outcome else { continue };
        if !outcome.diagnostics.is_empty() {
            let choice = Choice { strict, ..Choice::default() };
            let settled = match pipeline::prepare(configs, Path::new(&r.name), &choice) {
                Preparation::Ready(prepared) => prepared.settle(outcome.diagnostics),
                // The file was checked with its config a moment ago; should
                // that config be gone, the findings keep their defaults.
                Preparation::Excluded(_) | Preparation::BadConfig(_) => {
                    chatlint_engine::settle(outcome.diagnostics, &chatlint_engine::Settings::default())
                }
            };
            r.diagnostics.extend(settled);
        }
        r.sent = Some(outcome.outcome);
    }
    match summary.verdict {
        Verdict::Done => None,
        Verdict::Blocked { unreadable, message } => {
            eprintln!("chatlint: {message}");
            Some(if unreadable { Exit::Error } else { Exit::Fail }.into())
        }
        Verdict::NotSent(why) => {
            eprintln!("chatlint: nothing sent: {why}");
            Some(Exit::Error.into())
        }
        // Problems in the files, like the gate: 1.
        Verdict::Refused(why) => {
            eprintln!("chatlint: nothing sent: {why}");
            Some(Exit::Fail.into())
        }
        Verdict::Conflict(message) => {
            eprintln!("chatlint: {message}");
            Some(Exit::Fail.into())
        }
        Verdict::Failed => Some(Exit::Fail.into()),
        // The shell's code for a process ended by SIGINT (128 + 2), for
        // SIGTERM too: the run did not do all it was asked.
        Verdict::Interrupted => {
            let rerun = match &args.results {
                Some(path) => format!("run again with --results {} to send the rest", path.display()),
                None => "run again to send the rest (with --results FILE, a re-run skips what was sent)".into(),
            };
            eprintln!(
                "chatlint: interrupted: {finished} request{} finished, {stopped} not sent or not finished; {rerun}",
                if finished == 1 { "" } else { "s" }
            );
            Some(Exit::Interrupted.into())
        }
    }
}
