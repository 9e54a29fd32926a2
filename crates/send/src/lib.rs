//! `chatlint check --send`: submits the checked requests to the Google Chat
//! API, safely (user documentation: docs/send.md).
//!
//! The flow of [`run`], after checking:
//! 1. the gate: a file with an error (or that could not be checked) stops
//!    everything, unless `--send-passing` leaves just those files out;
//! 2. each file's request is planned (`request`, with the stable requestId
//!    of `request_id`); files that share a requestId but ask for different
//!    requests stop everything (`conflict`), and so do destructive ones
//!    (the row's `destructive`) without `Options::allow_delete`;
//! 3. the results file is opened, locked for this run and read (`results`:
//!    what it records as done, by the request as sent, is not sent again;
//!    a dry run only reads it; [`run_in`] uses the [`Journal`] its caller
//!    took for a longer run instead); `--dry-run` shows the plans and stops
//!    there; the credentials are found (`auth`) and a
//!    first token got (`token`), before anything is sent;
//! 4. the requests go out with bounded concurrency (`client`, `retry`); each
//!    answer becomes the file's [`Outcome`], Google errors become findings
//!    (`google_error`), and a line is appended to the results file
//!    (`results`) as each request finishes; once a line cannot be written,
//!    no new request starts. SIGINT and SIGTERM end the run cleanly
//!    (`interrupt`).
//!
//! Secrets (`secret`) never reach output, messages or `Debug`.

pub mod apply;
mod auth;
mod client;
mod conflict;
mod google_error;
mod interrupt;
mod jwt;
pub mod live;
mod outcome;
mod path;
mod request;
mod request_id;
mod results;
mod retry;
mod secret;
mod token;

pub use auth::Options as Credentials;
pub use outcome::{Destructive, Outcome, Problem, Request as PlannedRequest, Space, Status, already};
pub use request::DEFAULT_ENDPOINT;
pub use request_id::derive as derive_request_id;
pub use results::Journal;

use chatlint_engine::Diagnostic;
use chatlint_engine::method::{Answer, Method};
use request::Planned;
use results::ResultsFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use token::TokenProvider;

/// How to send (the command line's `--send` options).
#[derive(Debug, Clone)]
pub struct Options {
    /// Submit the requests (else only `dry_run` may show them).
    pub send: bool,
    /// Show what would be sent; needs no credentials, sends nothing.
    pub dry_run: bool,
    /// Send the files that pass even when others have errors.
    pub send_passing: bool,
    /// Make the calls the method table marks destructive (spaces.delete,
    /// spaces.members.delete); without it a run refuses them before
    /// anything is sent (`--allow-delete`).
    pub allow_delete: bool,
    /// The Chat API's base URL.
    pub endpoint: String,
    /// Append one JSON line per finished request to this file; the requests
    /// it already records as sent are not sent again.
    pub results: Option<PathBuf>,
    /// Where the access token comes from (the default scopes are the
    /// method table's, filled in here).
    pub credentials: Credentials,
    pub concurrency: u32,
    pub timeout: Duration,
    pub max_attempts: u32,
    pub retry_delay: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            send: false,
            dry_run: false,
            send_passing: false,
            allow_delete: false,
            endpoint: DEFAULT_ENDPOINT.to_string(),
            results: None,
            credentials: Credentials::default(),
            concurrency: 4,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            retry_delay: Duration::from_secs(1),
        }
    }
}

/// Where a checked file stands, for the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Checked, no error: it may be sent.
    Passed,
    /// Checked, with errors.
    HasErrors,
    /// Could not be checked at all (IO, size limit, config).
    NotChecked,
}

/// One checked file offered for sending.
#[derive(Debug, Clone)]
pub struct Item {
    /// How the file is shown (its path).
    pub name: String,
    /// `None` when the file is not a Chat request (it is never sent).
    pub method: Option<Method>,
    pub text: String,
    pub checked: Checked,
    /// Parameters given for the file from outside it (config, flags).
    pub params: chatlint_engine::Params,
}

/// What the send step did with one file.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub outcome: Outcome,
    /// Findings from the API's answer (rule `server-rejected`), to settle
    /// and report with the file's own.
    pub diagnostics: Vec<Diagnostic>,
}

