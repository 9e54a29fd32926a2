//! chatlint's workspace layer: what surrounds a request in a repository.
//! `chatlint.toml` found upward from each file ([`config`]), which files to
//! check and reading them safely ([`files`]), and the one per-document
//! [`pipeline`] that the command line and the language server both use.
//!
//! It knows nothing of terminals, report formats, LSP or HTTP.

pub mod config;
pub mod files;
pub mod pipeline;

pub use config::{Config, ConfigCache, Overrides};
pub use pipeline::{Choice, Preparation, Prepared, Unreadable, prepare};
