//! A local fake of the Chat API's space and membership reads and writes,
//! for the tests of `chatlint plan` (started by the tests on 127.0.0.1 with
//! wiremock; one stateful responder answers every path). It behaves as the
//! discovery document (`schemas/source/chat.v1.discovery.json`) and Google's
//! pages describe:
//!
//! - spaces.get / list / search (admin only, `customer` and `space_type`
//!   required, `display_name:` matched by prefix tokens) / setup / create
//!   (requestId replay; 409 ALREADY_EXISTS for a taken displayName) /
//!   patch (the masked fields only) / delete / completeImport;
//! - spaces.members.get (by numeric id, or the `{email}` alias) / list
//!   (JOINED humans only unless `showInvited`, user auth only, and
//!   `showGroups`; admin access needs a `member.type` filter and lists no
//!   apps) / create (409 for a member who is there, INVITED too) / patch
//!   (`role`) / delete (404 when gone);
//! - answers name people `users/{numeric id}`, never by email.
//!
//! Every request is recorded, so a test can say a run only read.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The access token the fake accepts.
pub const TOKEN: &str = "ya29.PLAN_TEST_TOKEN_d0n0tprint";
/// Who calls (the token's user).
pub const CALLER: &str = "owner@example.com";

#[derive(Default)]
struct State {
    /// spaces/{id} → the Space as the API answers it.
    spaces: BTreeMap<String, Value>,
    /// (space name, numeric user id) → the Membership.
    members: BTreeMap<(String, String), Value>,
    /// email → numeric user id (the directory).
    users: BTreeMap<String, String>,
    /// requestId → the space it made.
    request_ids: BTreeMap<String, String>,
    /// Every request, as `VERB /path?query`.
    log: Vec<String>,
    next_space: u32,
}

#[derive(Clone)]
pub struct FakeChat {
    state: Arc<Mutex<State>>,
}

pub struct Fake {
    pub server: MockServer,
    pub chat: FakeChat,
}

impl Fake {
    pub async fn start() -> Fake {
        let server = MockServer::start().await;
        let chat = FakeChat { state: Arc::default() };
        Mock::given(wiremock::matchers::any()).respond_with(chat.clone()).mount(&server).await;
        Fake { server, chat }
    }

    pub fn url(&self) -> String {
        self.server.uri()
    }
}

fn error(code: u16, status: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({"error": {"code": code, "message": message, "status": status}}))
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(v)
}

fn not_found(what: &str) -> ResponseTemplate {
    error(404, "NOT_FOUND", &format!("{what} not found"))
}

/// `display_name.x` → `/displayName/x`.
fn pointer(mask_path: &str) -> String {
    mask_path.trim().split('.').map(|seg| format!("/{}", chatlint_engine::model::to_camel_case(seg))).collect()
}

fn set_at(target: &mut Value, ptr: &str, v: Option<Value>) {
    let (parent, last) = ptr.rsplit_once('/').unwrap();
    let mut at = target;
    for seg in parent.split('/').skip(1) {
        if !at.get(seg).is_some_and(Value::is_object) {
            at[seg] = json!({});
        }
        at = at.get_mut(seg).unwrap();
    }
    match v {
        Some(v) => at[last] = v,
        None => {
            at.as_object_mut().map(|m| m.remove(last));
        }
    }
}

impl State {
    fn user_id(&mut self, email_or_id: &str) -> String {
        if email_or_id.chars().all(|c| c.is_ascii_digit()) {
            return email_or_id.to_string();
        }
        let n = self.users.len() as u64 + 1;
        self.users
            .entry(email_or_id.to_string())
            .or_insert_with(|| format!("{}", 100_000_000_000_000_000u64 + n))
            .clone()
    }

    /// `users/ana@example.com` or `users/123` → the numeric id.
    fn member_id(&mut self, member: &str) -> String {
        let raw = member.strip_prefix("users/").unwrap_or(member);
        self.user_id(raw)
    }

    fn name_taken(&self, display: &str, except: Option<&str>) -> bool {
        self.spaces.values().any(|s| {
            s["displayName"] == display && s["spaceType"] == "SPACE" && Some(s["name"].as_str().unwrap()) != except
        })
    }

