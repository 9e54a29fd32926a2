//! chatlint's engine: a Chat API request in, findings out.
//!
//! The engine knows nothing of files, config files, terminals, LSP or HTTP;
//! it does no IO and never panics on any input. The flow of [`analyze`]:
//!
//! text → `json` (strict RFC 8259 parse with byte spans) → `protojson`
//! (read as Google's parser would, into a [`Document`], noting what is
//! structurally wrong for `structure` to word) → `rules` (semantics) →
//! [`settle`] (severities, one place) → `Vec<Diagnostic>`. Positions for
//! people and editors come from [`line_index`].
//!
//! What differs between API methods is in one table ([`method`]); what a
//! rule is and where it applies is in the catalogue ([`catalogue`], built
//! from `rules/`).

// The facade: what the adapters (the command line, the workspace layer,
// the language server, --send, the fuzz targets) use is public; the stages
// between text and findings (the reader, the structure wording, the rule
// functions, the canonical value's internals) are the engine's own.
mod case;
pub mod catalogue;
pub mod diagnostic;
pub mod document;
pub mod fix;
/// Only the nesting limit and the escape table are public: the parse tree
/// is the reader's business.
pub mod json;
pub mod line_index;
pub mod mask;
pub mod method;
pub mod model;
pub mod profile;
mod protojson;
pub mod request;
pub mod rules;
pub mod settings;
mod structure;
pub mod suggest;
mod value;

pub use catalogue::Rule;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity, TextRange, apply_edits};
pub use document::Document;
pub use method::Method;
pub use protojson::form_by_keys;
pub use request::{Params, Request};
pub use rules::cross_file::Facts;
pub use settings::Settings;
pub use value::{Map, Value};

use json::Json;
use settings::RuleSet;
use std::borrow::Cow;

/// What the engine made of one request.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The method it was checked as; `None` when it is not a Chat request
    /// (no method given and none could be told from its shape).
    pub method: Option<Method>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the cross-file rules need from it.
    pub facts: Facts,
    /// The form the file takes (its top-level message, where its Space,
    /// memberships and parameters sit); `None` when it is not a JSON object.
    pub layout: Option<method::Layout>,
}

/// Lints `text` as a request of `method`.
pub fn lint(text: &str, method: Method, settings: &Settings) -> Vec<Diagnostic> {
    analyze(&Request::new(text, Some(method), None), settings).diagnostics
}

/// Checks a request. Its method is `request.method` if given, else told
/// from the body's shape, else `request.fallback`; with none of them the
/// text is taken for something other than a Chat request and gets no
/// findings (unless it is not JSON at all and a fallback was given).
pub fn analyze(request: &Request, settings: &Settings) -> Report {
    let mut diags = Vec::new();
    // A BOM is not allowed in JSON text (RFC 8259 §8.1). Blank it to three
    // spaces so that every offset stays the same, report it, and go on.
    let text: Cow<str> = match request.text.strip_prefix('\u{feff}') {
        Some(rest) => {
            diags.push(
                Diagnostic::new(
                    Rule::InvalidJson,
                    "",
                    TextRange::new(0, 3),
                    "the file starts with a byte order mark (U+FEFF), which JSON text must not have",
                )
                .with_fix(Fix::safe("Remove the byte order mark", vec![Edit::delete(TextRange::new(0, 3))])),
            );
            Cow::Owned(format!("   {rest}"))
        }
        None => Cow::Borrowed(request.text),
    };
    let fallback = request.method.or(request.fallback);
    let root = match json::parse(&text) {
        Err(e) => {
            let Some(method) = fallback else { return Report::default() };
            diags.push(Diagnostic::new(Rule::InvalidJson, "", e.range, format!("invalid JSON: {}", e.message)));
            return finish(diags, method, Facts::default(), settings);
        }
        Ok(None) => {
            let Some(method) = fallback else { return Report::default() };
            diags.push(Diagnostic::new(
                Rule::InvalidJson,
                "",
                TextRange::new(0, 0),
                "the file is empty: a request body must be a JSON object",
            ));
            return finish(diags, method, Facts::default(), settings);
        }
        Ok(Some(Json::Object(obj))) => obj,
        Ok(Some(other)) => {
            let Some(method) = fallback else { return Report::default() };
            let kind = other.kind();
            let r = other.range();
            let head = TextRange::new(r.start, (r.start + 1).min(r.end));
            diags.push(Diagnostic::new(
                Rule::InvalidJson,
                "",
                head,
                format!("a request body must be a JSON object, found {kind}"),
            ));
            return finish(diags, method, Facts::default(), settings);
        }
    };
    let keys: Vec<&str> = root.members.iter().map(|m| m.key.as_ref()).collect();
    let Some(method) = request.method.or_else(|| Method::from_shape(&keys)).or(request.fallback) else {
        return Report::default();
    };
    let enabled = settings.enabled(method);
    let doc = protojson::read(root, method, settings.profile, enabled, &mut diags);
    diags.extend(rules::check(&text, &doc, settings.profile, &settings.context, &request.params, enabled));
    silence_at_broken_values(&mut diags);
    let facts = facts(&doc, enabled);
    let layout = doc.layout;
    Report { layout: Some(layout), ..finish(diags, method, facts, settings) }
}

