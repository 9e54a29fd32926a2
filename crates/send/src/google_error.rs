//! Google's error answers (`{"error": {"code", "message", "status",
//! "details"}}`, AIP-193) and the findings they give: a `fieldViolations`
//! path such as `memberships[0].member.name` is mapped back to the position
//! in the file, like any other finding.

use chatlint_engine::document::{Document, escape_pointer};
use chatlint_engine::method::Method;
use chatlint_engine::{Diagnostic, Rule, TextRange};
use serde_json::Value;

/// The rule of findings that come from the server's answer.
pub const RULE: Rule = Rule::ServerRejected;

#[derive(Debug, Clone, PartialEq)]
pub struct GoogleError {
    /// The HTTP status.
    pub code: u16,
    /// The canonical status name, e.g. `ALREADY_EXISTS`.
    pub status: Option<String>,
    pub message: String,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub field: String,
    pub description: String,
}

impl GoogleError {
    /// Reads an error answer; a body that is not Google's error JSON gives
    /// its first line (shortened) as the message.
    pub fn parse(http_status: u16, body: &str) -> GoogleError {
        let json: Option<Value> = serde_json::from_str(body).ok();
        let err = json.as_ref().and_then(|v| v.get("error")).filter(|e| e.is_object());
        let Some(err) = err else {
            let first = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            let mut message: String = first.chars().take(200).collect();
            if message.len() < first.len() {
                message.push('…');
            }
            if message.is_empty() {
                message = "(no message)".into();
            }
            return GoogleError { code: http_status, status: None, message, violations: Vec::new() };
        };
        let text = |k: &str| err.get(k).and_then(Value::as_str).map(str::to_string);
        let mut violations = Vec::new();
        for detail in err.get("details").and_then(Value::as_array).into_iter().flatten() {
            for v in detail.get("fieldViolations").and_then(Value::as_array).into_iter().flatten() {
                let field = v.get("field").and_then(Value::as_str).unwrap_or("").to_string();
                let description = v
                    .get("description")
                    .or_else(|| v.pointer("/localizedMessage/message"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                violations.push(Violation { field, description });
            }
        }
        GoogleError {
            code: http_status,
            status: text("status"),
            message: text("message").unwrap_or_else(|| "(no message)".into()),
            violations,
        }
    }

    /// Whether this is the error answer `done` (its HTTP status and its
    /// Google status both): a bare 404 from a proxy is no "already gone".
    pub fn is(&self, done: &chatlint_engine::method::DoneAlready) -> bool {
        self.code == done.status && self.status.as_deref() == Some(done.code)
    }

    /// `409 ALREADY_EXISTS` or `409`.
    pub fn code_and_status(&self) -> String {
        match &self.status {
            Some(s) => format!("{} {s}", self.code),
            None => self.code.to_string(),
        }
    }

    /// What to do about it, when there is something specific to say.
    pub fn help(&self) -> Option<&'static str> {
        Some(match (self.code, self.status.as_deref()) {
            (_, Some("ALREADY_EXISTS")) | (409, None) => {
                "a space with this displayName already exists: choose another displayName"
            }
            (401, _) | (_, Some("UNAUTHENTICATED")) => {
                "the access token was refused: it may have expired or be for another service; get a new one"
            }
            (403, _) | (_, Some("PERMISSION_DENIED")) => {
                "the caller may not do this: check the token's scopes (chat.spaces.create or chat.spaces), that \
                 the Chat API is enabled and a Chat app configured in the project, and the user's permissions"
            }
            (404, _) => "check --endpoint: the server does not know this method",
            (429, _) | (_, Some("RESOURCE_EXHAUSTED")) => "the quota is used up: try again later",
            _ => return None,
        })
    }

    /// The findings in the file this answer gives: one per field violation;
    /// for ALREADY_EXISTS, one on the displayName; for another 400, one on
    /// the body. Other answers are not about the file's content.
    pub fn diagnostics(&self, method: Method, text: &str) -> Vec<Diagnostic> {
        let Some(doc) = chatlint_engine::parse_document(text, method) else { return Vec::new() };
        let said = format!("Google answered {}: {}", self.code_and_status(), self.message);
        let root = TextRange::new(doc.root.start, (doc.root.start + 1).min(doc.root.end));
        if !self.violations.is_empty() {
            return self
                .violations
                .iter()
                .map(|v| {
                    let (pointer, range) = match locate(&doc, &v.field) {
                        Some((p, r)) => (p, r),
                        None => (String::new(), root),
                    };
                    let why = if v.description.is_empty() { &self.message } else { &v.description };
                    let field = if v.field.is_empty() { "the request" } else { v.field.as_str() };
                    Diagnostic::new(RULE, pointer, range, format!("the Chat API rejected `{field}`: {why}"))
                        .with_help(said.clone())
                })
                .collect();
        }
        if (self.status.as_deref() == Some("ALREADY_EXISTS") || self.code == 409)
            && let Some(space) = doc.layout.space
        {
            let pointer = format!("{space}/displayName");
            let Some(node) = doc.node(&pointer) else { return Vec::new() };
            return vec![
                Diagnostic::new(
                    RULE,
                    pointer,
                    node.value,
                    format!("the Chat API answered {}: {}", self.code_and_status(), self.message),
                )
                .with_help("a space with this displayName already exists: choose another displayName"),
            ];
        }
        if self.code == 400 {
            return vec![
                Diagnostic::new(RULE, "", root, format!("the Chat API rejected the request: {}", self.message))
                    .with_help(said),
            ];
        }
        Vec::new()
    }
}

/// Where a field path of the request is in the file: the canonical pointer
/// and the range of the value (or of the nearest existing parent's key).
fn locate(doc: &Document, field: &str) -> Option<(String, TextRange)> {
    let pointer = field_to_pointer(field)?;
    let mut candidates = vec![pointer.clone()];
    // Google names fields from the request message; when the HTTP body is
    // one of its fields (`space` for spaces.create), the file starts there.
    if let Some(body) = doc.method.spec().http.body
        && let Some(rest) = pointer.strip_prefix(&format!("/{body}"))
        && (rest.is_empty() || rest.starts_with('/'))
    {
        candidates.insert(0, rest.to_string());
    }
    if let Some(found) = candidates.iter().find(|c| doc.node(c).is_some()) {
        return Some((found.clone(), doc.value_range(found)));
    }
    let best = candidates.last()?.clone();
    let range = doc.value_range(&best);
    Some((best, range))
}

/// `memberships[0].member.name` → `/memberships/0/member/name`;
/// `space.display_name` → `/space/displayName`. `None` for an empty path.
pub fn field_to_pointer(field: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = field.trim().chars().peekable();
    let mut segment = String::new();
    let flush = |segment: &mut String, out: &mut String| {
        if !segment.is_empty() {
            out.push('/');
            out.push_str(&escape_pointer(&chatlint_engine::model::to_camel_case(segment)));
            segment.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut segment, &mut out),
            '[' => {
                flush(&mut segment, &mut out);
                let mut index = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    index.push(c);
                }
                let index = index.trim().trim_matches(|c| c == '"' || c == '\'');
                out.push('/');
                out.push_str(&escape_pointer(index));
            }
            c => segment.push(c),
        }
    }
    flush(&mut segment, &mut out);
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatlint_engine::line_index::LineIndex;

    #[test]
    fn paths_become_pointers() {
        assert_eq!(field_to_pointer("space.display_name").unwrap(), "/space/displayName");
        assert_eq!(field_to_pointer("memberships[0].member.name").unwrap(), "/memberships/0/member/name");
        assert_eq!(field_to_pointer("space.spaceDetails.description").unwrap(), "/space/spaceDetails/description");
        assert_eq!(field_to_pointer("a[1][2].b_c_d").unwrap(), "/a/1/2/bCD");
        assert_eq!(field_to_pointer(""), None);
    }

    const SETUP: &str = "{\n  \"space\": {\n    \"spaceType\": \"SPACE\",\n    \"display_name\": \"Eng\"\n  },\n  \
                         \"memberships\": [\n    { \"member\": { \"name\": \"users/1\", \"type\": \"HUMAN\" } }\n  ]\n}\n";

    fn at(text: &str, d: &Diagnostic) -> (usize, usize) {
        let lc = LineIndex::new(text).line_col(text, d.range.start);
        (lc.line, lc.column)
    }

    #[test]
    fn violations_map_to_positions() {
        let body = r#"{"error":{"code":400,"message":"Invalid request","status":"INVALID_ARGUMENT",
            "details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[
              {"field":"space.display_name","description":"Too long"},
              {"field":"memberships[0].member.name","description":"Unknown user"},
              {"field":"space.space_details.description","description":"Missing"}]}]}}"#;
        let err = GoogleError::parse(400, body);
        assert_eq!(err.status.as_deref(), Some("INVALID_ARGUMENT"));
        let diags = err.diagnostics(Method::Setup, SETUP);
        assert_eq!(diags.len(), 3);
        assert_eq!(diags[0].pointer, "/space/displayName");
        assert_eq!(at(SETUP, &diags[0]), (4, 21));
        assert!(diags[0].message.contains("Too long"));
        assert_eq!(diags[0].help.as_deref(), Some("Google answered 400 INVALID_ARGUMENT: Invalid request"));
        assert_eq!(diags[1].pointer, "/memberships/0/member/name");
        assert_eq!(at(SETUP, &diags[1]), (7, 27));
        // A missing field points at the nearest existing parent.
        assert_eq!(diags[2].pointer, "/space/spaceDetails/description");
        assert_eq!(at(SETUP, &diags[2]), (2, 3));
        assert!(diags.iter().all(|d| d.rule == RULE));
    }

    #[test]
    fn create_paths_may_start_at_the_request() {
        let text = "{\n  \"spaceType\": \"SPACE\",\n  \"displayName\": \"Eng\"\n}";
        let err = GoogleError {
            code: 400,
            status: None,
            message: "m".into(),
            violations: vec![Violation { field: "space.display_name".into(), description: "d".into() }],
        };
        let diags = err.diagnostics(Method::Create, text);
        assert_eq!(diags[0].pointer, "/displayName");
        assert_eq!(at(text, &diags[0]), (3, 18));
    }

    #[test]
    fn already_exists_points_at_the_display_name() {
        let body = r#"{"error":{"code":409,"message":"Space already exists","status":"ALREADY_EXISTS"}}"#;
        let err = GoogleError::parse(409, body);
        assert!(err.help().unwrap().contains("choose another displayName"));
        let diags = err.diagnostics(Method::Setup, SETUP);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pointer, "/space/displayName");
        assert!(diags[0].help.as_deref().unwrap().contains("choose another displayName"));
    }

    #[test]
    fn other_answers_are_not_about_the_file() {
        let err = GoogleError::parse(403, r#"{"error":{"code":403,"message":"no","status":"PERMISSION_DENIED"}}"#);
        assert!(err.diagnostics(Method::Setup, SETUP).is_empty());
        assert!(err.help().unwrap().contains("scopes"));
        let plain = GoogleError::parse(502, "<html>\nBad gateway</html>");
        assert_eq!(plain.message, "<html>");
        assert_eq!(plain.status, None);
    }
}
