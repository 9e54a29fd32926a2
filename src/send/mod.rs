//! `chatlint check --send`: submits the checked requests to the Google Chat
//! API, safely (user documentation: docs/send.md).
//!
//! The flow of [`run`], after checking:
//! 1. the gate: a file with an error (or that could not be checked) stops
//!    everything, unless `--send-passing` leaves just those files out;
//! 2. each file's request is planned (`request`, with the stable requestId
//!    of `request_id`); `--dry-run` shows the plans and stops there;
//! 3. the results file is opened and the credentials found (`auth`), before
//!    anything is sent;
//! 4. the requests go out with bounded concurrency (`client`, `retry`); each
//!    answer becomes the file's [`Outcome`], Google errors become findings
//!    (`google_error`), and a line is appended to the results file
//!    (`results`) as each request finishes.
//!
//! Secrets (`secret`) never reach output, messages or `Debug`.

mod auth;
mod client;
mod google_error;
mod jwt;
mod outcome;
mod request;
mod request_id;
mod results;
mod retry;
mod secret;

pub use outcome::{Outcome, Problem, Space, Status};
pub use request::DEFAULT_ENDPOINT;
pub use request_id::derive as derive_request_id;

use crate::diagnostic::{Diagnostic, Severity};
use crate::method::Method;
use crate::runner::FileResult;
use auth::TokenProvider;
use request::Planned;
use results::ResultsFile;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Command-line options of the send step, flattened into `chatlint check`.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Sending (see docs/send.md)")]
pub struct SendArgs {
    /// After checking, submit the requests to the Chat API. Nothing is sent when any file has an error.
    #[arg(long)]
    pub send: bool,
    /// Show what --send would submit (method, URL, requestId, body); needs no credentials, sends nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --send: submit the files that pass even when other files have errors (those are left out).
    #[arg(long)]
    pub send_passing: bool,
    /// The Chat API's base URL, e.g. an emulator's. Plain http only to a loopback address.
    #[arg(long, value_name = "URL", default_value = DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// Append one JSON line per finished request (file, requestId, status, space or error) to FILE.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
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
    /// https://www.googleapis.com/auth/chat.spaces). Default: chat.spaces.create.
    #[arg(long, value_name = "SCOPE")]
    pub scope: Vec<String>,
    /// Use this OAuth token URI instead of the one in the credentials file.
    #[arg(long, value_name = "URL")]
    pub token_uri: Option<String>,
    /// How many requests may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: u32,
    /// Give up on one attempt of a request after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Attempts per request, the first included (429, 5xx, timeouts and connection failures are retried).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// The first retry's delay in seconds; each further retry doubles it (with jitter), unless the server
    /// sends Retry-After.
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_seconds)]
    pub retry_delay: Duration,
}