    fn add_member(&mut self, space: &str, id: &str, state: &str, role: &str) -> Value {
        let mut m = json!({
            "name": format!("{space}/members/{id}"),
            "state": state,
            "role": role,
            "member": {"name": format!("users/{id}"), "type": "HUMAN"},
        });
        // A member's email is shown (to user authentication).
        if let Some((email, _)) = self.users.iter().find(|(_, v)| *v == id) {
            m["member"]["email"] = email.clone().into();
        }
        self.members.insert((space.to_string(), id.to_string()), m.clone());
        m
    }

    /// setup / create: the space's name, made now or by the same requestId
    /// before (`Ok((name, made_now))`), or the error answer.
    fn new_space(
        &mut self,
        mut space: Value,
        request_id: Option<String>,
    ) -> Result<(String, bool), Box<ResponseTemplate>> {
        if let Some(made) = request_id.as_ref().and_then(|r| self.request_ids.get(r)) {
            return Ok((made.clone(), false));
        }
        let display = space["displayName"].as_str().unwrap_or("").to_string();
        if space["spaceType"] == "SPACE" && self.name_taken(&display, None) {
            return Err(Box::new(error(409, "ALREADY_EXISTS", "A space with the same name already exists.")));
        }
        self.next_space += 1;
        let name = format!("spaces/AAAA{:04}", self.next_space);
        let obj = space.as_object_mut().unwrap();
        obj.insert("name".into(), name.clone().into());
        obj.insert("type".into(), "ROOM".into());
        obj.insert("spaceUri".into(), format!("https://chat.google.com/room/{}", &name[7..]).into());
        // Input only: the preset becomes the permission settings.
        let preset = obj.remove("predefinedPermissionSettings");
        let members_post = preset.as_ref().and_then(Value::as_str) != Some("ANNOUNCEMENT_SPACE");
        let mut post = json!({"managersAllowed": true, "assistantManagersAllowed": true});
        if members_post {
            post["membersAllowed"] = true.into();
        }
        obj.insert(
            "permissionSettings".into(),
            json!({"postMessages": post, "manageMembersAndGroups": {"managersAllowed": true}}),
        );
        obj.insert("spaceHistoryState".into(), obj.get("spaceHistoryState").cloned().unwrap_or("HISTORY_ON".into()));
        self.spaces.insert(name.clone(), space);
        if let Some(r) = request_id {
            self.request_ids.insert(r, name.clone());
        }
        let caller = self.user_id(CALLER);
        self.add_member(&name, &caller, "JOINED", "ROLE_MANAGER");
        Ok((name, true))
    }
}