/// How the send step ended, for the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not asked, nothing to send, or every request succeeded.
    Done,
    /// The gate closed: some file has errors (`unreadable`: or could not be
    /// checked). `message` says so.
    Blocked { unreadable: bool, message: String },
    /// Nothing was sent because of a problem before sending (credentials,
    /// endpoint, results file).
    NotSent(String),
    /// Nothing was sent: files share a requestId but ask for different
    /// requests, so the batch could not end as its files say. `message`
    /// names them and says how to fix it.
    Conflict(String),
    /// Nothing was sent: some file's request cannot be built (a required
    /// parameter given nowhere, when its error finding was turned off or
    /// ignored). `message` names each file and why.
    Refused(String),
    /// At least one request failed.
    Failed,
    /// A signal (SIGINT, SIGTERM) stopped the run: the requests that had
    /// not started were not sent (status `interrupted`), the ones in flight
    /// finished and were recorded (or, after a second signal, were
    /// abandoned). Whatever else happened, this is the verdict.
    Interrupted,
}

/// The send step's result: one entry per offered item (`None` for files it
/// did not concern), and the verdict.
#[derive(Debug)]
pub struct Summary {
    pub files: Vec<Option<FileOutcome>>,
    pub verdict: Verdict,
}

/// Receives progress lines as they happen (a retry and its wait, a results
/// file that could not be written); the send step prints nothing itself.
pub type Notes = Arc<dyn Fn(&str) + Send + Sync>;

/// Runs the send step over checked files.
pub fn run(items: &[Item], opts: &Options, notes: Notes) -> Summary {
    run_in(items, opts, notes, None)
}

