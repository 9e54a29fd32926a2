//! The semantic stage: cross-field rules over the canonical document, and
//! the engine that applies the catalogue (methods, profiles, context and
//! configured severities) to every finding.

pub mod catalogue;
pub mod cross_file;
mod memberships;
mod space;

use crate::diagnostic::{Diagnostic, Edit, Fix, TextRange};
use crate::method::Method;
use crate::model::Model;
use crate::profile::Profile;
use crate::protojson::Document;
use crate::settings::{RequestContext, Settings};
use serde_json::Value;

/// What a check can see, and where it reports.
pub struct Ctx<'a> {
    /// The file's text (for edits that copy its layout).
    pub text: &'a str,
    pub doc: &'a Document,
    pub model: &'a Model,
    pub method: Method,
    pub profile: &'a Profile,
    pub context: &'a RequestContext,
    pub diags: Vec<Diagnostic>,
    /// `spaceType`, read once: nearly every rule asks.
    space_type: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    /// The pointer of a Space field, for either method.
    /// The pointer of a Space field (or a path below it, `spaceDetails/description`).
    pub fn space_field(&self, path: &str) -> String {
        [self.method.space_pointer(), "/", path].concat()
    }
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.doc.get(pointer)
    }
    pub fn str_at(&self, pointer: &str) -> Option<&'a str> {
        self.get(pointer).and_then(Value::as_str)
    }
    pub fn is_true(&self, pointer: &str) -> bool {
        self.get(pointer) == Some(&Value::Bool(true))
    }
    pub fn space_type(&self) -> Option<&'a str> {
        self.space_type
    }
    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
    /// A finding about the key at `pointer` (the field itself).
    pub fn at_key(&self, rule: &'static str, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, pointer, self.doc.key_range(pointer), message)
    }
    /// A finding about the value at `pointer`.
    pub fn at_value(&self, rule: &'static str, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, pointer, self.doc.value_range(pointer), message)
    }
    /// A fix that deletes the member at `pointer`.
    pub fn remove_fix(&self, pointer: &str, title: impl Into<String>) -> Option<Fix> {
        self.doc.removal(pointer).map(|e| Fix::safe(title, vec![e]))
    }
    pub fn replace_value(&self, pointer: &str, new_text: String) -> Vec<Edit> {
        vec![Edit { range: self.doc.value_range(pointer), new_text }]
    }
    pub fn range(&self, pointer: &str) -> TextRange {
        self.doc.value_range(pointer)
    }
    /// An edit that adds a member to the object at `object`.
    pub fn insert(&self, object: &str, key: &str, value_json: &str) -> Option<Edit> {
        self.doc.insertion(self.text, object, key, value_json)
    }
}

/// Runs every semantic check over a document.
pub fn check(text: &str, doc: &Document, model: &Model, settings: &Settings) -> Vec<Diagnostic> {
    let mut ctx = Ctx {
        text,
        doc,
        model,
        method: model.method,
        profile: settings.profile,
        context: &settings.context,
        diags: Vec::new(),
        space_type: None,
    };
    ctx.space_type = ctx.str_at(&ctx.space_field("spaceType"));
    space::check(&mut ctx);
    if ctx.method == Method::Setup {
        memberships::check(&mut ctx);
    }
    profile_fields(&mut ctx);
    ctx.diags
}

/// Fields the selected profile's revision does not have are unknown to its parser.
fn profile_fields(ctx: &mut Ctx) {
    if ctx.profile.missing_fields.is_empty() {
        return;
    }
    let mut found: Vec<(String, String, String)> = Vec::new();
    for ptr in ctx.doc.nodes.keys() {
        let Some((parent, field)) = ptr.rsplit_once('/') else { continue };
        if let Some(msg) = ctx.model.message_at(parent)
            && msg.field(field).is_some()
            && !ctx.profile.knows(&msg.name, field)
        {
            found.push((ptr.clone(), msg.name.clone(), field.to_string()));
        }
    }
    found.sort();
    for (ptr, msg, field) in found {
        let d = ctx
            .at_key(
                "unknown-field",
                &ptr,
                format!("`{field}` is not a field of {msg} in the `{}` profile's API revision", ctx.profile.name),
            )
            .with_help("this field was added in a later revision; choose the `current` profile if you target it");
        ctx.report(d);
    }
}

/// Applies the catalogue and the settings: drops rules that do not apply to
/// this method, profile or context, or are turned off; sets severities.
pub fn apply_settings(diags: Vec<Diagnostic>, method: Method, settings: &Settings) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter_map(|mut d| {
            if let Some(rule) = catalogue::get(d.rule)
                && (!rule.applies_to(method)
                    || !rule.applies_in(&settings.profile.name)
                    || !rule.needs_context.iter().all(|k| settings.context.has(k)))
            {
                return None;
            }
            if let Some(level) = settings.levels.get(d.rule) {
                d.severity = level.severity()?
            }
            Some(d)
        })
        .collect();
    // A precise rule replaces a general one that fired at the same place.
    let superseded: Vec<(String, &'static str)> = out
        .iter()
        .filter_map(|d| catalogue::get(d.rule).map(|r| (d, r)))
        .flat_map(|(d, r)| r.supersedes.iter().map(move |s| (d.pointer.clone(), s.as_str())))
        .collect();
    out.retain(|d| !superseded.iter().any(|(p, rule)| *p == d.pointer && *rule == d.rule));
    out.sort_by(|a, b| (a.range.start, a.range.end, a.rule).cmp(&(b.range.start, b.range.end, b.rule)));
    out.dedup_by(|a, b| a.rule == b.rule && a.range == b.range && a.message == b.message);
    out
}
