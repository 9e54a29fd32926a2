//! What sending did with one file, as both renderers show it (the JSON
//! output's `sent` field; one block in the human output).

use chatlint_engine::method::{Answer, Method, Phase};
use serde::Serialize;

/// What a done-already answer (the row's `done_already`) means for
/// `method`: one and many. A delete answered "not found" is "already
/// gone"; a method that answers a Membership is "already a member".
pub fn already(method: Method) -> [&'static str; 2] {
    let spec = method.spec();
    if spec.phase == Phase::Delete {
        ["already gone", "already gone"]
    } else if spec.answer == Answer::Membership {
        ["already a member", "already members"]
    } else {
        ["already there", "already there"]
    }
}

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The API answered with a space: created now, or created earlier by a
    /// request with the same requestId (the API does not say which).
    Sent,
    /// The API refused the request, or it never got an answer.
    Failed,
    /// Nothing was sent because some file has errors (the gate).
    Blocked,
    /// This file has errors and was left out (`--send-passing`).
    Skipped,
    /// Nothing was sent because of a problem before sending (credentials,
    /// endpoint, results file).
    NotSent,
    /// `--dry-run`: shown, not sent.
    DryRun,
    /// Not sent: the results file records this very request (the same
    /// verb, URL and body) as done by an earlier run.
    AlreadySent,
    /// A signal stopped the run: the request was not sent (`reason`), or
    /// it was sent but not retried or its answer not awaited (`error`).
    Interrupted,
    /// The API answered ALREADY_EXISTS where that means it is already so
    /// (a member already in the space): done, not failed. `reason` says
    /// what is already so ([`already`]) and what the API answered.
    Exists,
    /// A delete the API answered NOT_FOUND: what it removes is already
    /// gone (or never was): done, not failed. `reason` says so and what
    /// the API answered.
    Gone,
}

/// The space the API returned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Space {
    /// `spaces/{space}`.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The HTTP status, when the server answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Google's status name, e.g. `ALREADY_EXISTS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// The request as it is (or would be) sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// `POST`.
    pub http_method: &'static str,
    pub url: String,
    /// Absent for a call without an HTTP body (a DELETE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Present for a call that removes something for good.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destructive: Option<Destructive>,
}

/// A destructive call, as a dry run shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Destructive {
    /// Whether `--allow-delete` was given (without it `--send` refuses the call).
    #[serde(rename = "allow_delete")]
    pub allowed: bool,
}

impl Destructive {
    /// The words both the human and the one-line outputs add to the request.
    pub fn words(self) -> &'static str {
        if self.allowed {
            "DESTRUCTIVE: removes it for good; --allow-delete is given"
        } else {
            "DESTRUCTIVE: removes it for good; --send refuses it without --allow-delete"
        }
    }
}

/// What sending did with one file.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: Status,
    /// The requestId sent (or that would be sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `file` when the file sets it, `derived` when chatlint derived it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id_source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Space>,
    /// The membership the API answered (`spaces/{space}/members/{member}`):
    /// added or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<String>,
    /// What a destructive call removed (a space, a membership).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    /// Attempts made (1 unless retried); absent when nothing was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// For `--dry-run`: the exact request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    /// Why the file was not sent (blocked, skipped, not sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why the results file has no record of this request (it could not
    /// be written): a re-run would send it again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_recorded: Option<String>,
}

impl Outcome {
    pub fn new(status: Status) -> Outcome {
        Outcome {
            status,
            request_id: None,
            request_id_source: None,
            space: None,
            membership: None,
            deleted: None,
            error: None,
            attempts: None,
            request: None,
            reason: None,
            not_recorded: None,
        }
    }

    pub fn because(status: Status, reason: impl Into<String>) -> Outcome {
        Outcome { reason: Some(reason.into()), ..Outcome::new(status) }
    }

