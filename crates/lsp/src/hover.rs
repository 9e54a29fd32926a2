//! Hover: on a key, the field's documentation; on an enum value, what the
//! value means; on a finding, the rule's documentation.

use super::analysis::Analysis;
use super::cursor::{self, Place, Segment};
use super::docs;
use chatlint_engine::diagnostic::TextRange;
use chatlint_engine::model::{Field, Kind, Message, Model};
use chatlint_engine::profile::Profile;

/// The Markdown to show at `offset` and the range it is about.
pub fn hover(analysis: &Analysis, offset: usize) -> Option<(String, TextRange)> {
    let text = &*analysis.snapshot.text;
    let mut sections: Vec<String> = Vec::new();
    let mut range: Option<TextRange> = None;

    if let Some(method) = analysis.method {
        let model = Model::get(method);
        let profile = analysis.config.as_ref().map_or_else(Profile::default_profile, |c| c.settings.profile);
        if let Some((doc, r)) = member_doc(model, text, offset, method, profile) {
            sections.push(doc);
            range = Some(r);
        }
    }

    let mut rules: Vec<chatlint_engine::Rule> = Vec::new();
    for d in &analysis.diagnostics {
        let inside = d.range.start <= offset && offset <= d.range.end;
        if inside && !rules.contains(&d.rule) {
            rules.push(d.rule);
            range.get_or_insert(d.range);
        }
    }
    sections.extend(rules.iter().filter_map(|r| docs::rule_doc(r.id())));

    if sections.is_empty() {
        return None;
    }
    Some((sections.join("\n\n---\n\n"), range.unwrap_or(TextRange::new(offset, offset))))
}

/// The message and field a canonical pointer names.
fn field_at<'m>(model: &'m Model, pointer: &str) -> Option<(&'m Message, &'m Field)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let message = model.message_at(parent)?;
    message.field(last).map(|(f, _)| (message, f))
}

/// The documentation of the key or enum value at `offset`: through the
/// engine's span map when the text parses, else through the tolerant scan.
fn member_doc(
    model: &Model,
    text: &str,
    offset: usize,
    method: chatlint_engine::method::Method,
    profile: &Profile,
) -> Option<(String, TextRange)> {
    let (pointer, on_key, range) = match chatlint_engine::parse_document(text, method) {
        Some(doc) => {
            let hit = cursor::node_at(&doc, text, offset)?;
            (hit.pointer, hit.on_key, hit.range)
        }
        None => match cursor::scan(text, offset) {
            Place::Key { object, token: Some(token), .. } => {
                let raw = text.get(token.start..token.end)?;
                let key = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string());
                let mut path = object;
                path.push(Segment::Key(key));
                (cursor::resolve(model, &path)?.pointer, true, token)
            }
            Place::Value { path, token: Some(token) } => (cursor::resolve(model, &path)?.pointer, false, token),
            _ => return None,
        },
    };
    let (message, field) = match field_at(model, &pointer) {
        Some(found) => found,
        // An element of a repeated field: `/memberships/0` and the like.
        None => {
            let (parent, last) = pointer.rsplit_once('/')?;
            if on_key || !last.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            field_at(model, parent)?
        }
    };
    if on_key {
        return Some((docs::field_doc(model, &pointer, message, field, profile), range));
    }
    // On a value: what an enum value means.
    let Kind::Enum(e) = &field.kind else { return None };
    let raw = text.get(range.start..range.end)?;
    let value = match serde_json::from_str::<serde_json::Value>(raw).ok()? {
        serde_json::Value::String(s) => e.by_name(&s),
        serde_json::Value::Number(n) => n.as_i64().and_then(|n| e.by_number(n)),
        _ => None,
    }?;
    Some((format!("**`{}`**: {}\n\n{}", field.name, docs::type_name(field), docs::enum_value_line(value)), range))
}
