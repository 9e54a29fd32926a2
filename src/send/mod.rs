//! `chatlint check --send`: submits requests that pass (issue 4; in progress).

use crate::runner::FileResult;
use serde::Serialize;
use std::process::ExitCode;

/// Command-line options of the send step, flattened into `chatlint check`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SendArgs {
    /// After checking, submit the requests to the Chat API (only when no file has an error).
    #[arg(long)]
    pub send: bool,
}

/// What sending did with one file; shown by both renderers.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: String,
}

impl Outcome {
    /// One line for the human output.
    pub fn human_line(&self) -> String {
        self.status.clone()
    }
}

/// Runs the send step over checked files, recording each file's outcome.
/// Returns the exit code to use instead of the check's, if sending ran.
pub fn run(_results: &mut [FileResult], args: &SendArgs) -> Option<ExitCode> {
    if !args.send {
        return None;
    }
    eprintln!("chatlint: --send is not available yet");
    Some(ExitCode::from(2))
}
