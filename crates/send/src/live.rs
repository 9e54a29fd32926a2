//! `chatlint plan`'s reading of the live state: for each file's
//! [`Desired`], the live object(s) it is compared with, read with GETs only
//! (`spaces.get`, `spaces.list`, `spaces.members.get` by the email alias)
//! under the `.readonly` scopes. Prints nothing; a file whose live state
//! cannot be read gets [`Live::Unreadable`] with the reason, and only what
//! stops every read (credentials, the endpoint) is an `Err`.

use super::auth;
use super::token::TokenProvider;
use super::{Credentials, Notes, client, interrupt, path, retry};
use chatlint_plan::desired::member_alias;
use chatlint_plan::{Desired, Found, Live};
use reqwest::Url;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to reach the API, as for `--send`.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub endpoint: String,
    /// The results file of earlier `--send` runs: requestId → the space made.
    pub results: Option<PathBuf>,
    pub credentials: Credentials,
    pub timeout: Duration,
    pub max_attempts: u32,
    pub retry_delay: Duration,
}

/// The narrowest scopes that read what plans compare (user authentication;
/// an app reads with `chat.bot`).
const USER_SCOPES: [&str; 2] = ["chat.spaces.readonly", "chat.memberships.readonly"];
const APP_SCOPES: [&str; 1] = ["chat.bot"];

/// The largest results file read: 1 GiB.
const MAX_RESULTS_BYTES: u64 = 1 << 30;

/// The most spaces read while looking for a displayName (10 pages).
const MAX_LIST_PAGES: usize = 10;

/// Reads the live object of each file, in order.
pub fn read(wanted: &[Desired], opts: &ReadOptions, notes: Notes) -> Result<Vec<Live>, String> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let (runtime, session) = Session::open(opts, &USER_SCOPES, &APP_SCOPES, notes)?;
    runtime.block_on(async {
        // One token up front: a credentials problem stops the run before any read.
        session.provider.token().await?;
        let mut live = Vec::with_capacity(wanted.len());
        for w in wanted {
            live.push(session.live(w).await);
        }
        Ok(live)
    })
}

/// A live space with its memberships (invited members and groups
/// included), for `chatlint import`; per space, what was read or why not.
pub type SpaceWithMembers = Result<(Value, Vec<Value>), String>;

/// Reads each named space (`spaces/…`) and all its memberships
/// (`spaces.members.list` with `showInvited` and `showGroups`, which need
/// user authentication).
pub fn read_spaces(names: &[String], opts: &ReadOptions, notes: Notes) -> Result<Vec<SpaceWithMembers>, String> {
    let (runtime, session) = Session::open(opts, &USER_SCOPES, &APP_SCOPES, notes)?;
    runtime.block_on(async {
        session.provider.token().await?;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            out.push(session.space_with_members(name).await);
        }
        Ok(out)
    })
}