impl Respond for FakeChat {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut st = self.state.lock().unwrap();
        let q = req.url.query().map(|q| format!("?{q}")).unwrap_or_default();
        st.log.push(format!("{} {}{q}", req.method, req.url.path()));
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bearer {TOKEN}") {
            return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        }
        let query: BTreeMap<String, String> =
            req.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let admin = query.get("useAdminAccess").is_some_and(|v| v == "true");
        let body: Value =
            if req.body.is_empty() { json!({}) } else { serde_json::from_slice(&req.body).unwrap_or(Value::Null) };
        let path = req.url.path().to_string();
        let Some(rest) = path.strip_prefix("/v1/") else { return not_found("method") };
        // Each id is one percent-encoded path segment (`ana%40example.com`).
        let decoded: Vec<String> = rest.split('/').map(percent_decode).collect();
        let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
        let verb = req.method.as_str();
        match (verb, segs.as_slice()) {
            ("POST", ["spaces:setup"]) => {
                let request_id = body["requestId"].as_str().map(str::to_string);
                let (name, made_now) = match st.new_space(body["space"].clone(), request_id) {
                    Ok(made) => made,
                    Err(answer) => return *answer,
                };
                // The setup's memberships join the space it makes.
                for m in body["memberships"].as_array().filter(|_| made_now).into_iter().flatten() {
                    let id = st.member_id(m.pointer("/member/name").and_then(Value::as_str).unwrap_or(""));
                    st.add_member(&name, &id, "JOINED", "ROLE_MEMBER");
                }
                ok(st.spaces[&name].clone())
            }
            ("POST", ["spaces"]) => match st.new_space(body, query.get("requestId").cloned()) {
                Ok((name, _)) => ok(st.spaces[&name].clone()),
                Err(answer) => *answer,
            },
            ("GET", ["spaces"]) => {
                let caller = st.user_id(CALLER);
                let mine: Vec<Value> = st
                    .spaces
                    .values()
                    .filter(|s| st.members.contains_key(&(s["name"].as_str().unwrap().to_string(), caller.clone())))
                    .cloned()
                    .collect();
                page(mine, "spaces", &query)
            }
            ("GET", ["spaces:search"]) => {
                if !admin {
                    return error(400, "INVALID_ARGUMENT", "spaces.search needs useAdminAccess=true here");
                }
                let q = query.get("query").cloned().unwrap_or_default();
                if !q.contains("customer = \"customers/my_customer\"") || !q.contains("space_type = \"SPACE\"") {
                    return error(400, "INVALID_ARGUMENT", "customer and space_type are required");
                }
                let wanted: Vec<String> = q
                    .split("display_name:\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(|t| t.split_whitespace().map(str::to_lowercase).collect())
                    .unwrap_or_default();
                let found: Vec<Value> = st
                    .spaces
                    .values()
                    .filter(|s| s["spaceType"] == "SPACE")
                    .filter(|s| {
                        let words: Vec<String> =
                            s["displayName"].as_str().unwrap_or("").split_whitespace().map(str::to_lowercase).collect();
                        wanted.iter().all(|t| words.iter().any(|w| w.contains(t.as_str())))
                    })
                    .cloned()
                    .collect();
                page(found, "spaces", &query)
            }
            ("GET", ["spaces", id]) => match st.spaces.get(&format!("spaces/{id}")) {
                Some(s) => ok(s.clone()),
                None => not_found("Space"),
            },
            ("PATCH", ["spaces", id]) => {
                let name = format!("spaces/{id}");
                let Some(mut space) = st.spaces.get(&name).cloned() else { return not_found("Space") };
                let Some(mask) = query.get("updateMask") else {
                    return error(400, "INVALID_ARGUMENT", "updateMask is required");
                };
                for p in mask.split(',') {
                    let ptr = pointer(p);
                    set_at(&mut space, &ptr, body.pointer(&ptr).cloned());
                }
                let display = space["displayName"].as_str().unwrap_or("").to_string();
                if st.name_taken(&display, Some(&name)) {
                    return error(409, "ALREADY_EXISTS", "A space with the same name already exists.");
                }
                st.spaces.insert(name, space.clone());
                ok(space)
            }
            ("DELETE", ["spaces", id]) => {
                let name = format!("spaces/{id}");
                if st.spaces.remove(&name).is_none() {
                    return not_found("Space");
                }
                st.members.retain(|(s, _), _| *s != name);
                ok(json!({}))
            }
            ("POST", ["spaces", id]) if id.ends_with(":completeImport") => {
                let name = format!("spaces/{}", id.trim_end_matches(":completeImport"));
                let Some(space) = st.spaces.get_mut(&name) else { return not_found("Space") };
                if space["importMode"] != true {
                    return error(400, "FAILED_PRECONDITION", "The space is not in import mode.");
                }
                space.as_object_mut().unwrap().remove("importMode");
                ok(json!({"space": space.clone()}))
            }
            ("GET", ["spaces", id, "members"]) => {
                let name = format!("spaces/{id}");
                if !st.spaces.contains_key(&name) {
                    return not_found("Space");
                }
                let filter = query.get("filter").cloned().unwrap_or_default();
                if admin && !filter.contains("member.type") {
                    return error(400, "INVALID_ARGUMENT", "a member.type filter is required with admin access");
                }
                let invited = !admin && query.get("showInvited").is_some_and(|v| v == "true");
                let list: Vec<Value> = st
                    .members
                    .iter()
                    .filter(|((s, _), m)| {
                        *s == name && (m["state"] == "JOINED" || (invited && m["state"] == "INVITED"))
                    })
                    .map(|(_, m)| m.clone())
                    .collect();
                page(list, "memberships", &query)
            }
            ("POST", ["spaces", id, "members"]) => {
                let name = format!("spaces/{id}");
                if !st.spaces.contains_key(&name) {
                    return not_found("Space");
                }
                let Some(member) = body.pointer("/member/name").and_then(Value::as_str) else {
                    return error(400, "INVALID_ARGUMENT", "member.name is required");
                };
                let uid = st.member_id(member);
                if st.members.contains_key(&(name.clone(), uid.clone())) {
                    return error(409, "ALREADY_EXISTS", "The membership already exists.");
                }
                ok(st.add_member(&name, &uid, "JOINED", "ROLE_MEMBER"))
            }
            (verb @ ("GET" | "PATCH" | "DELETE"), ["spaces", id, "members", member]) => {
                let name = format!("spaces/{id}");
                let uid = st.user_id(member);
                let key = (name, uid);
                let Some(m) = st.members.get(&key).cloned() else { return not_found("Membership") };
                match verb {
                    "GET" => ok(m),
                    "DELETE" => {
                        st.members.remove(&key);
                        ok(m)
                    }
                    _ => {
                        if query.get("updateMask").map(String::as_str) != Some("role") {
                            return error(400, "INVALID_ARGUMENT", "updateMask must be role");
                        }
                        let m = st.members.get_mut(&key).unwrap();
                        m["role"] = body["role"].clone();
                        ok(m.clone())
                    }
                }
            }
            _ => not_found("method"),
        }
    }
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One page of a list, `pageToken` being the offset.
fn page(all: Vec<Value>, field: &str, query: &BTreeMap<String, String>) -> ResponseTemplate {
    let size = query.get("pageSize").and_then(|s| s.parse::<usize>().ok()).unwrap_or(100).clamp(1, 1000);
    let from = query.get("pageToken").and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
    let items: Vec<Value> = all.iter().skip(from).take(size).cloned().collect();
    let mut answer = json!({ field: items });
    if from + size < all.len() {
        answer["nextPageToken"] = (from + size).to_string().into();
    }
    ok(answer)
}

