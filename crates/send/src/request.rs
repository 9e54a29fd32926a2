//! The HTTP request for one checked file: method, URL, requestId and body.
//!
//! - `spaces.setup`: `POST {endpoint}/v1/spaces:setup`, the file's body,
//!   with `requestId` added when the file sets none;
//! - `spaces.create`: `POST {endpoint}/v1/spaces?requestId=…`, the file's
//!   body (a Space), with the derived requestId as the query parameter.
//!
//! The body is the file's JSON as written (the server reads the same
//! aliases and spellings the linter accepted); only a missing requestId is
//! added, as the first member.

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
    pub request_id: String,
    /// `file` or `derived`.
    pub request_id_source: &'static str,
    pub url: Url,
    pub body: Value,
    /// What the request asks for: its canonical value without the
    /// requestId (requests that share an id must ask for the same).
    pub asks: Value,
}

impl Planned {
    pub fn request(&self) -> outcome::Request {
        outcome::Request {
            http_method: self.method.spec().http.verb,
            url: self.url.to_string(),
            body: self.body.clone(),
        }
    }
}

/// Plans the request of a checked file (which has a method and no error):
/// the method table gives the verb, the path and where the requestId goes.
pub fn plan(index: usize, item: &Item, endpoint: &Url) -> Result<Planned, String> {
    let method = item.method.ok_or("the file's method is unknown")?;
    let spec = method.spec();
    let text = item.text.strip_prefix('\u{feff}').unwrap_or(&item.text);
    let mut body: Value = serde_json::from_str(text).map_err(|e| format!("the body is not JSON: {e}"))?;
    let doc = chatlint_engine::parse_document(text, method).ok_or("the body is not a JSON object")?;
    let id_param = spec.params.iter().find(|p| p.key == ParamKey::RequestId);
    let in_body = doc.layout.params.iter().find(|(k, _)| *k == ParamKey::RequestId).map(|(_, ptr)| *ptr);
    let from_file = in_body.and_then(|ptr| doc.get(ptr)).and_then(Value::as_str).map(str::to_string);
    let mut asks = doc.value.clone();
    if let (Some(ptr), Some(members)) = (in_body, asks.as_object_mut()) {
        members.remove(ptr.trim_start_matches('/'));
    }
    let (request_id, source) = match from_file {
        Some(id) => (id, "file"),
        None => (request_id::derive(&doc), "derived"),
    };
    let base = endpoint.as_str().trim_end_matches('/');
    let mut url = Url::parse(&format!("{base}/{}", spec.http.path))
        .map_err(|e| format!("cannot build the URL from the endpoint `{endpoint}`: {e}"))?;
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
    Ok(Planned { index, file: item.name.clone(), method, verb, request_id, request_id_source: source, url, body, asks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, method: Method, text: &str) -> Item {
        Item { name: name.into(), text: text.into(), method: Some(method), checked: super::super::Checked::Passed }
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
