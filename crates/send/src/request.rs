//! The HTTP request for one checked file, as the method table says:
//!
//! - `spaces.setup`: `POST {endpoint}/v1/spaces:setup`, the file's body,
//!   with `requestId` added when the file sets none;
//! - `spaces.create`: `POST {endpoint}/v1/spaces?requestId=…`, the file's
//!   body (a Space), with the derived requestId as the query parameter;
//! - `spaces.patch`: `PATCH {endpoint}/v1/{name}?updateMask=…`, the Space;
//! - `spaces.members.create`: `POST {endpoint}/v1/{parent}/members`, the
//!   Membership.
//!
//! Parameters come from the file (Google's request message carries them)
//! or, for a bare body, from chatlint.toml or the flags; a required one that
//! is given nowhere stops the plan (nothing is assumed when sending). The
//! body is the file's JSON value (the server reads the same aliases and
//! spellings the linter accepted), or, for a request message, the part of
//! it that is the HTTP body, written again compact with each object's keys
//! sorted (serde_json's map); only a missing requestId is added.

use super::Item;
use super::outcome;
use super::request_id;
use chatlint_engine::method::{Location, Method, ParamKey};
use reqwest::Url;
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
    /// The request's identity: the requestId it sends, or, for a method
    /// that takes none, chatlint's derived id of what it asks for (the
    /// results file records it, so a re-run can skip what was sent).
    pub request_id: String,
    /// Whether `request_id` is sent (the method takes a requestId).
    pub sends_request_id: bool,
    /// `file` or `derived`.
    pub request_id_source: &'static str,
    /// Sent with `useAdminAccess=true` (admin scopes).
    pub admin: bool,
    pub url: Url,
    pub body: Value,
    /// What the request asks for: its canonical value without the
    /// requestId (requests that share an id must ask for the same).
    pub asks: Value,
}

impl Planned {
    /// Writes the requestId (when the method sends one) on an outcome.
    pub fn stamp(&self, o: &mut outcome::Outcome) {
        if self.sends_request_id {
            o.request_id = Some(self.request_id.clone());
            o.request_id_source = Some(self.request_id_source);
        }
    }

    /// A spaces.members.create that adds the calling app (`users/app`).
    pub fn adds_the_calling_app(&self) -> bool {
        self.method == Method::MembersCreate && self.body["member"]["name"] == "users/app"
    }

    pub fn request(&self) -> outcome::Request {
        outcome::Request {
            http_method: self.method.spec().http.verb,
            url: self.url.to_string(),
            body: self.body.clone(),
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
    let base = endpoint.as_str().trim_end_matches('/');
    let mut path = spec.http.path.to_string();
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
        match p.location {
            Location::Path => path = path.replace(&format!("{{{}}}", p.key.name()), &value),
            Location::Query => query.push((p.key.name(), value)),
            Location::Body => {}
        }
    }
    let mut url = Url::parse(&format!("{base}/{path}"))
        .map_err(|e| format!("cannot build the URL from the endpoint `{endpoint}`: {e}"))?;
    let admin = query.iter().any(|(k, v)| *k == ParamKey::UseAdminAccess.name() && v == "true");
    query.retain(|(k, v)| *k != ParamKey::UseAdminAccess.name() || v == "true");
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
    }
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
        body,
        asks,
    })
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
        assert_eq!(p.body, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn setup_gets_a_derived_id_first() {
        let text = r#"{"requestId":"","space":{"spaceType":"SPACE","displayName":"A"}}"#;
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        let f = file("t/a.setup.json", Method::Setup, text);
        let p = plan(0, &f, &endpoint).unwrap();
        assert_eq!(p.request_id_source, "derived");
        assert_eq!(p.body.as_object().unwrap().keys().next().unwrap(), "requestId");
        assert_eq!(p.body["requestId"], p.request_id.as_str());
        assert_eq!(p.body.as_object().unwrap().len(), 2);
        let again = plan(0, &f, &endpoint).unwrap();
        assert_eq!(again.request_id, p.request_id);
    }

    #[test]
    fn create_puts_the_id_in_the_query() {
        let text = r#"{"spaceType":"SPACE","displayName":"A"}"#;
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        let p = plan(3, &file("a.create.json", Method::Create, text), &endpoint).unwrap();
        assert_eq!(p.url.as_str(), format!("https://chat.googleapis.com/v1/spaces?requestId={}", p.request_id));
        assert_eq!(p.body, serde_json::from_str::<Value>(text).unwrap());
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
        assert_eq!(p.body, serde_json::json!({"name": "spaces/AAA", "displayName": "New"}));
        assert!(!p.sends_request_id && !p.admin);
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
