//! The command line's grammar (clap): commands, options and their help.

use crate::render::Format;
use chatlint_engine::method::Method;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "chatlint", version, about = "Validate and lint Google Chat API request files")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check request files, folders (walked) or `-` for standard input.
    Check(Box<CheckArgs>),
    /// List the rules, or explain one with its source and examples.
    Rule {
        /// A rule id, e.g. `display-name-forbidden`.
        id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
        format: RuleFormat,
    },
    /// Show what sending the request files would change in the live spaces (reads only; docs/plan.md).
    #[cfg(feature = "send")]
    Plan(Box<PlanArgs>),
    /// Send only what the plan shows, re-reading each target right before writing it (docs/plan.md).
    #[cfg(feature = "send")]
    Apply(Box<ApplyArgs>),
    /// Write the request files that describe live spaces, so that a plan of them has nothing to change.
    #[cfg(feature = "send")]
    Import(Box<ImportArgs>),
    /// Run the language server over standard input and output (for editors).
    #[cfg(feature = "lsp")]
    Lsp,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
    /// The table in README.md.
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Hint,
    Never,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files, folders or `-` (standard input). Default: the current folder.
    pub paths: Vec<PathBuf>,
    /// The API method every file is for: spaces.setup, spaces.create, spaces.patch,
    /// spaces.members.create, spaces.members.patch, spaces.members.delete, spaces.delete or
    /// spaces.completeImport (short: setup, create, patch, member, role, remove, delete,
    /// complete-import).
    #[arg(long, value_parser = parse_method)]
    pub method: Option<Method>,
    /// For bare request bodies: the space every file updates (spaces.patch), `spaces/{space}`,
    /// or the membership it changes (spaces.members.patch), `spaces/{space}/members/{member}`.
    #[arg(long, value_name = "SPACE")]
    pub name: Option<String>,
    /// For bare request bodies: the space every file adds a member to (spaces.members.create).
    #[arg(long, value_name = "SPACE")]
    pub parent: Option<String>,
    /// For bare request bodies: the update mask of every file (spaces.patch,
    /// spaces.members.patch), e.g. `displayName` or `role`.
    #[arg(long, value_name = "PATHS")]
    pub update_mask: Option<String>,
    /// For bare request bodies: send with the administrator's privileges (`useAdminAccess`).
    #[arg(long)]
    pub use_admin_access: bool,
    /// The API revision's limits: current (default), legacy or original.
    #[arg(long)]
    pub profile: Option<String>,
    /// Use this config file instead of finding chatlint.toml upward from each file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Output format: human, json, sarif, github, junit or concise.
    #[arg(long, default_value = "human", value_parser = parse_format)]
    pub format: Format,
    /// Also write a report to a file, as FORMAT=PATH (repeatable), e.g. `sarif=chatlint.sarif`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub report: Vec<(Format, PathBuf)>,
    /// Apply safe fixes to the files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also apply fixes that change what a request asks for.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Show the changes fixes would make, without writing (exit 1 when there are any).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Treat named files like walked ones: skip JSON that is not a Chat request (for pre-commit).
    #[arg(long)]
    pub skip_non_requests: bool,
    /// Report every finding: ignore the `[[ignore]]` entries of chatlint.toml.
    #[arg(long)]
    pub strict: bool,
    /// Accept every current finding: append an `[[ignore]]` entry with this reason for each.
    #[arg(long, value_name = "REASON")]
    pub add_ignores: Option<String>,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The name standard input is shown (and configured) under.
    #[arg(long)]
    pub stdin_filename: Option<String>,
    /// Refuse files larger than this many bytes (default 8 MiB).
    #[arg(long)]
    pub max_file_size: Option<u64>,
    #[cfg(feature = "send")]
    #[command(flatten)]
    pub send: SendArgs,
}

/// The options of the send step, flattened into `chatlint check`.
#[cfg(feature = "send")]
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Sending (see docs/send.md)")]
pub struct SendArgs {
    /// After checking, submit the requests to the Chat API. Nothing is sent when any file has an error.
    #[arg(long)]
    pub send: bool,
    /// Show what --send would submit (method, URL, requestId, body); needs no credentials, sends nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --send or --dry-run: submit (or show) the files that pass even when other files have errors (those are left out).
    #[arg(long)]
    pub send_passing: bool,
    /// With --send: make the calls that remove something for good (spaces.delete, spaces.members.delete).
    /// Without it, nothing is sent when a file would delete.
    #[arg(long)]
    pub allow_delete: bool,
    /// The Chat API's base URL, e.g. an emulator's. Plain http only to a loopback address.
    #[arg(long, value_name = "URL", default_value = chatlint_send::DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// Append one JSON line per finished request (file, requestId, status, space or error) to FILE. A run with
    /// the same FILE does not send again what it records as sent (a re-run after an interruption sends the rest).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    #[command(flatten)]
    pub access: CredentialArgs,
    /// How many requests may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: u32,
    /// Give up on one attempt of a request after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: std::time::Duration,
    /// Attempts per request, the first included (429, 5xx, timeouts and connection failures are retried).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// The first retry's delay in seconds; each further retry doubles it (with jitter), unless the server
    /// sends Retry-After.
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_seconds)]
    pub retry_delay: std::time::Duration,
}