impl Default for SendArgs {
    fn default() -> SendArgs {
        SendArgs {
            send: false,
            dry_run: false,
            send_passing: false,
            endpoint: DEFAULT_ENDPOINT.to_string(),
            results: None,
            token_env: None,
            token_file: None,
            credentials: None,
            subject: None,
            scope: Vec::new(),
            token_uri: None,
            concurrency: 4,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            retry_delay: Duration::from_secs(1),
        }
    }
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("`{s}` is not a number of seconds between 0 and 86400"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs the send step over checked files, recording each file's outcome in
/// `sent`. Returns the exit code to use instead of the check's: 1 when the
/// gate stopped the run or a request failed, 2 when nothing could be sent
/// (credentials, endpoint, results file); `None` when every request
/// succeeded (the check's own exit code stands).
pub fn run(results: &mut [FileResult], args: &SendArgs) -> Option<ExitCode> {
    if !args.send && !args.dry_run {
        return None;
    }
    let blocked: Vec<usize> = (0..results.len()).filter(|&i| !passes(&results[i])).collect();
    if !blocked.is_empty() && !args.send_passing {
        return Some(gate(results, &blocked));
    }
    for &i in &blocked {
        results[i].sent = Some(Outcome::because(Status::Skipped, "this file has errors; --send-passing left it out"));
    }
    let sendable: Vec<usize> = (0..results.len()).filter(|i| !blocked.contains(i)).collect();
    if sendable.is_empty() {
        return None;
    }

    let stop = |results: &mut [FileResult], why: String| {
        eprintln!("chatlint: nothing sent: {why}");
        for &i in &sendable {
            results[i].sent = Some(Outcome::because(Status::NotSent, why.clone()));
        }
        Some(ExitCode::from(2))
    };
    let endpoint = match client::secure_url(&args.endpoint, "--endpoint") {
        Ok(u) => u,
        Err(e) => return stop(results, e),
    };
    let mut plans = Vec::new();
    for &i in &sendable {
        match request::plan(i, &results[i], &endpoint) {
            Ok(p) => plans.push(p),
            Err(e) => return stop(results, format!("{}: {e}", results[i].name)),
        }
    }

    if args.dry_run {
        for p in &plans {
            let mut o = Outcome::new(Status::DryRun);
            o.request_id = Some(p.request_id.clone());
            o.request_id_source = Some(p.request_id_source);
            o.request = Some(p.request());
            results[p.index].sent = Some(o);
        }
        return None;
    }

    let results_file = match args.results.as_deref().map(ResultsFile::open).transpose() {
        Ok(f) => f,
        Err(e) => return stop(results, e),
    };
    let opts = auth::Options {
        token_env: args.token_env.clone(),
        token_file: args.token_file.clone(),
        credentials: args.credentials.clone(),
        subject: args.subject.clone(),
        scopes: args.scope.clone(),
        token_uri: args.token_uri.clone(),
    };
    let source = match auth::resolve(&opts, &|k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => return stop(results, e),
    };
    if let Some(uri) = source.token_uri()
        && let Err(e) = client::secure_url(uri, "the token URI")
    {
        return stop(results, format!("{e} (from {})", source.origin()));
    }
    if source.is_app() && plans.iter().any(|p| p.method == Method::Setup) {
        return stop(
            results,
            format!(
                "spaces.setup needs user authentication, but {} is a service account without --subject \
                 (pass --subject USER to act as a user through domain-wide delegation)",
                source.origin()
            ),
        );
    }
    let policy = retry::Policy {
        max_attempts: args.max_attempts.max(1),
        base_delay: args.retry_delay,
        ..retry::Policy::default()
    };
    let http = match client::build(args.timeout) {
        Ok(c) => c,
        Err(e) => return stop(results, e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return stop(results, format!("could not start the async runtime: {e}")),
    };
    let provider = TokenProvider::new(source, http.clone(), policy);
    // One token up front: a credentials problem stops the run before any request.
    if let Err(e) = runtime.block_on(provider.token()) {
        return stop(results, e);
    }
    let shared = Arc::new(Shared {
        http,
        provider,
        policy,
        results: results_file,
        limit: tokio::sync::Semaphore::new(args.concurrency.max(1) as usize),
    });
    let texts: Vec<String> = plans.iter().map(|p| results[p.index].text.clone()).collect();
    let done = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (plan, text) in plans.into_iter().zip(texts) {
            set.spawn(send_one(shared.clone(), plan, text));
        }
        let mut done = Vec::new();
        while let Some(joined) = set.join_next().await {
            if let Ok(d) = joined {
                done.push(d);
            }
        }
        done
    });

    let mut failed = sendable.len() - done.len();
    for (index, outcome, diagnostics) in done {
        failed += usize::from(outcome.status != Status::Sent);
        let r = &mut results[index];
        r.diagnostics.extend(diagnostics);
        r.sent = Some(outcome);
    }
    (failed > 0).then(|| ExitCode::from(1))
}

/// Whether a file may be sent: checked, with no error.
fn passes(r: &FileResult) -> bool {
    r.error.is_none() && r.method.is_some() && !r.diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The gate closed: nothing is sent; every file says why.
fn gate(results: &mut [FileResult], blocked: &[usize]) -> ExitCode {
    let n = blocked.len();
    let files = if n == 1 { "1 file has errors".to_string() } else { format!("{n} files have errors") };
    let passing = results.len() - n;
    eprintln!("chatlint: nothing sent: {files}; fix them, or pass --send-passing to send the {passing} that pass");
    for (i, r) in results.iter_mut().enumerate() {
        let why = if blocked.contains(&i) {
            if r.error.is_some() {
                "this file could not be checked".to_string()
            } else {
                "this file has errors".to_string()
            }
        } else {
            format!("{files}, so nothing was sent (--send-passing sends the files that pass)")
        };
        r.sent = Some(Outcome::because(Status::Blocked, why));
    }
    let unreadable = results.iter().any(|r| r.error.is_some());
    ExitCode::from(if unreadable { 2 } else { 1 })
}

struct Shared {
    http: reqwest::Client,
    provider: TokenProvider,
    policy: retry::Policy,
    results: Option<ResultsFile>,
    limit: tokio::sync::Semaphore,
}

/// Sends one planned request and turns the answer into the file's outcome
/// and findings; appends the results line.
async fn send_one(shared: Arc<Shared>, plan: Planned, text: String) -> (usize, Outcome, Vec<Diagnostic>) {
    let _permit = shared.limit.acquire().await;
    let mut outcome = Outcome::new(Status::Failed);
    outcome.request_id = Some(plan.request_id.clone());
    outcome.request_id_source = Some(plan.request_id_source);
    let mut diagnostics = Vec::new();
    let mut http_status = None;
    match shared.provider.token().await {
        Err(e) => {
            outcome.error = Some(Problem { http_status: None, status: None, message: e, help: None });
        }
        Ok(token) => {
            let answer = client::send(&shared.policy, &plan.file, || {
                shared.http.post(plan.url.clone()).bearer_auth(token.expose()).json(&plan.body)
            })
            .await;
            match answer {
                Ok(a) => {
                    http_status = Some(a.status);
                    outcome.attempts = Some(a.attempts);
                    if (200..300).contains(&a.status) {
                        outcome.status = Status::Sent;
                        outcome.space = space_of(&a.body);
                    } else {
                        let mut err = google_error::GoogleError::parse(a.status, &a.body);
                        err.message = shared.provider.scrub(&err.message);
                        for v in &mut err.violations {
                            v.description = shared.provider.scrub(&v.description);
                        }
                        diagnostics = err.diagnostics(plan.method, &text);
                        outcome.error = Some(Problem {
                            http_status: Some(a.status),
                            status: err.status.clone(),
                            message: err.message.clone(),
                            help: err.help().map(str::to_string),
                        });
                    }
                }
                Err(f) => {
                    outcome.attempts = Some(f.attempts);
                    outcome.error = Some(Problem { http_status: None, status: None, message: f.message, help: None });
                }
            }
        }
    }
    if let Some(file) = &shared.results {
        file.record(&results::Line::of(&plan.file, plan.method, &outcome, http_status));
    }
    (plan.index, outcome, diagnostics)
}

/// The space in a successful answer (a Space resource).
fn space_of(body: &str) -> Option<Space> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(Space { name: text("name")?, space_uri: text("spaceUri"), display_name: text("displayName") })
}
