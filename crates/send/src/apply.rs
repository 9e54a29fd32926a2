//! `chatlint apply`'s writes: for each planned file, its target is read
//! again right before writing (spaces have no etag), compared again, and
//! only when the live state is still what the plan saw are the plan's
//! requests sent ([`chatlint_plan::writes`]), paced to the documented
//! quotas; each target is read once more after its writes, so the outcome
//! says whether the change shows (the API is eventually consistent).
//! A `create` is the file's own request, which the caller sends with
//! `--send`'s machinery (requestId, results file). Given the run's
//! [`Journal`], every write is recorded in it as `--send` records its
//! requests (one line each, the request as sent), and once a record cannot
//! be written no new write starts. Prints nothing.

use super::live::{Got, ReadOptions, Session};
use super::outcome::{Outcome, Problem, Space, Status};
use super::request::Identity;
use super::results::{Journal, Line};
use super::{Notes, path};
use chatlint_engine::Method;
use chatlint_engine::method::{Answer, ParamKey, Phase};
use chatlint_plan::writes::{self, Apply, Write};
use chatlint_plan::{Action, Desired, compare};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// One planned file: what it wants and what its plan said.
#[derive(Debug, Clone)]
pub struct Target {
    pub file: String,
    pub desired: Desired,
    pub planned: Action,
}

/// What apply did for one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// These requests were sent and succeeded (`PATCH spaces/A
    /// updateMask=display_name`), and what a read afterwards showed.
    Sent { requests: Vec<String>, after: String },
    /// The file's own request is to be sent (a create).
    TheFile,
    /// Nothing sent, and why.
    Skipped(String),
    /// A request failed: those sent before it, and why.
    Failed { requests: Vec<String>, why: String },
}

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub read: ReadOptions,
    /// Send spaces.delete and spaces.members.delete (they remove for good).
    pub allow_delete: bool,
}

/// Scopes apply asks for when the credentials do not say: to read and to
/// write spaces and memberships, and to delete and complete imports when
/// a plan has those.
fn scopes(targets: &[Target]) -> Vec<&'static str> {
    let mut scopes = vec!["chat.spaces", "chat.memberships"];
    for t in targets {
        match t.desired {
            Desired::DeleteSpace { .. } => scopes.push("chat.delete"),
            Desired::CompleteImport { .. } => scopes.push("chat.import"),
            _ => {}
        }
    }
    scopes.sort();
    scopes.dedup();
    scopes
}

/// The documented per-project quotas, as the least time between two writes
/// of a kind: space writes 60 a minute, membership writes 300 a minute.
fn spacing(method: &str) -> Duration {
    if method.starts_with("spaces.members.") { Duration::from_millis(200) } else { Duration::from_secs(1) }
}

/// Applies each target's plan, in order, recording each write in `journal`.
pub fn apply(
    targets: &[Target],
    opts: &ApplyOptions,
    notes: Notes,
    journal: Option<&Journal>,
) -> Result<Vec<Applied>, String> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let user_scopes = scopes(targets);
    let (runtime, session) =
        Session::open(&opts.read, &user_scopes, &["chat.app.spaces", "chat.app.memberships"], notes)?;
    runtime.block_on(async {
        session.provider.token().await?;
        let mut last: HashMap<&'static str, Instant> = HashMap::new();
        let mut done = Vec::with_capacity(targets.len());
        for t in targets {
            done.push(apply_one(&session, t, opts, journal, &mut last).await);
        }
        Ok(done)
    })
}

async fn apply_one(
    session: &Session,
    t: &Target,
    opts: &ApplyOptions,
    journal: Option<&Journal>,
    last: &mut HashMap<&'static str, Instant>,
) -> Applied {
    if !t.planned.changes() {
        return Applied::Skipped(format!("nothing to send: the plan is `{}`", t.planned.kind()));
    }
    // Read again right before writing: the plan may be stale.
    let live = session.live(&t.desired).await;
    let now = compare(&t.desired, &live);
    if now != t.planned {
        return Applied::Skipped(format!(
            "the live state changed since the plan (now `{}`); nothing sent: run plan again",
            now.kind()
        ));
    }
    let requests = match writes::apply(&t.desired, &live, &now) {
        Apply::Nothing => return Applied::Skipped("nothing to send".into()),
        Apply::TheFile => return Applied::TheFile,
        Apply::Refused(why) => return Applied::Skipped(why),
        Apply::Requests(r) => r,
    };
    if !opts.allow_delete && requests.iter().any(|w| w.method.ends_with(".delete")) {
        return Applied::Skipped("a delete removes for good: pass --allow-delete to send it".into());
    }
    let mut sent = Vec::new();
    for w in &requests {
        // No write starts without the record of those before it.
        if let Some(why) = journal.and_then(Journal::broken) {
            return Applied::Failed { requests: sent, why: format!("{why}, so no new request was started") };
        }
        let kind = if w.method.starts_with("spaces.members.") { "memberships" } else { "spaces" };
        if let Some(at) = last.get(kind) {
            tokio::time::sleep_until(*at + spacing(w.method)).await;
        }
        last.insert(kind, Instant::now());
        let shown = shown(w);
        let (outcome, result) = send(session, w, &t.file, journal).await;
        match (result, outcome.not_recorded) {
            (Ok(()), None) => sent.push(shown),
            (Ok(()), Some(why)) => {
                sent.push(shown);
                return Applied::Failed { requests: sent, why: format!("not recorded: {why}") };
            }
            (Err(why), _) => return Applied::Failed { requests: sent, why },
        }
    }
    // Read once more: does the change show?
    let after = match compare(&t.desired, &session.live(&t.desired).await) {
        Action::None(state) => state,
        other => {
            format!("a read right after still shows `{}` (the API may take a moment to show a change)", other.kind())
        }
    };
    Applied::Sent { requests: sent, after }
}