/// [`run`], recording in `journal` (a results file the caller has already
/// taken for its whole run) instead of opening `opts.results`.
pub fn run_in(items: &[Item], opts: &Options, notes: Notes, journal: Option<&Journal>) -> Summary {
    let mut files: Vec<Option<FileOutcome>> = vec![None; items.len()];
    let just = |o: Outcome| Some(FileOutcome { outcome: o, diagnostics: Vec::new() });
    if !opts.send && !opts.dry_run {
        return Summary { files, verdict: Verdict::Done };
    }
    let blocked: Vec<usize> = (0..items.len()).filter(|&i| !passes(&items[i])).collect();
    if !blocked.is_empty() && !opts.send_passing {
        return gate(items, &blocked);
    }
    for &i in &blocked {
        files[i] = just(Outcome::because(Status::Skipped, "this file has errors; --send-passing left it out"));
    }
    let sendable: Vec<usize> = (0..items.len()).filter(|i| !blocked.contains(i)).collect();
    if sendable.is_empty() {
        return Summary { files, verdict: Verdict::Done };
    }

    let stop = |mut files: Vec<Option<FileOutcome>>, why: String| {
        for &i in &sendable {
            if files[i].is_none() {
                files[i] = just(Outcome::because(Status::NotSent, why.clone()));
            }
        }
        Summary { files, verdict: Verdict::NotSent(why) }
    };
    let endpoint = match client::secure_url(&opts.endpoint, "--endpoint") {
        Ok(u) => u,
        Err(e) => return stop(files, e),
    };
    let mut plans = Vec::new();
    let mut unplanned = Vec::new();
    for &i in &sendable {
        match request::plan(i, &items[i], &endpoint) {
            Ok(p) => plans.push(p),
            Err(e) => unplanned.push((i, e)),
        }
    }
    if !unplanned.is_empty() {
        let message = refusals(items, &unplanned);
        return refuse(files, &sendable, items, &unplanned, Verdict::Refused(message));
    }
    // Removing for good only when asked to, before anything is sent (a dry
    // run shows them, marked).
    if opts.send && !opts.dry_run && !opts.allow_delete {
        let destructive: Vec<(usize, String)> =
            plans.iter().filter(|p| p.destructive).map(|p| (p.index, not_allowed(p))).collect();
        if !destructive.is_empty() {
            let message = refusals(items, &destructive);
            return refuse(files, &sendable, items, &destructive, Verdict::Refused(message));
        }
    }

    let conflicts = conflict::find(&plans);
    if !conflicts.is_empty() {
        return refuse_conflicts(files, &plans, &conflicts);
    }

    // What an earlier run with this results file recorded as done is not
    // sent again (a re-run after an interruption sends only the rest). A
    // sending run holds the file until it ends: one run per file.
    let results_path: Option<&Path> = journal.map(Journal::path).or(opts.results.as_deref());
    let (results_file, recorded) = match (journal, &opts.results, opts.dry_run) {
        (Some(j), _, _) => (Some(j.file.clone()), j.records.clone()),
        (None, None, _) => (None, results::Records::new()),
        (None, Some(path), true) => match results::read(path, &notes) {
            Ok(r) => (None, r),
            Err(e) => return stop(files, e),
        },
        (None, Some(path), false) => match ResultsFile::open(path, notes.clone()) {
            Ok((f, r)) => (Some(Arc::new(f)), r),
            Err(e) => return stop(files, e),
        },
    };
    if let Some(path) = results_path {
        plans.retain(|p| {
            let Some(r) = recorded.get(&p.identity()) else { return true };
            let mut o = Outcome::because(
                Status::AlreadySent,
                format!("{} records it as sent; no request was made", path.display()),
            );
            p.stamp(&mut o);
            o.space = r.space.clone().map(|name| Space { name, space_uri: r.space_uri.clone(), display_name: None });
            o.membership = r.membership.clone();
            o.deleted = r.deleted.clone();
            files[p.index] = just(o);
            false
        });
        if plans.is_empty() {
            return Summary { files, verdict: Verdict::Done };
        }
    }

    if opts.dry_run {
        for p in &plans {
            let mut o = Outcome::new(Status::DryRun);
            p.stamp(&mut o);
            o.request = Some(p.request(opts.allow_delete));
            files[p.index] = just(o);
        }
        return Summary { files, verdict: Verdict::Done };
    }

    let auth_opts = Credentials {
        default_user_scopes: default_scopes(&plans, false),
        default_app_scopes: default_scopes(&plans, true),
        ..opts.credentials.clone()
    };
    let source = match auth::resolve(&auth_opts, &|k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => return stop(files, e),
    };
    if let Some(uri) = source.token_uri()
        && let Err(e) = client::secure_url(uri, "the token URI")
    {
        return stop(files, format!("{e} (from {})", source.origin()));
    }
    if source.is_app() {
        let refused: Vec<(usize, String)> =
            plans.iter().filter_map(|p| needs_a_user(p, source.origin()).map(|why| (p.index, why))).collect();
        if !refused.is_empty() {
            let message = refusals(items, &refused);
            return refuse(files, &sendable, items, &refused, Verdict::NotSent(message));
        }
    }
    let policy = retry::Policy {
        max_attempts: opts.max_attempts.max(1),
        base_delay: opts.retry_delay,
        ..retry::Policy::default()
    };
    let http = match client::build(opts.timeout) {
        Ok(c) => c,
        Err(e) => return stop(files, e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return stop(files, format!("could not start the async runtime: {e}")),
    };
    // From here on a signal ends the run cleanly (see `interrupt`).
    let halt = {
        let _inside = runtime.enter();
        interrupt::listen()
    };
    let provider = TokenProvider::new(source, http.clone(), policy, notes.clone(), halt.clone());
    // One token up front: a credentials problem stops the run before any request.
    let first_token = runtime.block_on(async {
        tokio::select! {
            biased;
            _ = halt.at_least(interrupt::FINISH) => None,
            token = provider.token() => Some(token),
        }
    });
    match first_token {
        None => {
            for p in &plans {
                files[p.index] = just(not_started(p));
            }
            return Summary { files, verdict: Verdict::Interrupted };
        }
        Some(Err(e)) => return stop(files, e),
        Some(Ok(_)) => {}
    }
    let flying = interrupt::InFlight::default();
    let shown = results_path.map(|p| p.display().to_string());
    runtime.spawn(interrupt::announce(halt.clone(), flying.clone(), opts.timeout, shown, notes.clone()));
    let shared = Arc::new(Shared {
        http,
        provider,
        policy,
        results: results_file,
        limit: tokio::sync::Semaphore::new(opts.concurrency.max(1) as usize),
        notes,
        halt: halt.clone(),
        flying,
    });
    let planned = plans.len();
    let done = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for plan in plans {
            let text = items[plan.index].text.clone();
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

    let mut failed = planned - done.len();
    for (index, outcome, diagnostics) in done {
        failed += usize::from(!matches!(outcome.status, Status::Sent | Status::Exists | Status::Gone));
        files[index] = Some(FileOutcome { outcome, diagnostics });
    }
    // A record that could not be written fails the run, even when every
    // request succeeded: a re-run would send those requests again.
    let unrecorded = shared.results.as_ref().is_some_and(|f| f.broken().is_some());
    let verdict = if halt.level() >= interrupt::FINISH {
        Verdict::Interrupted
    } else if failed > 0 || unrecorded {
        Verdict::Failed
    } else {
        Verdict::Done
    };
    Summary { files, verdict }
}

/// Why a destructive request is not sent without `--allow-delete`.
fn not_allowed(plan: &Planned) -> String {
    let what = plan.target.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
    format!(
        "{} would remove{what} for good ({} {}); pass --allow-delete to make destructive calls",
        plan.method, plan.verb, plan.url
    )
}

/// Why a request cannot be sent as the app (a service account without a
/// subject), if it cannot: its method needs a user, or it asks for admin
/// access, which runs "using the user's Google Workspace administrator
/// privileges" (the discovery document's `useAdminAccess`).
fn needs_a_user(plan: &Planned, origin: &str) -> Option<String> {
    let what = if !plan.method.spec().auth.app {
        format!("{} needs user authentication", plan.method)
    } else if plan.admin {
        "useAdminAccess needs user authentication (an administrator's)".to_string()
    } else {
        return None;
    };
    Some(format!(
        "{what}, but {origin} is a service account without --subject (pass --subject USER to act as a user \
         through domain-wide delegation)"
    ))
}

/// `a.json: why; b.json: why`, for the run's message.
fn refusals(items: &[Item], refused: &[(usize, String)]) -> String {
    refused.iter().map(|(i, why)| format!("{}: {why}", items[*i].name)).collect::<Vec<_>>().join("; ")
}

/// Some files cannot be sent, so nothing is: each of them says its own
/// reason, and every other file names them (without repeating their reasons).
fn refuse(
    mut files: Vec<Option<FileOutcome>>,
    sendable: &[usize],
    items: &[Item],
    refused: &[(usize, String)],
    verdict: Verdict,
) -> Summary {
    let names: Vec<&str> = refused.iter().map(|(i, _)| items[*i].name.as_str()).collect();
    let others = match names.len() {
        1 => format!("nothing was sent because {} cannot be sent", names[0]),
        n => format!("nothing was sent because {n} files cannot be sent: {}", names.join(", ")),
    };
    for &i in sendable {
        let why = refused.iter().find(|(j, _)| *j == i).map_or_else(|| others.clone(), |(_, why)| why.clone());
        files[i]
            .get_or_insert(FileOutcome { outcome: Outcome::because(Status::NotSent, why), diagnostics: Vec::new() });
    }
    Summary { files, verdict }
}

/// The outcome of a request a signal kept from being sent.
fn not_started(plan: &Planned) -> Outcome {
    let mut o = Outcome::because(Status::Interrupted, "interrupted before it was sent");
    plan.stamp(&mut o);
    o
}

/// Whether a file may be sent: checked, a Chat request, with no error.
fn passes(item: &Item) -> bool {
    item.checked == Checked::Passed && item.method.is_some()
}

/// The gate closed: nothing is sent; every file says why.
fn gate(items: &[Item], blocked: &[usize]) -> Summary {
    let n = blocked.len();
    let files_with = if n == 1 { "1 file has errors".to_string() } else { format!("{n} files have errors") };
    let passing = items.len() - n;
    let message =
        format!("nothing sent: {files_with}; fix them, or pass --send-passing to send the {passing} that pass");
    let files = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let why = if blocked.contains(&i) {
                if item.checked == Checked::NotChecked {
                    "this file could not be checked".to_string()
                } else {
                    "this file has errors".to_string()
                }
            } else {
                format!("{files_with}, so nothing was sent (--send-passing sends the files that pass)")
            };
            Some(FileOutcome { outcome: Outcome::because(Status::Blocked, why), diagnostics: Vec::new() })
        })
        .collect();
    let unreadable = items.iter().any(|i| i.checked == Checked::NotChecked);
    Summary { files, verdict: Verdict::Blocked { unreadable, message } }
}