    /// The human output's text for this file (may span lines; later lines
    /// are indented).
    pub fn human_line(&self) -> String {
        let line = self.status_line();
        match &self.not_recorded {
            Some(why) => format!("{line}\n  not recorded: {why}; a re-run would send it again"),
            None => line,
        }
    }

    fn status_line(&self) -> String {
        let rid = match (&self.request_id, self.request_id_source) {
            (Some(id), Some("derived")) => format!(" [requestId {id}, derived]"),
            (Some(id), _) => format!(" [requestId {id}]"),
            _ => String::new(),
        };
        let retried = match self.attempts {
            Some(n) if n > 1 => format!(" after {n} attempts"),
            _ => String::new(),
        };
        match self.status {
            Status::Sent if self.membership.is_some() => {
                format!("sent: {}{retried}{rid}", self.membership.as_deref().unwrap_or_default())
            }
            Status::Exists | Status::Gone => format!("{}{rid}", self.reason.as_deref().unwrap_or("already so")),
            Status::Sent if self.deleted.is_some() => {
                format!("deleted: {}{retried}{rid}", self.deleted.as_deref().unwrap_or_default())
            }
            Status::Sent => {
                let space = self.space.as_ref();
                let name = space.map_or("a space", |s| s.name.as_str());
                let uri = space.and_then(|s| s.space_uri.as_deref()).map(|u| format!(" {u}")).unwrap_or_default();
                format!("sent: {name}{uri}{retried}{rid}")
            }
            Status::Failed => {
                let Some(e) = &self.error else { return format!("failed{retried}{rid}") };
                let code = match (e.http_status, &e.status) {
                    (Some(h), Some(s)) => format!("{h} {s}: "),
                    (Some(h), None) => format!("HTTP {h}: "),
                    (None, Some(s)) => format!("{s}: "),
                    (None, None) => String::new(),
                };
                let help = e.help.as_deref().map(|h| format!("\n  help: {h}")).unwrap_or_default();
                format!("failed{retried}: {code}{}{rid}{help}", e.message)
            }
            Status::Blocked | Status::Skipped | Status::NotSent => {
                format!("not sent: {}", self.reason.as_deref().unwrap_or("nothing was sent"))
            }
            Status::AlreadySent => {
                let space = self.space.as_ref();
                // What it made: a membership, a space, or (an answer that
                // said it already existed) nothing to name.
                let name = match (&self.deleted, &self.membership, space) {
                    (Some(d), _, _) => format!(" deleted {d}"),
                    (None, Some(m), _) => format!(" {m}"),
                    (None, None, Some(s)) => format!(" {}", s.name),
                    (None, None, None) => String::new(),
                };
                let uri = space.and_then(|s| s.space_uri.as_deref()).map(|u| format!(" {u}")).unwrap_or_default();
                let why = self.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                format!("already sent:{name}{uri}{why}{rid}")
            }
            Status::Interrupted => match &self.error {
                Some(e) => format!("interrupted{retried}: {}{rid}", e.message),
                None => format!("not sent: {}", self.reason.as_deref().unwrap_or("interrupted")),
            },
            Status::DryRun => {
                let Some(r) = &self.request else { return "dry run".into() };
                let id = match (&self.request_id, self.request_id_source) {
                    (Some(id), Some("derived")) => format!("\n  requestId: {id} (derived: see docs/send.md)"),
                    (Some(id), _) => format!("\n  requestId: {id} (from the file)"),
                    (None, _) => String::new(),
                };
                let danger = r.destructive.map(|d| format!("\n  {}", d.words())).unwrap_or_default();
                let body = match &r.body {
                    Some(b) => {
                        let b = serde_json::to_string_pretty(b).unwrap_or_default().replace('\n', "\n    ");
                        format!("\n  body:\n    {b}")
                    }
                    None => "\n  no body".to_string(),
                };
                format!("would send {} {}{danger}{id}{body}", r.http_method, r.url)
            }
        }
    }
}
