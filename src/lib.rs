//! The `chatlint` command line, on top of the layers (ARCHITECTURE.md):
//! [`chatlint_engine`] judges one request, [`chatlint_workspace`] brings
//! config and files, the language server (`chatlint-lsp`) and `--send`
//! (`chatlint-send`) are cargo features. This crate walks the files, runs
//! them in parallel, writes fixes, renders the reports and sets the exit
//! code; nothing below it prints.

#[cfg(feature = "send")]
mod apply;
pub mod args;
pub mod baseline;
mod check;
pub mod disk;
pub mod exit;
pub mod explain;
#[cfg(feature = "send")]
mod import;
#[cfg(feature = "send")]
mod plan;
pub mod render;
pub mod runner;
#[cfg(feature = "send")]
mod sending;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::check(*args),
        Command::Rule { id, format } => check::rule(id, format),
        #[cfg(feature = "send")]
        Command::Plan(args) => plan::plan(*args),
        #[cfg(feature = "send")]
        Command::Apply(args) => apply::apply(*args),
        #[cfg(feature = "send")]
        Command::Import(args) => import::import(*args),
        #[cfg(feature = "lsp")]
        Command::Lsp => chatlint_lsp::run(),
    }
}
