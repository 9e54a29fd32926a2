//! chatlint: a validator and linter for Google Chat API request files.
//!
//! The core is one pure function, [`lint`] (and [`analyze`], which also
//! tells the method it chose and the facts the cross-file rules need). It
//! does no IO and never panics on any input. The flow:
//!
//! text → [`source`] (strict parse with spans) → [`protojson`] (read as
//! Google's parser would) → [`schema`] (structure) → [`rules`] (semantics)
//! → `Vec<Diagnostic>`. The CLI, the renderers and (later) the language
//! server are adapters around it.

pub mod baseline;
pub mod config;
pub mod diagnostic;
pub mod explain;
pub mod files;
pub mod fix;
pub mod lsp;
pub mod method;
pub mod model;
pub mod profile;
pub mod protojson;
pub mod render;
pub mod rules;
pub mod runner;
pub mod schema;
pub mod schemagen;
pub mod send;
pub mod settings;
pub mod source;
pub mod suggest;

use diagnostic::{Diagnostic, Edit, Fix, TextRange};
use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
pub use method::Method;
use model::Model;
use rules::cross_file::Facts;
pub use settings::Settings;
use std::borrow::Cow;

/// The result of linting one text.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The method the text was checked as; `None` when it is not a Chat
    /// request (no method given and none could be told from its shape).
    pub method: Option<Method>,
    pub diagnostics: Vec<Diagnostic>,
    pub facts: Facts,
}

/// Lints `text` as a request body for `method`.
pub fn lint(text: &str, method: Method, settings: &Settings) -> Vec<Diagnostic> {
    analyze(text, Some(method), None, settings).diagnostics
}

/// Lints `text`. The method is `method` if given, else told from the body's
/// shape, else `fallback`; with none of them the text is taken for something
/// other than a Chat request and gets no diagnostics (unless it is not JSON
/// at all and a fallback was given).
pub fn analyze(text: &str, method: Option<Method>, fallback: Option<Method>, settings: &Settings) -> FileReport {
    let mut diags = Vec::new();
    // A BOM is not allowed in JSON text (RFC 8259 §8.1). Blank it to three
    // spaces so that every offset stays the same, report it, and go on.
    let text: Cow<str> = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            diags.push(
                Diagnostic::new(
                    "invalid-json",
                    "",
                    TextRange::new(0, 3),
                    "the file starts with a byte order mark (U+FEFF), which JSON text must not have",
                )
                .with_fix(Fix::safe("Remove the byte order mark", vec![Edit::delete(TextRange::new(0, 3))])),
            );
            Cow::Owned(format!("   {rest}"))
        }
        None => Cow::Borrowed(text),
    };
    let parsed = source::parse(&text);
    let root = match parsed {
        Err(e) => {
            let Some(method) = method.or(fallback) else { return FileReport::default() };
            diags.push(Diagnostic::new("invalid-json", "", e.range, format!("invalid JSON: {}", e.message)));
            return finish(diags, method, Facts::default(), settings);
        }
        Ok(None) => {
            let Some(method) = method.or(fallback) else { return FileReport::default() };
            diags.push(Diagnostic::new(
                "invalid-json",
                "",
                TextRange::new(0, 0),
                "the file is empty: a request body must be a JSON object",
            ));
            return finish(diags, method, Facts::default(), settings);
        }
        Ok(Some(ast::Value::Object(obj))) => obj,
        Ok(Some(other)) => {
            let Some(method) = method.or(fallback) else { return FileReport::default() };
            let kind = match other {
                ast::Value::Array(_) => "an array",
                ast::Value::StringLit(_) => "a string",
                ast::Value::NumberLit(_) => "a number",
                ast::Value::BooleanLit(_) => "a boolean",
                _ => "null",
            };
            let r = source::range_of(other.range());
            let head = TextRange::new(r.start, (r.start + 1).min(r.end));
            diags.push(Diagnostic::new(
                "invalid-json",
                "",
                head,
                format!("a request body must be a JSON object, found {kind}"),
            ));
            return finish(diags, method, Facts::default(), settings);
        }
    };
    let keys: Vec<&str> = root.properties.iter().map(|p| p.name.as_str()).collect();
    let Some(method) = method.or_else(|| Method::from_shape(&keys)).or(fallback) else {
        return FileReport::default();
    };
    let model = Model::get(method);
    let doc = protojson::read(&root, model, &mut diags);
    schema::validate(&doc, model, &mut diags);
    diags.extend(rules::check(&text, &doc, model, settings));
    silence_at_broken_values(&mut diags);
    let facts = facts(&doc, method);
    finish(diags, method, facts, settings)
}

/// A value that is of the wrong type, not an allowed name, or a field the
/// profile's revision lacks cannot be judged further: drop the other
/// findings at its pointer (they would read it as absent or misnamed).
fn silence_at_broken_values(diags: &mut Vec<Diagnostic>) {
    const BROKEN: [&str; 5] =
        ["wrong-type", "invalid-enum-value", "unknown-enum-number", "invalid-timestamp", "unknown-field"];
    let broken: std::collections::HashSet<String> =
        diags.iter().filter(|d| BROKEN.contains(&d.rule)).map(|d| d.pointer.clone()).collect();
    diags.retain(|d| BROKEN.contains(&d.rule) || !broken.contains(&d.pointer));
}

fn finish(diags: Vec<Diagnostic>, method: Method, facts: Facts, settings: &Settings) -> FileReport {
    FileReport { method: Some(method), diagnostics: rules::apply_settings(diags, method, settings), facts }
}

/// Feeds a JSON value to a hasher without serialising it.
fn hash_value(v: &serde_json::Value, h: &mut rustc_hash::FxHasher) {
    use serde_json::Value;
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

fn facts(doc: &protojson::Document, method: Method) -> Facts {
    let mut facts = Facts::default();
    if let (Some(id), Some(body)) = (doc.get("/requestId").and_then(|v| v.as_str()), doc.value.as_object()) {
        // What the request asks for: a hash of the body without its id.
        let mut h = rustc_hash::FxHasher::default();
        for (k, v) in body.iter().filter(|(k, _)| *k != "requestId") {
            std::hash::Hash::hash(k, &mut h);
            hash_value(v, &mut h);
        }
        facts.request_id = Some((id.to_string(), doc.value_range("/requestId"), std::hash::Hasher::finish(&h)));
    }
    let sp = method.space_pointer();
    if doc.get(&format!("{sp}/spaceType")).and_then(|v| v.as_str()) == Some("SPACE") {
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
pub fn parse_document(text: &str, method: Method) -> Option<protojson::Document> {
    let text = text.strip_prefix('\u{feff}').map_or(Cow::Borrowed(text), |rest| Cow::Owned(format!("   {rest}")));
    let Ok(Some(ast::Value::Object(root))) = source::parse(&text) else { return None };
    let mut ignored = Vec::new();
    Some(protojson::read(&root, Model::get(method), &mut ignored))
}