/// What a person does by hand in Chat, and what a test asks the fake.
impl FakeChat {
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn space_named(&self, display: &str) -> Option<Value> {
        self.state.lock().unwrap().spaces.values().find(|s| s["displayName"] == display).cloned()
    }

    /// Sets (or, with `None`, removes) a field of a space by hand.
    pub fn edit(&self, space: &str, pointer: &str, value: Option<Value>) {
        set_at(self.state.lock().unwrap().spaces.get_mut(space).unwrap(), pointer, value);
    }

    pub fn rename(&self, space: &str, display: &str) {
        self.state.lock().unwrap().spaces.get_mut(space).unwrap()["displayName"] = display.into();
    }

    pub fn remove(&self, space: &str, email: &str) {
        let mut st = self.state.lock().unwrap();
        let id = st.user_id(email);
        st.members.remove(&(space.to_string(), id)).unwrap();
    }

    pub fn set_role(&self, space: &str, email: &str, role: &str) {
        let mut st = self.state.lock().unwrap();
        let id = st.user_id(email);
        st.members.get_mut(&(space.to_string(), id)).unwrap()["role"] = role.into();
    }

    /// Adds someone by hand, joined, with a role.
    pub fn add(&self, space: &str, email: &str, role: &str) {
        let mut st = self.state.lock().unwrap();
        let id = st.user_id(email);
        st.add_member(space, &id, "JOINED", role);
    }

    /// Invites someone: there, not joined.
    pub fn invite(&self, space: &str, email: &str) {
        let mut st = self.state.lock().unwrap();
        let id = st.user_id(email);
        st.add_member(space, &id, "INVITED", "ROLE_MEMBER");
    }

    pub fn user_id(&self, email: &str) -> String {
        self.state.lock().unwrap().user_id(email)
    }
}