/// Files share a requestId but ask for different requests: nothing is
/// sent; each file says why.
fn refuse_conflicts(
    mut files: Vec<Option<FileOutcome>>,
    plans: &[Planned],
    conflicts: &[conflict::Conflict],
) -> Summary {
    let names = |list: &[&str]| match list {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let mut said = Vec::new();
    let mut reasons: Vec<Option<String>> = vec![None; plans.len()];
    for c in conflicts {
        let in_it: Vec<&str> = c.plans.iter().map(|&i| plans[i].file.as_str()).collect();
        said.push(format!("{} share the requestId \"{}\" but ask for different requests", names(&in_it), c.request_id));
        for &i in &c.plans {
            let others: Vec<&str> = c
                .plans
                .iter()
                .filter(|&&j| !conflict::same_request(&plans[i], &plans[j]))
                .map(|&j| plans[j].file.as_str())
                .collect();
            reasons[i] = Some(format!(
                "its requestId \"{}\" is also used by {} for a different request; give each file its own requestId",
                c.request_id,
                names(&others)
            ));
        }
    }
    let message = format!(
        "nothing sent: {}. The API answers a requestId it has seen with the space it created first and ignores \
         the new request's details, so these files cannot all be applied. Give each file its own requestId: \
         remove it to let chatlint derive one from the content, or write a new UUID",
        said.join("; ")
    );
    for (p, reason) in plans.iter().zip(reasons) {
        let why =
            reason.unwrap_or_else(|| "files share a requestId with different requests, so nothing was sent".into());
        files[p.index] = Some(FileOutcome { outcome: Outcome::because(Status::Blocked, why), diagnostics: Vec::new() });
    }
    Summary { files, verdict: Verdict::Conflict(message) }
}

struct Shared {
    http: reqwest::Client,
    provider: TokenProvider,
    policy: retry::Policy,
    results: Option<Arc<ResultsFile>>,
    limit: tokio::sync::Semaphore,
    notes: Notes,
    halt: interrupt::Stop,
    flying: interrupt::InFlight,
}

/// Sends one planned request and turns the answer into the file's outcome
/// and findings; appends the results line.
async fn send_one(shared: Arc<Shared>, plan: Planned, text: String) -> (usize, Outcome, Vec<Diagnostic>) {
    // After a signal, a request that has not started does not start.
    let _permit = tokio::select! {
        biased;
        _ = shared.halt.at_least(interrupt::FINISH) => None,
        permit = shared.limit.acquire() => Some(permit),
    };
    if shared.halt.level() >= interrupt::FINISH {
        return (plan.index, not_started(&plan), Vec::new());
    }
    let _flying = shared.flying.enter();
    // No request starts without the record of those before it.
    if let Some(why) = shared.results.as_ref().and_then(|f| f.broken()) {
        let mut o = Outcome::because(Status::NotSent, format!("{why}, so no new request was started"));
        plan.stamp(&mut o);
        return (plan.index, o, Vec::new());
    }
    let mut outcome = Outcome::new(Status::Failed);
    plan.stamp(&mut outcome);
    let mut diagnostics = Vec::new();
    let mut http_status = None;
    match shared.provider.token().await {
        Err(_) if shared.halt.level() >= interrupt::FINISH => {
            return (plan.index, not_started(&plan), Vec::new());
        }
        Err(e) => {
            outcome.error = Some(Problem { http_status: None, status: None, message: e, help: None });
        }
        Ok(token) => {
            let answer = client::send(&shared.policy, &plan.file, &shared.notes, &shared.halt, || {
                let request = shared.http.request(plan.verb.clone(), plan.url.clone()).bearer_auth(token.expose());
                match &plan.body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await;
            match answer {
                Ok(a) => {
                    http_status = Some(a.status);
                    outcome.attempts = Some(a.attempts);
                    if (200..300).contains(&a.status) {
                        // The answer is the row's message, and it must be
                        // about what was asked: a member of that space, the
                        // space that was patched.
                        let spec = plan.method.spec();
                        let answer = answered(spec.answer, &a.body).and_then(|got| {
                            match got.name().and_then(|name| plan.answer.problem(name)) {
                                Some(why) => Err(Wrong::Resource(why)),
                                None => Ok(got),
                            }
                        });
                        match answer {
                            Err(Wrong::Resource(why)) => {
                                outcome.error = Some(Problem {
                                    http_status: Some(a.status),
                                    status: None,
                                    message: shared.provider.scrub(&why),
                                    help: Some(
                                        "the server answered about another resource than the one asked for: \
                                         check --endpoint (a proxy or another service may have answered)"
                                            .into(),
                                    ),
                                });
                            }
                            Ok(got) => {
                                outcome.status = Status::Sent;
                                match got {
                                    Answered::Space(space) => outcome.space = Some(space),
                                    Answered::Membership(name) if spec.destructive => outcome.deleted = Some(name),
                                    Answered::Membership(name) => outcome.membership = Some(name),
                                    // `Empty` names nothing: the request named it.
                                    Answered::Empty if spec.destructive => outcome.deleted = plan.target.clone(),
                                    Answered::Empty => {}
                                }
                            }
                            Err(Wrong::Shape(what)) => {
                                // The content type comes from the server too.
                                let shown = shared.provider.scrub(&a.body);
                                let ct = a.content_type.as_deref().map(|c| shared.provider.scrub(c));
                                let expected = spec.answer.message();
                                outcome.error = Some(Problem {
                                    http_status: Some(a.status),
                                    status: None,
                                    message: not_the_answer(what, expected, ct.as_deref(), &shown, a.body.len()),
                                    help: Some(format!(
                                        "a success status must come with the {expected} the API answers: check \
                                         --endpoint (a proxy, a captive portal or another service may have answered)"
                                    )),
                                });
                            }
                        }
                    } else {
                        // Scrubbed before parsing: the parser shortens
                        // messages, and a secret cut short escapes a scrub.
                        let body = shared.provider.scrub(&a.body);
                        let mut err = google_error::GoogleError::parse(a.status, &body);
                        err.message = shared.provider.scrub(&err.message);
                        for v in &mut err.violations {
                            v.description = shared.provider.scrub(&v.description);
                        }
                        let spec = plan.method.spec();
                        if spec.done_already.iter().any(|d| err.is(d)) {
                            // Sending again is safe: it is already so.
                            outcome.status = if spec.phase == chatlint_engine::method::Phase::Delete {
                                Status::Gone
                            } else {
                                Status::Exists
                            };
                            outcome.reason = Some(format!(
                                "{} (the API answered {}: {})",
                                outcome::already(plan.method)[0],
                                err.code_and_status(),
                                err.message
                            ));
                            keep_record(&shared, &plan, &mut outcome, Some(a.status));
                            return (plan.index, outcome, Vec::new());
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
                    http_status = f.http_status;
                    if f.interrupted {
                        outcome.status = Status::Interrupted;
                    }
                    outcome.attempts = Some(f.attempts);
                    let message = shared.provider.scrub(&f.message);
                    outcome.error = Some(Problem { http_status: f.http_status, status: None, message, help: None });
                }
            }
        }
    }
    keep_record(&shared, &plan, &mut outcome, http_status);
    (plan.index, outcome, diagnostics)
}

/// Appends the request's line to the results file; when it cannot be
/// written, the outcome says so.
fn keep_record(shared: &Shared, plan: &Planned, outcome: &mut Outcome, http_status: Option<u16>) {
    if let Some(file) = &shared.results
        && let Err(why) = file.record(&results::Line::of(plan, outcome, http_status))
    {
        outcome.not_recorded = Some(why);
    }
}

/// What is wrong with a successful answer.
#[derive(Debug)]
enum Wrong {
    /// It is no resource (not JSON, no `name`).
    Shape(&'static str),
    /// It names another resource than the one asked for.
    Resource(String),
}

/// A successful answer, read as the method's row says.
#[derive(Debug)]
enum Answered {
    Space(Space),
    /// A Membership, by its name.
    Membership(String),
    /// `Empty`.
    Empty,
}

impl Answered {
    /// The resource it names, to hold against what was asked.
    fn name(&self) -> Option<&str> {
        match self {
            Answered::Space(s) => Some(&s.name),
            Answered::Membership(name) => Some(name),
            Answered::Empty => None,
        }
    }
}

/// Reads a successful answer as `answer` (the row's message), or says what
/// is wrong with it. `Empty` is `{}` or no body at all.
fn answered(answer: Answer, body: &str) -> Result<Answered, Wrong> {
    if answer == Answer::Empty && body.trim().is_empty() {
        return Ok(Answered::Empty);
    }
    if body.trim().is_empty() {
        return Err(Wrong::Shape("the answer is empty"));
    }
    let v: serde_json::Value = serde_json::from_str(body).map_err(|_| Wrong::Shape("the answer is not JSON"))?;
    let Some(object) = v.as_object() else { return Err(Wrong::Shape("the answer is not a JSON object")) };
    let resource = match answer {
        Answer::Empty => return Ok(Answered::Empty),
        Answer::SpaceIn { field, .. } => {
            object.get(field).and_then(|s| s.as_object()).ok_or(Wrong::Shape("the answer holds no space"))?
        }
        Answer::Space | Answer::Membership => object,
    };
    let text = |k: &str| resource.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let Some(name) = text("name").filter(|n| !n.is_empty()) else {
        return Err(Wrong::Shape(if answer == Answer::Membership {
            "the answer has no membership `name`"
        } else {
            "the answer has no space `name`"
        }));
    };
    Ok(match answer {
        Answer::Membership => Answered::Membership(name),
        _ => Answered::Space(Space { name, space_uri: text("spaceUri"), display_name: text("displayName") }),
    })
}

/// How many characters of an unexpected answer a message quotes.
const QUOTED_CHARS: usize = 120;

/// Says what came back instead of the `expected` message (`Space`): the
/// problem, the content type, the size and the first characters of `shown`
/// (the body, already scrubbed of secrets), with control characters escaped.
fn not_the_answer(what: &str, expected: &str, content_type: Option<&str>, shown: &str, bytes: usize) -> String {
    let ct = content_type.map_or("no content-type".to_string(), |c| format!("content-type {c}"));
    if shown.trim().is_empty() {
        return format!("{what} ({ct}, {bytes} bytes), not a {expected}");
    }
    let mut quoted: String = shown
        .trim()
        .chars()
        .take(QUOTED_CHARS)
        .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if shown.trim().chars().nth(QUOTED_CHARS).is_some() {
        quoted.push('…');
    }
    format!("{what} ({ct}, {bytes} bytes), not a {expected}: `{quoted}`")
}

/// The scope a user's request about the calling app's own membership asks for.
const APP_MEMBERSHIP: &str = "chat.memberships.app";

/// The scopes to ask for when the credentials do not say: the narrowest one
/// the method table gives each request of the batch (an administrator's for
/// admin access).
fn default_scopes(plans: &[Planned], as_app: bool) -> Vec<String> {
    let mut scopes: Vec<String> = plans
        .iter()
        .filter_map(|p| {
            let s = p.method.spec().scopes;
            match (as_app, p.admin) {
                (true, _) => s.app.first().copied(),
                (false, true) => s.admin.first().copied(),
                // "When a Chat app creates a membership relation for
                // itself, it must … use the chat.memberships.app scope";
                // removing it takes the same, where the row lists it.
                (false, false) if p.concerns_the_calling_app() && s.user.contains(&APP_MEMBERSHIP) => {
                    Some(APP_MEMBERSHIP)
                }
                (false, false) => s.user.first().copied(),
            }
        })
        .map(|s| s.to_string())
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_must_carry_the_rows_answer() {
        let Ok(Answered::Space(ok)) = answered(Answer::Space, r#"{"name":"spaces/A","spaceUri":"u"}"#) else {
            panic!("a Space")
        };
        assert_eq!((ok.name.as_str(), ok.space_uri.as_deref()), ("spaces/A", Some("u")));
        for (body, says) in [
            ("", "empty"),
            ("<html>", "not JSON"),
            ("[1]", "not a JSON object"),
            ("{}", "no space `name`"),
            (r#"{"name":""}"#, "no space `name`"),
        ] {
            assert!(matches!(answered(Answer::Space, body), Err(Wrong::Shape(why)) if why.contains(says)), "{body}");
        }
        // A Membership, the Space inside CompleteImportSpaceResponse, Empty.
        let member = answered(Answer::Membership, r#"{"name":"spaces/A/members/1","role":"ROLE_MANAGER"}"#);
        assert!(matches!(member, Ok(Answered::Membership(n)) if n == "spaces/A/members/1"));
        assert!(matches!(answered(Answer::Membership, "{}"), Err(Wrong::Shape(w)) if w.contains("membership")));
        let wrapped = Answer::SpaceIn { message: "CompleteImportSpaceResponse", field: "space" };
        let done = answered(wrapped, r#"{"space":{"name":"spaces/A","spaceType":"SPACE"}}"#);
        assert!(matches!(done, Ok(Answered::Space(s)) if s.name == "spaces/A"));
        assert!(matches!(answered(wrapped, r#"{"name":"spaces/A"}"#), Err(Wrong::Shape(w)) if w.contains("no space")));
        for body in ["", "  \n", "{}"] {
            assert!(matches!(answered(Answer::Empty, body), Ok(Answered::Empty)), "{body:?}");
        }
        assert!(matches!(answered(Answer::Empty, "<html>"), Err(Wrong::Shape(_))), "a portal's page is no Empty");
        let long = format!("line1\nline2 {}", "x".repeat(500));
        let m = not_the_answer("the answer is not JSON", "Space", Some("text/plain"), &long, long.len());
        assert!(m.contains("content-type text/plain, 512 bytes") && m.contains("`line1\\nline2 x"), "{m}");
        assert!(m.ends_with("…`") && m.chars().count() < 250, "{m}");
        assert_eq!(
            not_the_answer("the answer is empty", "Membership", None, "", 0),
            "the answer is empty (no content-type, 0 bytes), not a Membership"
        );
    }

    #[test]
    fn the_default_scope_is_the_narrowest_each_request_needs() {
        let endpoint = reqwest::Url::parse("http://127.0.0.1:9").unwrap();
        let planned = |method, text: &str| {
            let item = Item {
                name: "f.json".into(),
                text: text.into(),
                method: Some(method),
                checked: Checked::Passed,
                params: chatlint_engine::Params::default(),
            };
            request::plan(0, &item, &endpoint).unwrap()
        };
        let setup = planned(Method::Setup, r#"{"space": {"spaceType": "SPACE", "displayName": "x"}}"#);
        let human = planned(
            Method::MembersCreate,
            r#"{"parent": "spaces/A", "membership": {"member": {"name": "users/1", "type": "HUMAN"}}}"#,
        );
        let app = planned(
            Method::MembersCreate,
            r#"{"parent": "spaces/A", "membership": {"member": {"name": "users/app", "type": "BOT"}}}"#,
        );
        let admin = planned(
            Method::MembersCreate,
            r#"{"parent": "spaces/A", "useAdminAccess": true, "membership": {"member": {"name": "users/1", "type": "HUMAN"}}}"#,
        );
        assert_eq!(default_scopes(&[setup.clone(), human.clone()], false), ["chat.memberships", "chat.spaces.create"]);
        assert_eq!(default_scopes(std::slice::from_ref(&app), false), ["chat.memberships.app"]);
        assert_eq!(default_scopes(&[admin], false), ["chat.admin.memberships"]);
        assert_eq!(default_scopes(&[human, app], true), ["chat.app.memberships"]);
        // The four of issue 18: removing the calling app takes its own scope.
        let remove_app = planned(Method::MembersDelete, r#"{"name": "spaces/A/members/app"}"#);
        let remove = planned(Method::MembersDelete, r#"{"name": "spaces/A/members/1"}"#);
        let retire = planned(Method::Delete, r#"{"name": "spaces/A"}"#);
        let complete = planned(Method::CompleteImport, r#"{"name": "spaces/A"}"#);
        let role = planned(
            Method::MembersPatch,
            r#"{"membership": {"name": "spaces/A/members/1", "role": "ROLE_MANAGER"}, "updateMask": "role"}"#,
        );
        assert_eq!(default_scopes(std::slice::from_ref(&remove_app), false), ["chat.memberships.app"]);
        assert_eq!(
            default_scopes(&[remove, retire.clone(), complete, role], false),
            ["chat.delete", "chat.import", "chat.memberships"]
        );
        assert_eq!(default_scopes(&[remove_app, retire], true), ["chat.app.delete", "chat.app.memberships"]);
    }
}
