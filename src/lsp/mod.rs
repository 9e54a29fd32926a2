//! `chatlint lsp`: the language server (issue 3; in progress).

use std::process::ExitCode;

pub fn run() -> ExitCode {
    eprintln!("chatlint lsp: not available yet");
    ExitCode::from(2)
}
