//! The HTTP request for one checked file, as the method table's row says:
//! its verb, its path template (`v1/spaces:setup`, `v1/{name}`,
//! `v1/{parent}/members`), its parameters (where each travels) and its
//! body field. Nothing here matches on the method.
//!
//! Parameters come from the file (Google's request message carries them)
//! or, for a bare body, from chatlint.toml or the flags; a required one that
//! is given nowhere stops the plan (nothing is assumed when sending). A
//! resource name in the path is checked and each of its ids encoded as one
//! path segment (`path`); query parameters go in only through the URL's
//! query serializer. The body is the file's JSON (the server reads the same
//! aliases and spellings the linter accepted), or, for a request message,
//! the part of it that is the HTTP body, written again compact with each
//! object's keys sorted (serde_json's map); a missing body requestId is added.
//! A method whose whole message is the body (`*`) sends it without the
//! fields the URL carries (completeImport: `{}`), and a method with no HTTP
//! body (a DELETE) sends none.

use super::Item;
use super::outcome;
use super::path::{self, Pattern};
use super::request_id;
use chatlint_engine::method::{Location, Memberships, Method, ParamKey};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The Chat API's base URL.
pub const DEFAULT_ENDPOINT: &str = "https://chat.googleapis.com";

#[derive(Debug, Clone)]
pub struct Planned {
    /// The file's index in the run's results.
    pub index: usize,
    pub file: String,
    pub method: Method,
    pub verb: reqwest::Method,
    /// The requestId it sends (the file's, or derived from the content);
    /// for a method that takes none, the derived id of what it asks for,
    /// which is never sent. The results file knows a request by
    /// [`Planned::identity`], not by this.
    pub request_id: String,
    /// Whether `request_id` is sent (the method takes a requestId).
    pub sends_request_id: bool,
    /// `file` or `derived`.
    pub request_id_source: &'static str,
    /// Sent with `useAdminAccess=true` (admin scopes).
    pub admin: bool,
    pub url: Url,
    /// The HTTP body; `None` for a method without one (the row's `has_body`).
    pub body: Option<Value>,
    /// The resource the request names (its `name` parameter), if any: what
    /// a delete removes.
    pub target: Option<String>,
    /// The row says the call removes something for good.
    pub destructive: bool,
    /// What the request asks for: its canonical value without the
    /// requestId (requests that share an id must ask for the same).
    pub asks: Value,
    /// What the answer must name: the method's resource, under the names
    /// the path gave (`spaces/{that space}/members/…`).
    pub answer: Expected,
}

/// The resource a successful answer must name.
#[derive(Debug, Clone)]
pub struct Expected {
    pub pattern: Pattern,
    /// The leading ids the request fixed (a member's space; a patched
    /// space's own id).
    pub ids: Vec<String>,
}

impl Expected {
    /// Why `name` (from the answer) is not what the request asked about.
    pub fn problem(&self, name: &str) -> Option<String> {
        // The server's text, shown: control characters escaped, cut short.
        let mut shown: String = name.chars().take(120).flat_map(char::escape_debug).collect();
        if name.chars().nth(120).is_some() {
            shown.push('…');
        }
        let ids = match self.pattern.ids(name) {
            Ok(ids) => ids,
            Err(_) => {
                return Some(format!("the answer names `{shown}`, not a resource of the form `{}`", self.pattern));
            }
        };
        if ids.iter().zip(&self.ids).all(|(got, asked)| got == asked) {
            return None;
        }
        let asked: Vec<String> = self.pattern.0.iter().zip(&self.ids).map(|(c, id)| format!("{c}/{id}")).collect();
        Some(format!("the answer names `{shown}`, which is not in `{}`, the resource asked for", asked.join("/")))
    }
}

/// What identifies a request in the results file: the request as sent
/// (verb, the URL with endpoint, path and query, and the SHA-256 of the
/// body's bytes). A record stands only for this very request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub http_method: String,
    pub url: String,
    pub body_sha256: String,
}