/// A value that is of the wrong type, not an allowed name, or a field the
/// profile's revision lacks cannot be judged further: drop the other
/// findings at its pointer (they would read it as absent or misnamed).
fn silence_at_broken_values(diags: &mut Vec<Diagnostic>) {
    const BROKEN: [Rule; 5] =
        [Rule::WrongType, Rule::InvalidEnumValue, Rule::UnknownEnumNumber, Rule::InvalidTimestamp, Rule::UnknownField];
    let broken: std::collections::HashSet<String> =
        diags.iter().filter(|d| BROKEN.contains(&d.rule)).map(|d| d.pointer.clone()).collect();
    diags.retain(|d| BROKEN.contains(&d.rule) || !broken.contains(&d.pointer));
}

fn finish(diags: Vec<Diagnostic>, method: Method, facts: Facts, settings: &Settings) -> Report {
    Report { method: Some(method), diagnostics: settle(diags, settings), facts, layout: None }
}

/// Gives findings their severity (the configured level, or the rule's
/// default; the one place this is decided), drops those of rules turned
/// off, lets a precise rule replace a general one that fired at the same
/// pointer, and sorts them by position. Findings made outside
/// [`analyze`] (cross-file, the server's answer) go through it too.
pub fn settle(diags: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            d.severity = settings.severity(d.rule)?;
            Some(d)
        })
        .collect();
    let superseded: std::collections::HashSet<(String, Rule)> =
        out.iter().flat_map(|d| d.rule.info().supersedes.iter().map(move |s| (d.pointer.clone(), *s))).collect();
    if !superseded.is_empty() {
        out.retain(|d| !superseded.contains(&(d.pointer.clone(), d.rule)));
    }
    out.sort_by_key(|d| (d.range.start, d.range.end, d.rule));
    out.dedup_by(|a, b| a.rule == b.rule && a.range == b.range && a.message == b.message);
    out
}

/// Feeds a JSON value to a hasher without serialising it.
fn hash_value(v: &Value, h: &mut rustc_hash::FxHasher) {
    use std::hash::Hash;
    std::mem::discriminant(v).hash(h);
    match v {
        Value::Null => {}
        Value::Bool(b) => b.hash(h),
        Value::Number(n) => n.to_string().hash(h),
        Value::String(s) => s.hash(h),
        Value::Array(a) => a.iter().for_each(|x| hash_value(x, h)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            k.hash(h);
            hash_value(x, h);
        }),
    }
}

fn facts(doc: &Document, enabled: RuleSet) -> Facts {
    let mut facts = Facts { enabled, ..Facts::default() };
    let id_at = doc.layout.params.iter().find(|(k, _)| *k == method::ParamKey::RequestId).map(|(_, p)| *p);
    if let (Some(ptr), Some(body)) = (id_at, doc.value.as_object())
        && let Some(id) = doc.get(ptr).and_then(|v| v.as_str())
    {
        // What the request asks for: a hash of the body without its id.
        let key = ptr.trim_start_matches('/');
        let mut h = rustc_hash::FxHasher::default();
        for (k, v) in body.iter().filter(|(k, _)| *k != key) {
            std::hash::Hash::hash(k, &mut h);
            hash_value(v, &mut h);
        }
        facts.request_id = Some((id.to_string(), ptr.to_string(), doc.value_range(ptr), std::hash::Hasher::finish(&h)));
    }
    if let Some(sp) = doc.layout.space
        && doc.get(&format!("{sp}/spaceType")).and_then(|v| v.as_str()) == Some("SPACE")
    {
        let ptr = format!("{sp}/displayName");
        if let Some(name) = doc.get(&ptr).and_then(|v| v.as_str()) {
            facts.space_name = Some((name.to_string(), ptr.clone(), doc.value_range(&ptr)));
        }
    }
    facts
}

/// The canonical document with its span map, for adapters that need to go
/// from a JSON pointer to a position or back (editor features, server
/// errors). `None` when the text is not a JSON object.
pub fn parse_document(text: &str, method: Method) -> Option<Document> {
    let text = text.strip_prefix('\u{feff}').map_or(Cow::Borrowed(text), |rest| Cow::Owned(format!("   {rest}")));
    let Ok(Some(Json::Object(root))) = json::parse(&text) else { return None };
    let mut ignored = Vec::new();
    Some(protojson::read(root, method, Settings::default().profile, RuleSet::default(), &mut ignored))
}

/// The method a text's shape says (its top-level keys, as [`analyze`] reads
/// them when nothing else names the method), for adapters that show it
/// (the playground). `None` when the text is not a JSON object or its keys
/// say nothing.
pub fn method_by_shape(text: &str) -> Option<Method> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(Some(Json::Object(root))) = json::parse(text) else { return None };
    let keys: Vec<&str> = root.members.iter().map(|m| m.key.as_ref()).collect();
    Method::from_shape(&keys)
}