/// `PATCH spaces/A updateMask=display_name`.
fn shown(w: &Write) -> String {
    let verb = w.method.parse::<Method>().map_or("?", |m| m.spec().http.verb);
    let path = route(w).map_or_else(|_| w.name.clone(), |p| p.trim_start_matches("v1/").to_string());
    match &w.mask {
        Some(mask) => format!("{verb} {path} updateMask={mask}"),
        None => format!("{verb} {path}"),
    }
}

/// The URL path of a write, from its method's row: the template with the
/// write's resource checked and encoded (`path.rs`, as `--send` does).
fn route(w: &Write) -> Result<String, String> {
    let method: Method = w.method.parse()?;
    path::build(method.spec(), &|key| matches!(key, ParamKey::Name | ParamKey::Parent).then(|| w.name.clone()))
}

/// Sends one write and records it in the journal (for `file`); what came
/// of it (`not_recorded` set when its record could not be written), and
/// whether it is done.
async fn send(session: &Session, w: &Write, file: &str, journal: Option<&Journal>) -> (Outcome, Result<(), String>) {
    let failed = |why: String| (Outcome::because(Status::Failed, why.clone()), Err(why));
    let (method, path) = match (w.method.parse::<Method>(), route(w)) {
        (Ok(m), Ok(p)) => (m, p),
        (Err(why), _) | (_, Err(why)) => return failed(why),
    };
    let spec = method.spec();
    let verb = match reqwest::Method::from_bytes(spec.http.verb.as_bytes()) {
        Ok(v) => v,
        Err(e) => return failed(e.to_string()),
    };
    let query: Vec<(&str, String)> = w.mask.iter().map(|m| ("updateMask", m.clone())).collect();
    let called = session.request(verb.clone(), &path, &query, w.body.as_ref()).await;
    let done_already = |status: u16| spec.done_already.iter().any(|d| d.status == status);
    // What the table says means "already so" (a member there, a space or
    // membership gone) is done.
    let already = |why: String| {
        let status = if spec.phase == Phase::Delete { Status::Gone } else { Status::Exists };
        Outcome::because(status, format!("{} ({why})", super::outcome::already(method)[0]))
    };
    let refused = |http_status: Option<u16>, why: String| {
        let problem = Problem { http_status, status: None, message: why.clone(), help: None };
        (Outcome { error: Some(problem), ..Outcome::new(Status::Failed) }, Err(why))
    };
    let (mut outcome, result) = match called.got {
        Got::Object(answer) => (answered(spec, w, &answer), Ok(())),
        Got::NotFound if done_already(404) => (already("the API answered 404".into()), Ok(())),
        Got::NotFound => refused(Some(404), format!("{}: 404: it is gone", shown(w))),
        Got::Failed(Some(status), why) if done_already(status) => (already(why), Ok(())),
        Got::Failed(http_status, why) => refused(http_status, why),
    };
    outcome.attempts = Some(called.attempts);
    if let Some(journal) = journal {
        let request = Identity::of(&verb, &called.url, w.body.as_ref());
        let line = Line::about(file, method, request, None, &outcome, called.http_status);
        if let Err(why) = journal.file.record(&line) {
            outcome.not_recorded = Some(why);
        }
    }
    (outcome, result)
}

/// A write's successful answer as `--send` reads it: the space or
/// membership it names, or what a delete removed.
fn answered(spec: &chatlint_engine::method::Spec, w: &Write, answer: &Value) -> Outcome {
    let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_string);
    let mut o = Outcome::new(Status::Sent);
    if spec.destructive {
        o.deleted = Some(w.name.clone());
    } else if spec.answer == Answer::Membership {
        o.membership = text("name");
    } else if spec.answer == Answer::Space {
        o.space =
            text("name").map(|name| Space { name, space_uri: text("spaceUri"), display_name: text("displayName") });
    }
    o
}