impl Identity {
    /// A request as it goes out: its verb, its whole URL and its JSON body.
    pub fn of(verb: &reqwest::Method, url: &Url, body: Option<&Value>) -> Identity {
        // The same bytes the client sends (`RequestBuilder::json`); none
        // for a call without a body.
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default()).unwrap_or_default();
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
        Identity {
            http_method: verb.to_string(),
            url: url.to_string(),
            body_sha256: digest.as_ref().iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

impl Planned {
    /// Writes the requestId (when the method sends one) on an outcome.
    pub fn stamp(&self, o: &mut outcome::Outcome) {
        if self.sends_request_id {
            o.request_id = Some(self.request_id.clone());
            o.request_id_source = Some(self.request_id_source);
        }
    }

    /// A request whose body is one membership that adds the calling app
    /// (`users/app`).
    pub fn adds_the_calling_app(&self) -> bool {
        let spec = self.method.spec();
        match (spec.body.memberships, &self.body) {
            (Memberships::One(at), Some(body)) => {
                body.pointer(&format!("{at}/member/name")).and_then(Value::as_str) == Some("users/app")
            }
            _ => false,
        }
    }

    /// A request about the calling app's own membership: it adds the app,
    /// or names `spaces/{space}/members/app` (removing the app).
    pub fn concerns_the_calling_app(&self) -> bool {
        self.adds_the_calling_app() || self.target.as_deref().is_some_and(|t| t.ends_with("/members/app"))
    }

    /// The request as sent, for the results file.
    pub fn identity(&self) -> Identity {
        Identity::of(&self.verb, &self.url, self.body.as_ref())
    }

    /// The request as shown; `allow_delete`: whether the run may make a
    /// destructive call (`--allow-delete`).
    pub fn request(&self, allow_delete: bool) -> outcome::Request {
        outcome::Request {
            http_method: self.method.spec().http.verb,
            url: self.url.to_string(),
            body: self.body.clone(),
            destructive: self.destructive.then_some(outcome::Destructive { allowed: allow_delete }),
        }
    }
}

/// Plans the request of a checked file (which has a method and no error):
/// the method table gives the verb, the path, the parameters and where the
/// requestId goes.
pub fn plan(index: usize, item: &Item, endpoint: &Url) -> Result<Planned, String> {
    let method = item.method.ok_or("the file's method is unknown")?;
    let spec = method.spec();
    let text = item.text.strip_prefix('\u{feff}').unwrap_or(&item.text);
    let file: Value = serde_json::from_str(text).map_err(|e| format!("the body is not JSON: {e}"))?;
    let doc = chatlint_engine::parse_document(text, method).ok_or("the body is not a JSON object")?;
    // A request message carries its parameters; its body is one of its fields.
    let is_message = doc.layout.root != spec.body.root;
    let mut body = match (is_message, spec.http.body) {
        (true, Some(field)) => file.get(field).cloned().ok_or_else(|| format!("the request has no `{field}`"))?,
        _ => file,
    };
    if spec.http.body.is_none() {
        // The whole message is the body (`*`), less what the URL carries.
        let in_url = |key: ParamKey| spec.params.iter().any(|p| p.key == key && p.location != Location::Body);
        if let Value::Object(members) = &mut body {
            members.retain(|k, _| {
                !doc.layout.params.iter().any(|(key, ptr)| in_url(*key) && ptr.strip_prefix('/') == Some(k.as_str()))
            });
        }
    }
    let param = |key: ParamKey| -> Option<String> {
        let from_file = doc.layout.param(key).and_then(|ptr| doc.get(ptr)).map(|v| match v {
            chatlint_engine::Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        from_file.or_else(|| item.params.get(key))
    };
    let id_param = spec.params.iter().find(|p| p.key == ParamKey::RequestId);
    let in_body = doc.layout.param(ParamKey::RequestId);
    let from_file = in_body.and_then(|ptr| doc.get(ptr)).and_then(chatlint_engine::Value::as_str).map(str::to_string);
    let mut asks = doc.value.to_json();
    if let (Some(ptr), Some(members)) = (in_body, asks.as_object_mut()) {
        members.remove(ptr.trim_start_matches('/'));
    }
    let (request_id, source) = match from_file.or_else(|| item.params.request_id.clone()) {
        Some(id) => (id, "file"),
        None => (request_id::derive(&doc), "derived"),
    };
    if endpoint.query().is_some() || endpoint.fragment().is_some() {
        return Err(format!("--endpoint `{endpoint}` has a query or a fragment; give the API's base URL only"));
    }
    if !endpoint.username().is_empty() || endpoint.password().is_some() {
        return Err("--endpoint has a user name or password in it; give the API's base URL only".into());
    }
    let mut query: Vec<(&str, String)> = Vec::new();
    for p in spec.params.iter().filter(|p| p.key != ParamKey::RequestId) {
        let value = match param(p.key) {
            Some(v) => v,
            None if p.required => {
                return Err(format!(
                    "no `{}` for this file: write it in the file (Google's request message) or give it in \
                     chatlint.toml ([[requests]]) or with --{}; nothing is assumed when sending",
                    p.key.name(),
                    chatlint_engine::model::to_snake_case(p.key.name()).replace('_', "-")
                ));
            }
            None => continue,
        };
        if p.location == Location::Query {
            query.push((p.key.name(), value));
        }
    }
    // Each resource name is checked and each id encoded as one segment.
    let path = path::build(spec, &|key| param(key)).map_err(|e| format!("{e}; nothing is sent to such a URL"))?;
    let full_path = format!("{}/{path}", endpoint.path().trim_end_matches('/'));
    let mut url = endpoint.clone();
    url.set_path(&full_path);
    if url.path() != full_path {
        // Never reached with checked names; a URL reader must not reshape it.
        return Err(format!("the URL's path would become `{}`, not `{full_path}`", url.path()));
    }
    let admin = query.iter().any(|(k, v)| *k == ParamKey::UseAdminAccess.name() && v == "true");
    query.retain(|(k, v)| *k != ParamKey::UseAdminAccess.name() || v == "true");
    // Parameters go in only through the query serializer.
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
    }
    let answer = expected(spec, &param);
    let verb = reqwest::Method::from_bytes(spec.http.verb.as_bytes()).map_err(|e| e.to_string())?;
    match id_param.map(|p| p.location) {
        Some(Location::Query) => {
            url.query_pairs_mut().append_pair("requestId", &request_id);
        }
        Some(Location::Body) if source == "derived" => {
            if let Value::Object(members) = body {
                let mut with_id = Map::new();
                with_id.insert("requestId".into(), Value::String(request_id.clone()));
                // An unset id (`""`, `null`) in either spelling is replaced.
                with_id.extend(members.into_iter().filter(|(k, _)| !ParamKey::RequestId.matches(k)));
                body = Value::Object(with_id);
            }
        }
        _ => {}
    }
    Ok(Planned {
        index,
        file: item.name.clone(),
        method,
        verb,
        request_id,
        sends_request_id: id_param.is_some(),
        request_id_source: source,
        admin,
        url,
        body: spec.http.has_body.then_some(body),
        target: param(ParamKey::Name),
        destructive: spec.destructive,
        asks,
        answer,
    })
}

/// What the answer must name: the method's resource, within what the
/// path named (checked already, so the names parse).
fn expected(spec: &chatlint_engine::method::Spec, param: &dyn Fn(ParamKey) -> Option<String>) -> Expected {
    let pattern = Pattern::resource(spec);
    let mut ids = Vec::new();
    for p in spec.params.iter().filter(|p| p.location == Location::Path) {
        let (Some(of), Some(value)) = (Pattern::of_param(spec, p.key), param(p.key)) else { continue };
        let mut given = of.ids(&value).unwrap_or_default();
        // A member named by email (`spaces/A/members/x@example.com`) or
        // the calling app (`spaces/A/members/app`), aliases the API
        // documents, comes back under its own id.
        if p.key == ParamKey::Name && given.last().is_some_and(|id| id.contains('@') || *id == "app") {
            given.pop();
        }
        if given.len() > ids.len() {
            ids = given.into_iter().map(str::to_string).collect();
        }
    }
    Expected { pattern, ids }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatlint_engine::Params;

    fn file(name: &str, method: Method, text: &str) -> Item {
        Item {
            name: name.into(),
            text: text.into(),
            method: Some(method),
            checked: super::super::Checked::Passed,
            params: Params::default(),
        }
    }

    #[test]
    fn setup_keeps_the_files_id() {
        let text = r#"{"request_id":"ABC","space":{"spaceType":"GROUP_CHAT"}}"#;
        let endpoint = Url::parse("http://127.0.0.1:9/").unwrap();
        let p = plan(0, &file("x.setup.json", Method::Setup, text), &endpoint).unwrap();
        assert_eq!(p.url.as_str(), "http://127.0.0.1:9/v1/spaces:setup");
        assert_eq!(p.request_id, "ABC");
        assert_eq!(p.request_id_source, "file");
        assert_eq!(p.body, Some(serde_json::from_str::<Value>(text).unwrap()));
    }

    #[test]
    fn setup_gets_a_derived_id_first() {
        let text = r#"{"requestId":"","space":{"spaceType":"SPACE","displayName":"A"}}"#;
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        let f = file("t/a.setup.json", Method::Setup, text);
        let p = plan(0, &f, &endpoint).unwrap();
        assert_eq!(p.request_id_source, "derived");
        let body = p.body.as_ref().unwrap();
        assert_eq!(body.as_object().unwrap().keys().next().unwrap(), "requestId");
        assert_eq!(body["requestId"], p.request_id.as_str());
        assert_eq!(body.as_object().unwrap().len(), 2);
        let again = plan(0, &f, &endpoint).unwrap();
        assert_eq!(again.request_id, p.request_id);
    }

    #[test]
    fn create_puts_the_id_in_the_query() {
        let text = r#"{"spaceType":"SPACE","displayName":"A"}"#;
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        let p = plan(3, &file("a.create.json", Method::Create, text), &endpoint).unwrap();
        assert_eq!(p.url.as_str(), format!("https://chat.googleapis.com/v1/spaces?requestId={}", p.request_id));
        assert_eq!(p.body, Some(serde_json::from_str::<Value>(text).unwrap()));
        assert_eq!(p.index, 3);
    }
}

#[cfg(test)]
mod new_methods {
    use super::*;
    use chatlint_engine::Params;

    fn item(method: Method, text: &str, params: Params) -> Item {
        Item {
            name: "f.json".into(),
            text: text.into(),
            method: Some(method),
            checked: super::super::Checked::Passed,
            params,
        }
    }

    #[test]
    fn patch_takes_the_name_and_mask_from_the_request_message_and_sends_the_space() {
        let text =
            r#"{"space":{"name":"spaces/AAA","displayName":"New"},"updateMask":"displayName","useAdminAccess":false}"#;
        let endpoint = Url::parse("http://127.0.0.1:9").unwrap();
        let p = plan(0, &item(Method::Patch, text, Params::default()), &endpoint).unwrap();
        assert_eq!(p.verb, reqwest::Method::PATCH);
        assert_eq!(p.url.as_str(), "http://127.0.0.1:9/v1/spaces/AAA?updateMask=displayName");
        assert_eq!(p.body, Some(serde_json::json!({"name": "spaces/AAA", "displayName": "New"})));
        assert!(!p.sends_request_id && !p.admin);
    }

    #[test]
    fn the_four_new_methods_plan_as_their_rows_say() {
        let endpoint = Url::parse("http://127.0.0.1:9").unwrap();
        let role = r#"{"membership":{"name":"spaces/A/members/123","role":"ROLE_MANAGER"},"updateMask":"role"}"#;
        let p = plan(0, &item(Method::MembersPatch, role, Params::default()), &endpoint).unwrap();
        assert_eq!(
            (p.verb.as_str(), p.url.as_str()),
            ("PATCH", "http://127.0.0.1:9/v1/spaces/A/members/123?updateMask=role")
        );
        assert_eq!(p.body, Some(serde_json::json!({"name": "spaces/A/members/123", "role": "ROLE_MANAGER"})));
        assert!(!p.destructive);
        assert_eq!(p.answer.problem("spaces/A/members/123"), None);
        assert!(p.answer.problem("spaces/A/members/456").is_some(), "the answer is that membership");

        let remove = r#"{"name":"spaces/A/members/kim@example.com","useAdminAccess":true}"#;
        let p = plan(0, &item(Method::MembersDelete, remove, Params::default()), &endpoint).unwrap();
        assert_eq!(p.verb.as_str(), "DELETE");
        assert_eq!(p.url.as_str(), "http://127.0.0.1:9/v1/spaces/A/members/kim%40example.com?useAdminAccess=true");
        assert_eq!(p.body, None, "a DELETE has no body");
        assert!(p.destructive && p.admin);
        assert_eq!(p.target.as_deref(), Some("spaces/A/members/kim@example.com"));
        assert_eq!(p.answer.problem("spaces/A/members/789"), None, "an email comes back as its user's id");
        assert!(p.answer.problem("spaces/B/members/789").is_some());
        let app =
            plan(0, &item(Method::MembersDelete, r#"{"name":"spaces/A/members/app"}"#, Params::default()), &endpoint)
                .unwrap();
        assert!(app.concerns_the_calling_app());
        assert_eq!(app.answer.problem("spaces/A/members/bot1"), None);

        let p = plan(0, &item(Method::Delete, r#"{"name":"spaces/A"}"#, Params::default()), &endpoint).unwrap();
        assert_eq!((p.verb.as_str(), p.url.as_str(), &p.body), ("DELETE", "http://127.0.0.1:9/v1/spaces/A", &None));
        assert!(p.destructive);

        let complete = r#"{"name":"spaces/A"}"#;
        let p = plan(0, &item(Method::CompleteImport, complete, Params::default()), &endpoint).unwrap();
        assert_eq!((p.verb.as_str(), p.url.as_str()), ("POST", "http://127.0.0.1:9/v1/spaces/A:completeImport"));
        assert_eq!(p.body, Some(serde_json::json!({})), "the name travels in the path");
        assert!(!p.destructive && !p.sends_request_id);
        // A call without a body is known by its empty body in the results.
        let empty = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b"");
        let delete = plan(0, &item(Method::Delete, r#"{"name":"spaces/A"}"#, Params::default()), &endpoint).unwrap();
        let hex: String = empty.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(delete.identity().body_sha256, hex);
    }

    #[test]
    fn a_bare_body_takes_its_parameters_from_the_config_and_nothing_is_assumed() {
        let endpoint = Url::parse("http://127.0.0.1:9").unwrap();
        let given = Params { parent: Some("spaces/BBB".into()), use_admin_access: Some(true), ..Params::default() };
        let body = r#"{"member":{"name":"users/1","type":"HUMAN"}}"#;
        let p = plan(0, &item(Method::MembersCreate, body, given), &endpoint).unwrap();
        assert_eq!(p.url.as_str(), "http://127.0.0.1:9/v1/spaces/BBB/members?useAdminAccess=true");
        assert!(p.admin);
        let err = plan(0, &item(Method::MembersCreate, body, Params::default()), &endpoint).unwrap_err();
        assert!(err.contains("no `parent`") && err.contains("--parent"), "{err}");
        let patch = r#"{"name":"spaces/AAA","displayName":"New"}"#;
        let err = plan(0, &item(Method::Patch, patch, Params::default()), &endpoint).unwrap_err();
        assert!(err.contains("no `updateMask`") && err.contains("--update-mask"), "{err}");
    }
}

/// Whatever `name`, `parent` and `updateMask` say, from the file or from
/// outside it (chatlint.toml and the flags both arrive as `Params`), a
/// planned URL has its method's shape: the same literal segments, one
/// segment per id that decodes back to the id given, and exactly the
/// expected query keys.
#[cfg(test)]
mod shape {
    use super::*;
    use chatlint_engine::Params;
    use proptest::prelude::*;

    fn item(method: Method, text: String, params: Params) -> Item {
        Item { name: "f.json".into(), text, method: Some(method), checked: super::super::Checked::Passed, params }
    }

    /// Strings that try hard: URL delimiters, escapes, dots and slashes,
    /// behind a plausible prefix or not at all.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("spaces/".to_string()),
            Just("..".to_string()),
            Just("%2e".to_string()),
            Just("%2F".to_string()),
            Just(":setup".to_string()),
            Just("/members".to_string()),
            "[a-zA-Z0-9/\\\\?#%:&=.+@ ~_-]{1,6}",
            "[\\x00-\\x1f\\x7f\\u{85}\\u{a0}\\u{2028}]",
            any::<String>(),
        ];
        let parts = prop::collection::vec(piece, 0..6).prop_map(|parts| parts.concat());
        // Half of them look like a space's name at first.
        (any::<bool>(), parts).prop_map(|(named, rest)| if named { format!("spaces/{rest}") } else { rest })
    }

    /// The path's segments under the endpoint, and the query's keys.
    fn shape_of(url: &Url) -> (Vec<String>, Vec<String>) {
        let segments = url.path_segments().map(|s| s.map(str::to_string).collect()).unwrap_or_default();
        let keys = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        (segments, keys)
    }

    /// Whether the engine finds an error of `rule` in what is offered.
    fn gate_holds(offered: &Item, rule: &str) -> bool {
        let mut request = chatlint_engine::Request::new(&offered.text, offered.method, None);
        request.params = offered.params.clone();
        let report = chatlint_engine::analyze(&request, &chatlint_engine::Settings::default());
        report.diagnostics.iter().any(|d| d.rule.id() == rule && d.severity == chatlint_engine::Severity::Error)
    }

    fn decoded(segment: &str) -> String {
        percent_encoding::percent_decode_str(segment).decode_utf8().unwrap().into_owned()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn a_patch_url_keeps_its_shape(name in hostile(), mask in hostile(), in_file in any::<bool>()) {
            let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
            let offered = if in_file {
                let text = serde_json::json!({"space": {"name": name, "displayName": "x"}, "updateMask": mask}).to_string();
                item(Method::Patch, text, Params::default())
            } else {
                let given = Params { name: Some(name.clone()), update_mask: Some(mask.clone()), ..Params::default() };
                item(Method::Patch, r#"{"displayName":"x"}"#.into(), given)
            };
            let planned = plan(0, &offered, &endpoint);
            if let Err(e) = &planned && e.contains("is not of the form") {
                prop_assert!(gate_holds(&offered, "space-name-format"), "{e}");
            }
            if let Ok(p) = planned {
                let (segments, keys) = shape_of(&p.url);
                prop_assert_eq!(segments.len(), 3, "{}", p.url);
                prop_assert_eq!((segments[0].as_str(), segments[1].as_str()), ("v1", "spaces"));
                prop_assert_eq!(format!("spaces/{}", decoded(&segments[2])), name);
                prop_assert_eq!(keys, ["updateMask"]);
                prop_assert_eq!(p.url.query_pairs().next().unwrap().1.into_owned(), mask);
                prop_assert!(p.url.fragment().is_none());
                prop_assert_eq!(Url::parse(p.url.as_str()).unwrap(), p.url.clone(), "the URL reads back the same");
            }
        }

        #[test]
        fn a_members_url_keeps_its_shape(parent in hostile(), admin in any::<bool>(), in_file in any::<bool>()) {
            let endpoint = Url::parse("http://127.0.0.1:9/base/").unwrap();
            let member = serde_json::json!({"member": {"name": "users/1", "type": "HUMAN"}});
            let offered = if in_file {
                let text = serde_json::json!({"parent": parent, "useAdminAccess": admin, "membership": member});
                item(Method::MembersCreate, text.to_string(), Params::default())
            } else {
                let given = Params { parent: Some(parent.clone()), use_admin_access: Some(admin), ..Params::default() };
                item(Method::MembersCreate, member.to_string(), given)
            };
            let planned = plan(0, &offered, &endpoint);
            // What the sender refuses, the gate already holds back: the
            // engine's parent-format is an error on the same value.
            if let Err(e) = &planned && e.contains("is not of the form") {
                prop_assert!(gate_holds(&offered, "parent-format"), "{e}");
            }
            if let Ok(p) = planned {
                let (segments, keys) = shape_of(&p.url);
                prop_assert_eq!(segments.len(), 5, "{}", p.url);
                prop_assert_eq!(
                    [segments[0].as_str(), segments[1].as_str(), segments[2].as_str(), segments[4].as_str()],
                    ["base", "v1", "spaces", "members"]
                );
                prop_assert_eq!(format!("spaces/{}", decoded(&segments[3])), parent);
                let expected: &[&str] = if admin { &["useAdminAccess"] } else { &[] };
                prop_assert_eq!(keys, expected);
                prop_assert!(p.url.fragment().is_none());
                prop_assert_eq!(Url::parse(p.url.as_str()).unwrap(), p.url.clone());
            }
        }
    }

    proptest! {
        // So that the shape tests above cannot pass by refusing everything.
        #[test]
        fn a_plain_id_always_plans_and_reads_back(id in "[A-Za-z0-9._~@+!'()*,;=$&-]{1,12}") {
            prop_assume!(id != "." && id != "..");
            let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
            let given = Params { parent: Some(format!("spaces/{id}")), ..Params::default() };
            let member = r#"{"member": {"name": "users/1", "type": "HUMAN"}}"#;
            let p = plan(0, &item(Method::MembersCreate, member.into(), given), &endpoint).unwrap();
            let (segments, keys) = shape_of(&p.url);
            prop_assert_eq!(segments.len(), 4);
            prop_assert_eq!(decoded(&segments[2]), id);
            prop_assert!(keys.is_empty());
        }
    }

    #[test]
    fn the_reported_reproductions_are_refused() {
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        let member = r#"{"member": {"name": "users/1", "type": "HUMAN"}}"#;
        for parent in ["spaces/%2e%2e", "spaces/AAA\\messages?", "spaces/AAA?useAdminAccess=true&x=", "spaces/A#frag"] {
            let given = Params { parent: Some(parent.into()), ..Params::default() };
            let err = plan(0, &item(Method::MembersCreate, member.into(), given), &endpoint).unwrap_err();
            assert!(err.contains("is not of the form `spaces/{id}`") && err.contains("nothing is sent"), "{err}");
        }
        for name in ["spaces/AAA\\messages\\BBB", "spaces/..\\spaces:setup", "spaces/AAA:setup"] {
            let text = serde_json::json!({"space": {"name": name}, "updateMask": "displayName"}).to_string();
            assert!(plan(0, &item(Method::Patch, text, Params::default()), &endpoint).is_err(), "{name}");
        }
        // An id that is fine but not plain is encoded, not refused.
        let given = Params { parent: Some("spaces/a+b@c!".into()), ..Params::default() };
        let p = plan(0, &item(Method::MembersCreate, member.into(), given), &endpoint).unwrap();
        assert_eq!(p.url.as_str(), "https://chat.googleapis.com/v1/spaces/a%2Bb%40c%21/members");
    }

    #[test]
    fn an_answer_must_name_what_was_asked() {
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        let member = r#"{"parent": "spaces/AAA", "membership": {"member": {"name": "users/1", "type": "HUMAN"}}}"#;
        let p = plan(0, &item(Method::MembersCreate, member.into(), Params::default()), &endpoint).unwrap();
        assert_eq!(p.answer.problem("spaces/AAA/members/123"), None);
        let other = p.answer.problem("spaces/BBB/members/123").unwrap();
        assert!(other.contains("`spaces/BBB/members/123`") && other.contains("`spaces/AAA`"), "{other}");
        assert!(p.answer.problem("spaces/AAA").is_some(), "a space is no membership");
        let raw = p.answer.problem(&format!("spaces/\u{1b}[31m{}", "x".repeat(500))).unwrap();
        assert!(raw.contains("spaces/\\u{1b}[31mxxx") && raw.contains("x…`") && raw.len() < 250, "{raw}");
        let patch = r#"{"space": {"name": "spaces/AAA"}, "updateMask": "displayName"}"#;
        let p = plan(0, &item(Method::Patch, patch.into(), Params::default()), &endpoint).unwrap();
        assert_eq!(p.answer.problem("spaces/AAA"), None);
        assert!(p.answer.problem("spaces/BBB").is_some());
        // A member named by email comes back under its id.
        let delete = Method::MembersDelete.spec();
        let by_email = expected(delete, &|_| Some("spaces/AAA/members/kim@example.com".into()));
        assert_eq!(by_email.problem("spaces/AAA/members/123"), None);
        assert!(by_email.problem("spaces/BBB/members/123").is_some());
        let by_id = expected(delete, &|_| Some("spaces/AAA/members/123".into()));
        assert!(by_id.problem("spaces/AAA/members/456").is_some());
        let setup =
            plan(0, &item(Method::Setup, r#"{"space": {"spaceType": "SPACE"}}"#.into(), Params::default()), &endpoint)
                .unwrap();
        assert_eq!(setup.answer.problem("spaces/NEW"), None);
        assert!(setup.answer.problem("spaces/NEW/members/1").is_some());
    }
}