/// requestId → the space a `--send` run recorded for it.
/// Only a regular file is read (never a FIFO or a device), up to
/// [`MAX_RESULTS_BYTES`]; lines that are not records are passed over.
fn spaces_made(path: &Path) -> Result<HashMap<String, String>, String> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(format!("--results {shown}: could not read it: {e}")),
    };
    if !meta.is_file() {
        return Err(format!("--results {shown}: not a regular file"));
    }
    if meta.len() > MAX_RESULTS_BYTES {
        return Err(format!("--results {shown}: larger than {MAX_RESULTS_BYTES} bytes: start a new results file"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("--results {shown}: could not read it: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut made = HashMap::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        if matches!(v["status"].as_str(), Some("sent" | "exists"))
            && let (Some(id), Some(space)) = (text("request_id"), text("space"))
        {
            made.insert(id, space);
        }
    }
    Ok(made)
}

/// A connection to the API: the endpoint, the client, the credentials and
/// what the results file says was made. `apply` writes through it too.
pub(crate) struct Session {
    endpoint: Url,
    http: reqwest::Client,
    pub(crate) provider: TokenProvider,
    policy: retry::Policy,
    notes: Notes,
    stop: interrupt::Stop,
    made: HashMap<String, String>,
}

impl Session {
    /// A session asking, when the credentials do not say, for these scopes
    /// (user, app), with the runtime to drive it.
    pub(crate) fn open(
        opts: &ReadOptions,
        user_scopes: &[&str],
        app_scopes: &[&str],
        notes: Notes,
    ) -> Result<(tokio::runtime::Runtime, Session), String> {
        let endpoint = client::secure_url(&opts.endpoint, "--endpoint")?;
        let made = match &opts.results {
            Some(path) => spaces_made(path)?,
            None => HashMap::new(),
        };
        let credentials = Credentials {
            default_user_scopes: user_scopes.iter().map(|s| s.to_string()).collect(),
            default_app_scopes: app_scopes.iter().map(|s| s.to_string()).collect(),
            ..opts.credentials.clone()
        };
        let source = auth::resolve(&credentials, &|k| std::env::var(k).ok())?;
        if let Some(uri) = source.token_uri() {
            client::secure_url(uri, "the token URI").map_err(|e| format!("{e} (from {})", source.origin()))?;
        }
        let policy = retry::Policy {
            max_attempts: opts.max_attempts.max(1),
            base_delay: opts.retry_delay,
            ..retry::Policy::default()
        };
        let http = client::build(opts.timeout)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("could not start the async runtime: {e}"))?;
        let stop = interrupt::Stop::never();
        let provider = TokenProvider::new(source, http.clone(), policy, notes.clone(), stop.clone());
        Ok((runtime, Session { endpoint, http, provider, policy, notes, stop, made }))
    }
}

/// A call made: the URL it went to, the HTTP status and the attempts (for
/// the results file), and the answer.
pub(crate) struct Called {
    pub(crate) url: Url,
    pub(crate) http_status: Option<u16>,
    pub(crate) attempts: u32,
    pub(crate) got: Got,
}

/// An answer read: the object, nothing there (404), or why it could not be read.
pub(crate) enum Got {
    Object(Value),
    NotFound,
    /// Why not, with the HTTP status when the server answered.
    Failed(Option<u16>, String),
}

impl Session {
    pub(crate) async fn live(&self, wanted: &Desired) -> Live {
        let result = match wanted {
            Desired::NewSpace { space, request_id, members } => match self.new_space(space, request_id).await {
                Ok(Live::Space { space, found, .. }) => self.with_members(space, found, members).await,
                other => other,
            },
            Desired::Patch { name, .. } | Desired::DeleteSpace { name } | Desired::CompleteImport { name } => {
                self.space(name, Found::Name).await
            }
            Desired::Member { parent, member, .. } => {
                if member.starts_with("groups/") {
                    return Live::Unreadable("chatlint cannot read a Google Group's membership yet".into());
                }
                self.membership(&format!("{parent}/members/{}", member_alias(member))).await
            }
            Desired::Role { name, .. } | Desired::RemoveMember { name } => self.membership(name).await,
        };
        result.unwrap_or_else(Live::Unreadable)
    }

    async fn space(&self, name: &str, found: Found) -> Result<Live, String> {
        Ok(match self.get(&resource(name, &["spaces"])?, &[]).await {
            Got::Object(space) => Live::Space { space, found, members: Vec::new() },
            Got::NotFound => Live::Missing,
            Got::Failed(_, why) => Live::Unreadable(why),
        })
    }

    async fn membership(&self, name: &str) -> Result<Live, String> {
        Ok(match self.get(&resource(name, &["spaces", "members"])?, &[]).await {
            Got::Object(m) => Live::Membership(m),
            Got::NotFound => Live::Missing,
            Got::Failed(_, why) => Live::Unreadable(why),
        })
    }

    async fn space_with_members(&self, name: &str) -> SpaceWithMembers {
        let space = match self.get(&resource(name, &["spaces"])?, &[]).await {
            Got::Object(space) => space,
            Got::NotFound => return Err(format!("{name} does not exist (or these credentials cannot see it)")),
            Got::Failed(_, why) => return Err(why),
        };
        let path = resource(name, &["spaces"])? + "/members";
        let mut members = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query =
                vec![("showInvited", "true".to_string()), ("showGroups", "true".into()), ("pageSize", "1000".into())];
            if let Some(t) = &token {
                query.push(("pageToken", t.clone()));
            }
            let page = match self.get(&path, &query).await {
                Got::Object(v) => v,
                Got::NotFound => return Err(format!("{name} is gone")),
                Got::Failed(_, why) => return Err(why),
            };
            members.extend(page.get("memberships").and_then(Value::as_array).into_iter().flatten().cloned());
            token = page.get("nextPageToken").and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                return Ok((space, members));
            }
        }
    }

    /// The live membership of each person a setup lists, in the space found
    /// (groups are not read: their memberships are not asked for by name).
    async fn with_members(&self, space: Value, found: Found, members: &[Value]) -> Result<Live, String> {
        let name = space.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut live = Vec::new();
        for m in members {
            let Some(who) = chatlint_plan::desired::member_name(m).filter(|w| w.starts_with("users/")) else {
                continue;
            };
            let state = match self.membership(&format!("{name}/members/{}", member_alias(who))).await? {
                Live::Membership(m) => Some(m),
                Live::Missing => None,
                Live::Unreadable(why) => return Ok(Live::Unreadable(why)),
                _ => None,
            };
            live.push((who.to_string(), state));
        }
        Ok(Live::Space { space, found, members: live })
    }

    /// A setup or create: the space the results file says it made, else the
    /// one with its displayName; a displayName held by another space is a
    /// conflict.
    async fn new_space(&self, file: &Value, request_id: &str) -> Result<Live, String> {
        let display = file.get("displayName").and_then(Value::as_str);
        let made = self.made.get(request_id);
        if let Some(name) = made {
            let found = Found::Journal { request_id: request_id.to_string() };
            match self.space(name, found).await? {
                Live::Space { space, found, .. } => {
                    let renamed = display.is_some_and(|d| space.get("displayName").and_then(Value::as_str) != Some(d));
                    if renamed
                        && let Some(other) = self.by_display_name(display.unwrap_or_default()).await?
                        && other.get("name").and_then(Value::as_str) != Some(name.as_str())
                    {
                        let by = other["name"].as_str().unwrap_or("another space").to_string();
                        return Ok(Live::NameTaken { by, made: Some(name.clone()) });
                    }
                    return Ok(Live::Space { space, found, members: Vec::new() });
                }
                Live::Missing => {}
                other => return Ok(other),
            }
        }
        let Some(display) = display else { return Ok(Live::Missing) };
        Ok(match self.by_display_name(display).await? {
            Some(space) if made.is_some() => {
                Live::NameTaken { by: space["name"].as_str().unwrap_or("another space").into(), made: None }
            }
            Some(space) => Live::Space { space, found: Found::DisplayName, members: Vec::new() },
            None => Live::Missing,
        })
    }

    /// The named space (`spaceType = "SPACE"`) the caller is in with exactly
    /// this displayName (`spaces.list`; the caller's own spaces).
    async fn by_display_name(&self, display: &str) -> Result<Option<Value>, String> {
        let mut token: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let mut query = vec![("filter", "spaceType = \"SPACE\"".to_string()), ("pageSize", "1000".into())];
            if let Some(t) = &token {
                query.push(("pageToken", t.clone()));
            }
            let page = match self.get("v1/spaces", &query).await {
                Got::Object(v) => v,
                Got::NotFound => return Err("spaces.list answered 404".into()),
                Got::Failed(_, why) => return Err(why),
            };
            let spaces = page.get("spaces").and_then(Value::as_array).into_iter().flatten();
            if let Some(s) = spaces.into_iter().find(|s| s.get("displayName").and_then(Value::as_str) == Some(display))
            {
                return Ok(Some(s.clone()));
            }
            token = page.get("nextPageToken").and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                return Ok(None);
            }
        }
        Err(format!("more than {MAX_LIST_PAGES} pages of spaces: the space named {display:?} was not found in them"))
    }

    async fn get(&self, path: &str, query: &[(&str, String)]) -> Got {
        self.call(reqwest::Method::GET, path, query, None).await
    }

    /// One call: `path` under the endpoint (`v1/spaces/AAA`), the query
    /// parameters, the JSON body; the answer as an object, 404, or why not.
    pub(crate) async fn call(
        &self,
        verb: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Got {
        self.request(verb, path, query, body).await.got
    }

    /// [`Session::call`], with what the results file records of it.
    pub(crate) async fn request(
        &self,
        verb: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Called {
        let mut url = self.endpoint.clone();
        url.set_path(&format!("{}/{path}", self.endpoint.path().trim_end_matches('/')));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let called = |got, http_status, attempts| Called { url: url.clone(), http_status, attempts, got };
        let token = match self.provider.token().await {
            Ok(t) => t,
            Err(e) => return called(Got::Failed(None, e), None, 0),
        };
        let label = format!("{verb} {path}");
        let answer = client::send(&self.policy, &label, &self.notes, &self.stop, || {
            let request = self.http.request(verb.clone(), url.clone()).bearer_auth(token.expose());
            match body {
                Some(b) => request.json(b),
                None => request,
            }
        })
        .await;
        let a = match answer {
            Ok(a) => a,
            Err(f) => {
                let why = format!("{label}: {}", self.provider.scrub(&f.message));
                return called(Got::Failed(f.http_status, why), f.http_status, f.attempts);
            }
        };
        let got = match a.status {
            404 => Got::NotFound,
            200..300 => match serde_json::from_str::<Value>(&a.body) {
                Ok(v) if v.is_object() => Got::Object(v),
                _ => Got::Failed(Some(a.status), format!("{label}: the answer is not a JSON object")),
            },
            _ => Got::Failed(
                Some(a.status),
                format!("{label}: {}", self.provider.scrub(&google_message(a.status, &a.body))),
            ),
        };
        called(got, Some(a.status), a.attempts)
    }
}

/// `403 PERMISSION_DENIED: …` from a Google error answer.
fn google_message(status: u16, body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let code = v.pointer("/error/status").and_then(Value::as_str).unwrap_or("");
    let message = v.pointer("/error/message").and_then(Value::as_str).unwrap_or("");
    format!("{status} {code}: {message}").trim_end_matches([' ', ':']).to_string()
}

/// The URL path (`v1/spaces/AAA/members/ana%40example.com`) of a resource
/// name of this shape (`["spaces", "members"]`): each id checked and
/// encoded as one path segment by `path.rs`, as `--send` builds its URLs.
fn resource(name: &str, collections: &[&'static str]) -> Result<String, String> {
    let ids = path::Pattern(collections.to_vec()).ids(name)?;
    let segments: Vec<String> =
        collections.iter().zip(ids).map(|(c, id)| format!("{c}/{}", path::encode(id))).collect();
    Ok(format!("v1/{}", segments.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_results_file_maps_each_request_id_to_the_space_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        std::fs::write(
            &path,
            concat!(
                "{\"request_id\": \"r-1\", \"status\": \"sent\", \"space\": \"spaces/A\"}\n",
                "{\"request_id\": \"r-2\", \"status\": \"failed\"}\n",
                "not a record\n",
                "{\"request_id\": \"r-3\", \"status\": \"exists\", \"space\": \"spaces/C\"}\n",
                "{\"request_id\": \"r-4\", \"status\": \"sent\", \"space\": \"spa"
            ),
        )
        .unwrap();
        let made = spaces_made(&path).unwrap();
        assert_eq!(made.len(), 2);
        assert_eq!((made["r-1"].as_str(), made["r-3"].as_str()), ("spaces/A", "spaces/C"));
        assert!(spaces_made(&dir.path().join("none.jsonl")).unwrap().is_empty());
        assert!(spaces_made(dir.path()).unwrap_err().contains("not a regular file"));
    }

    #[test]
    fn a_resource_name_is_one_encoded_segment_per_id() {
        assert_eq!(
            resource("spaces/A/members/ana@example.com", &["spaces", "members"]).unwrap(),
            "v1/spaces/A/members/ana%40example.com"
        );
        assert!(resource("spaces/A/../B", &["spaces"]).is_err());
        assert!(resource("spaces/A:delete", &["spaces"]).is_err());
        assert!(resource("spaces/A/members/x", &["spaces"]).is_err());
    }
}
