//! The Markdown shown on hover and in completion: a field's documentation
//! from the discovery document, and a rule's documentation from the
//! catalogue.

use chatlint_engine::catalogue;
use chatlint_engine::model::{EnumValue, Field, Kind, Message, Model};
use chatlint_engine::profile::Profile;

/// Labels the discovery document puts at the start of a description.
const LABELS: [&str; 5] = ["Required", "Optional", "Output only", "Input only", "Immutable"];

/// `integer`, `enum`, `list of Membership`, …
pub fn type_name(field: &Field) -> String {
    let base = match &field.kind {
        Kind::String => "string".to_string(),
        Kind::FieldMask => "field mask (comma-separated field paths)".to_string(),
        Kind::Bool => "boolean".to_string(),
        Kind::Int32 => "integer (int32)".to_string(),
        Kind::Timestamp => "timestamp (RFC 3339 string)".to_string(),
        Kind::Enum(_) => "enum".to_string(),
        Kind::Message(name) => format!("object ({name})"),
    };
    if field.repeated { format!("list of {base}") } else { base }
}

/// The behaviour labels of a field in a file whose top level is the message
/// `root`: Required, Output only, Input only, Immutable, Deprecated.
pub fn behaviour(model: &Model, root: &str, pointer: &str, field: &Field) -> Vec<&'static str> {
    let mut out = Vec::new();
    let pattern: Vec<&str> = pointer
        .split('/')
        .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { "*" } else { s })
        .collect();
    // The method's own requirement: the discovery text may still open with
    // "Optional." (it describes the Space in every request).
    let (parent, name) = (&pattern[..pattern.len().saturating_sub(1)], pattern.last().copied().unwrap_or_default());
    let required_here = model.required_in(root, &parent.join("/")).any(|f| f == name);
    if required_here {
        out.push("Required in this request");
    }
    // Leading "Label. Label. Text…" of the description.
    let mut rest = field.description.trim_start();
    'labels: loop {
        for label in LABELS {
            if let Some(after) = rest.strip_prefix(label).and_then(|r| r.strip_prefix('.')) {
                if label != "Optional" && !out.contains(&label) && !(label == "Required" && required_here) {
                    out.push(label);
                }
                rest = after.trim_start();
                continue 'labels;
            }
        }
        break;
    }
    if field.read_only && !out.contains(&"Output only") {
        out.push("Output only");
    }
    if field.deprecated {
        out.push("Deprecated");
    }
    out
}

/// The documented limit of a field in the active profile.
pub fn limit(message: &Message, field: &Field, profile: &Profile) -> Option<String> {
    let chars = |n: usize| Some(format!("at most {n} characters (Unicode scalar values)"));
    match (message.name.as_str(), field.name.as_str()) {
        ("Space", "displayName") => chars(profile.display_name_max),
        ("SpaceDetails", "description") => chars(profile.description_max),
        ("SpaceDetails", "guidelines") => chars(profile.guidelines_max),
        ("SetUpSpaceRequest", "memberships") => {
            Some(format!("at most {} memberships, besides the calling user", profile.max_memberships))
        }
        _ => None,
    }
}

/// Markdown for a field: name, type, behaviour, limit, description, values.
pub fn field_doc(
    model: &Model,
    root: &str,
    pointer: &str,
    message: &Message,
    field: &Field,
    profile: &Profile,
) -> String {
    let mut out = format!("**`{}`** · {}", field.name, type_name(field));
    let labels = behaviour(model, root, pointer, field);
    if !labels.is_empty() {
        out.push_str(" · ");
        out.push_str(&labels.join(" · "));
    }
    out.push_str(&format!("\n\nIn `{}`", message.name));
    if field.proto_name != field.name {
        out.push_str(&format!(" (also accepted as `{}`)", field.proto_name));
    }
    out.push('.');
    if field.read_only {
        out.push_str(" **Output only**: the server sets it; a request should not.");
    }
    if field.deprecated {
        out.push_str(" **Deprecated.**");
    }
    if let Some(limit) = limit(message, field, profile) {
        out.push_str(&format!("\n\nLimit (profile `{}`): {limit}.", profile.name));
    }
    if !field.description.is_empty() {
        out.push_str("\n\n");
        out.push_str(field.description.trim());
    }
    if let Kind::Enum(e) = &field.kind {
        out.push_str("\n\nValues:\n");
        for v in &e.values {
            out.push_str(&format!("\n- {}", enum_value_line(v)));
        }
    }
    out
}

pub fn enum_value_line(v: &EnumValue) -> String {
    if v.description.is_empty() {
        format!("`{}` ({})", v.name, v.number)
    } else {
        format!("`{}` ({}): {}", v.name, v.number, v.description.trim())
    }
}

/// Markdown for a rule: summary, what, why, how to fix, sources, link.
pub fn rule_doc(id: &str) -> Option<String> {
    let rule = catalogue::get(id)?;
    let mut out = format!("**chatlint `{}`** ({}): {}", rule.id, rule.severity.as_str(), rule.summary.trim());
    out.push_str(&format!("\n\n{}", rule.what.trim()));
    out.push_str(&format!("\n\n**Why:** {}", rule.why.trim()));
    out.push_str(&format!("\n\n**How to fix:** {}", rule.how_to_fix.trim()));
    for s in rule.sources {
        out.push_str(&format!("\n\n> {}\n>\n> — {}", s.quote.trim(), s.from.trim()));
    }
    out.push_str(&format!("\n\n[Rule documentation]({})", rule.docs_url()));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatlint_engine::method::Method;

    #[test]
    fn space_type_doc_lists_values_and_display_name_has_the_limit() {
        let m = Model::get(Method::Setup);
        let space = m.message_at("/space").unwrap();
        let (f, _) = space.field("spaceType").unwrap();
        let doc = field_doc(m, &m.root, "/space/spaceType", space, f, Profile::default_profile());
        assert!(doc.contains("enum") && doc.contains("Required"), "{doc}");
        for v in ["SPACE", "GROUP_CHAT", "DIRECT_MESSAGE"] {
            assert!(doc.contains(&format!("`{v}`")), "{doc}");
        }
        let (f, _) = space.field("displayName").unwrap();
        let doc = field_doc(m, &m.root, "/space/displayName", space, f, Profile::by_name("legacy").unwrap());
        assert!(doc.contains("at most 128 characters") && doc.contains("profile `legacy`"), "{doc}");
        let (f, _) = space.field("spaceUri").unwrap();
        assert_eq!(behaviour(m, &m.root, "/space/spaceUri", f), vec!["Output only"]);
        let (f, _) = space.field("createTime").unwrap();
        assert_eq!(behaviour(m, &m.root, "/space/createTime", f), vec!["Immutable"]);
        let (f, _) = space.field("predefinedPermissionSettings").unwrap();
        assert_eq!(behaviour(m, &m.root, "/space/predefinedPermissionSettings", f), vec!["Input only"]);
    }

    #[test]
    fn every_rule_has_a_doc() {
        for r in catalogue::all() {
            assert!(rule_doc(r.id).unwrap().contains(r.id));
        }
    }
}
