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

use super::outcome;
use super::request_id;
use crate::method::Method;
use crate::runner::FileResult;
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
    pub request_id: String,
    /// `file` or `derived`.
    pub request_id_source: &'static str,
    pub url: Url,
    pub body: Value,
}

impl Planned {
    pub fn request(&self) -> outcome::Request {
        outcome::Request { http_method: "POST", url: self.url.to_string(), body: self.body.clone() }
    }
}

/// Plans the request of a checked file (which has a method and no error).
pub fn plan(index: usize, r: &FileResult, endpoint: &Url) -> Result<Planned, String> {
    let method = r.method.ok_or("the file's method is unknown")?;
    let text = r.text.strip_prefix('\u{feff}').unwrap_or(&r.text);
    let mut body: Value = serde_json::from_str(text).map_err(|e| format!("the body is not JSON: {e}"))?;
    let doc = crate::parse_document(text, method).ok_or("the body is not a JSON object")?;
    let from_file = match method {
        Method::Setup => doc.get("/requestId").and_then(Value::as_str).map(str::to_string),
        Method::Create => None,
    };
    let (request_id, source) = match from_file {
        Some(id) => (id, "file"),
        None => (request_id::derive(&doc), "derived"),
    };
    let base = endpoint.as_str().trim_end_matches('/');
    let mut url = match method {
        Method::Setup => Url::parse(&format!("{base}/v1/spaces:setup")),
        Method::Create => Url::parse(&format!("{base}/v1/spaces")),
    }
    .map_err(|e| format!("cannot build the URL from the endpoint `{endpoint}`: {e}"))?;
    match method {
        Method::Create => {
            url.query_pairs_mut().append_pair("requestId", &request_id);
        }
        Method::Setup if source == "derived" => {
            if let Value::Object(members) = body {
                let mut with_id = Map::new();
                with_id.insert("requestId".into(), Value::String(request_id.clone()));
                // An unset id (`""`, `null`) in either spelling is replaced.
                with_id.extend(members.into_iter().filter(|(k, _)| k != "requestId" && k != "request_id"));
                body = Value::Object(with_id);
            }
        }
        Method::Setup => {}
    }
    Ok(Planned { index, file: r.name.clone(), method, request_id, request_id_source: source, url, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, method: Method, text: &str) -> FileResult {
        FileResult { name: name.into(), text: text.into(), method: Some(method), ..FileResult::default() }
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