#[cfg(feature = "send")]
impl SendArgs {
    /// Whether the send step runs at all (it needs the files' texts).
    pub fn active(&self) -> bool {
        self.send || self.dry_run
    }

    pub fn options(&self) -> chatlint_send::Options {
        chatlint_send::Options {
            send: self.send,
            dry_run: self.dry_run,
            send_passing: self.send_passing,
            allow_delete: self.allow_delete,
            endpoint: self.endpoint.clone(),
            results: self.results.clone(),
            credentials: self.access.credentials(),
            concurrency: self.concurrency,
            timeout: self.timeout,
            max_attempts: self.max_attempts,
            retry_delay: self.retry_delay,
        }
    }
}

/// Where the access token comes from, for `--send`, `plan`, `apply` and
/// `import` alike.
#[cfg(feature = "send")]
#[derive(Debug, Clone, clap::Args)]
pub struct CredentialArgs {
    /// Read the access token from this environment variable (default: CHATLINT_ACCESS_TOKEN, when set).
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Read the access token from this file.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// An authorized_user or service_account JSON (default: GOOGLE_APPLICATION_CREDENTIALS, then gcloud's
    /// application-default credentials).
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// With a service account key: the user to act as (domain-wide delegation).
    #[arg(long, value_name = "EMAIL")]
    pub subject: Option<String>,
    /// With a service account key: a scope to ask for (repeatable; `chat.spaces` means
    /// https://www.googleapis.com/auth/chat.spaces). Default: the narrowest scopes that do the job (docs/send.md, docs/plan.md).
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,
    /// Use this OAuth token URI instead of the one in the credentials file.
    #[arg(long, value_name = "URL")]
    pub token_uri: Option<String>,
}

#[cfg(feature = "send")]
impl CredentialArgs {
    pub fn credentials(&self) -> chatlint_send::Credentials {
        chatlint_send::Credentials {
            token_env: self.token_env.clone(),
            token_file: self.token_file.clone(),
            credentials: self.credentials.clone(),
            subject: self.subject.clone(),
            scopes: self.scope.clone(),
            token_uri: self.token_uri.clone(),
            ..Default::default()
        }
    }
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s.split_once('=').ok_or("expected FORMAT=PATH, e.g. sarif=chatlint.sarif")?;
    Ok((format.parse()?, PathBuf::from(path)))
}

#[cfg(feature = "send")]
fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("`{s}` is not a number of seconds between 0 and 86400"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

impl CheckArgs {
    /// The request parameters the flags give every file.
    pub fn params(&self) -> chatlint_engine::Params {
        chatlint_engine::Params {
            request_id: None,
            update_mask: self.update_mask.clone(),
            name: self.name.clone(),
            parent: self.parent.clone(),
            use_admin_access: self.use_admin_access.then_some(true),
        }
    }
}

/// `chatlint plan`: the files, how to show the plan, and how to read the
/// live spaces.
#[cfg(feature = "send")]
#[derive(clap::Args)]
pub struct PlanArgs {
    /// Request files or folders (walked). Default: the current folder.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Exit with 3 when the plan has changes (create, update or delete) and nothing worse happened.
    #[arg(long)]
    pub detailed_exitcode: bool,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// `chatlint apply`: the files, and how to reach the live spaces.
#[cfg(feature = "send")]
#[derive(clap::Args)]
pub struct ApplyArgs {
    /// Request files or folders (walked). Default: the current folder.
    pub paths: Vec<PathBuf>,
    /// Also send the deletes the plan has (spaces.delete, spaces.members.delete: they remove for good).
    #[arg(long)]
    pub allow_delete: bool,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// `chatlint import`: the spaces, where to write, and how to read them.
#[cfg(feature = "send")]
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The spaces to import, as `spaces/{space}`.
    #[arg(required = true, value_name = "SPACE")]
    pub spaces: Vec<String>,
    /// The folder to write the files in (it must exist; existing files are never overwritten).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// How `plan`, `apply` and `import` reach the live spaces (as `--send` does).
#[cfg(feature = "send")]
#[derive(clap::Args)]
pub struct LiveArgs {
    /// Use this config file instead of finding chatlint.toml upward from each file.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The Chat API's base URL, e.g. an emulator's. Plain http only to a loopback address.
    #[arg(long, value_name = "URL", default_value = chatlint_send::DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// The results file of `--send` runs: the space a setup or create made is found by its requestId (plan
    /// only reads it; apply takes it for its run and records every request it sends).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    #[command(flatten)]
    pub access: CredentialArgs,
    /// Give up on one attempt of a request after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: std::time::Duration,
}

#[cfg(feature = "send")]
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    /// A block to post as a pull-request comment.
    Markdown,
}
