//! Hover: on a key, the field's documentation; on an enum value, what the
//! value means; on a path of an update mask, what it updates; on a
//! finding, the rule's documentation.

use super::analysis::Analysis;
use super::cursor::{self, Place, Segment};
use super::docs;
use chatlint_engine::diagnostic::TextRange;
use chatlint_engine::mask;
use chatlint_engine::method::Layout;
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
        if let Some((doc, r)) = member_doc(model, analysis.layout, text, offset, method, profile) {
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

/// The message and field a canonical pointer names, from the message `root`.
fn field_at<'m>(model: &'m Model, root: &str, pointer: &str) -> Option<(&'m Message, &'m Field)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let message = model.message_at_from(root, parent)?;
    message.field(last).map(|(f, _)| (message, f))
}

/// The documentation of the key or enum value at `offset`: through the
/// engine's spans when the text parses, else through the tolerant scan.
fn member_doc(
    model: &Model,
    layout: Option<Layout>,
    text: &str,
    offset: usize,
    method: chatlint_engine::method::Method,
    profile: &Profile,
) -> Option<(String, TextRange)> {
    let (root, pointer, on_key, range) = match chatlint_engine::parse_document(text, method) {
        Some(doc) => {
            let hit = cursor::node_at(&doc, text, offset)?;
            let top = hit.pointer.split('/').nth(1).map(|k| vec![Segment::Key(k.to_string())]).unwrap_or_default();
            (cursor::root_of(model, method, layout, &top, &[]), hit.pointer, hit.on_key, hit.range)
        }
        None => match cursor::scan(text, offset) {
            Place::Key { object, token: Some(token), .. } => {
                let raw = text.get(token.start..token.end)?;
                let key = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string());
                let mut path = object;
                path.push(Segment::Key(key));
                let root = cursor::root_of(model, method, layout, &path, &[]);
                (root, cursor::resolve(model, root, &path)?.pointer, true, token)
            }
            Place::Value { path, token: Some(token) } => {
                let root = cursor::root_of(model, method, layout, &path, &[]);
                (root, cursor::resolve(model, root, &path)?.pointer, false, token)
            }
            _ => return None,
        },
    };
    let (message, field) = match field_at(model, root, &pointer) {
        Some(found) => found,
        // An element of a repeated field: `/memberships/0` and the like.
        None => {
            let (parent, last) = pointer.rsplit_once('/')?;
            if on_key || !last.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            field_at(model, root, parent)?
        }
    };
    if on_key {
        return Some((docs::field_doc(model, root, &pointer, message, field, profile), range));
    }
    if field.kind == Kind::FieldMask {
        return mask_path_doc(model.method.spec().mask?, text, range, offset, profile);
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

/// On an update mask's path: what updating it does, and its limits.
fn mask_path_doc(
    table: &'static mask::Paths,
    text: &str,
    token: TextRange,
    offset: usize,
    profile: &Profile,
) -> Option<(String, TextRange)> {
    let raw = text.get(token.start..token.end)?;
    let value: String = serde_json::from_str(raw).ok()?;
    let m = mask::Mask::read(&value, Some((raw, token.start)), token, mask::Source::Given, table);
    let p = m.paths.iter().find(|p| p.range.start <= offset && offset <= p.range.end)?;
    let Some(known) = p.known else {
        return Some((format!("**`{}`**: not a path {} can update.", p.raw, table.method), p.range));
    };
    let field = match known.body.trim_start_matches('/').replace('/', ".") {
        every if every.is_empty() => "every field".to_string(),
        field => format!("`{field}`"),
    };
    let mut out = format!("**`{}`** (update mask path) · updates {field}\n\n{}", known.documented, known.what);
    let limit = match known.path {
        "display_name" => Some(format!("`displayName`: at most {} characters", profile.display_name_max)),
        "space_details" => Some(format!(
            "`description`: at most {} characters; `guidelines`: at most {}",
            profile.description_max, profile.guidelines_max
        )),
        _ => None,
    };
    if let Some(limit) = limit {
        out.push_str(&format!("\n\nLimit (profile `{}`): {limit} (Unicode scalar values).", profile.name));
    }
    if !known.admin {
        out.push_str("\n\nNot supported with `useAdminAccess`.");
    }
    Some((out, p.range))
}
