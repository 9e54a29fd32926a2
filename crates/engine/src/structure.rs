//! Structure: what is wrong with a request's shape, worded for people.
//!
//! The ProtoJSON reader notes each problem ([`Problem`]) as it walks the
//! request with the typed model (the same model the generated JSON Schema
//! describes); this module turns them into findings once the document is
//! whole, pointing at the right key or value and, where it can, suggesting
//! the name that was meant.

use crate::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::document::{Document, escape_pointer};
use crate::method::Location;
use crate::model::{Field, Kind};
use crate::settings::RuleSet;
use crate::suggest::{Closeness, closest};
use crate::value::Value;

/// Something structurally wrong, noted while reading.
#[derive(Debug, Clone)]
pub enum Problem {
    /// A key no field of the message has.
    Unknown { parent: String, key: String },
    /// A field the profile's API revision does not have.
    NotInProfile { parent: String, key: String, message: String, profile: &'static str },
    /// A required field that is missing or unset.
    Required { pointer: String, name: String },
    /// A value of the wrong JSON type (`element`: an element of a list).
    WrongType { pointer: String, found: Value, element: bool },
    /// A value that is not one of the enum's names.
    InvalidEnum { pointer: String, found: Value },
    /// A string that is not an RFC 3339 timestamp.
    Timestamp { pointer: String, text: String },
    /// A value that is not a 32-bit integer.
    NotInt32 { pointer: String, found: Value },
}

impl Problem {
    fn pointer(&self) -> String {
        match self {
            Problem::Unknown { parent, key } | Problem::NotInProfile { parent, key, .. } => {
                format!("{parent}/{}", escape_pointer(key))
            }
            Problem::Required { pointer, .. }
            | Problem::WrongType { pointer, .. }
            | Problem::InvalidEnum { pointer, .. }
            | Problem::Timestamp { pointer, .. }
            | Problem::NotInt32 { pointer, .. } => pointer.clone(),
        }
    }

    /// Whether it is about `pointer` or something inside it.
    pub fn is_at_or_under(&self, pointer: &str) -> bool {
        let p = self.pointer();
        p.strip_prefix(pointer).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// Words the problems of `doc` as findings, for the rules in `enabled`.
pub fn report(doc: &Document, problems: Vec<Problem>, enabled: RuleSet, diags: &mut Vec<Diagnostic>) {
    for problem in problems {
        let d = match problem {
            Problem::Unknown { parent, key } => unknown_field(doc, &parent, &key),
            Problem::NotInProfile { parent, key, message, profile } => {
                let ptr = format!("{parent}/{}", escape_pointer(&key));
                Diagnostic::new(
                    Rule::UnknownField,
                    &ptr,
                    doc.key_range(&ptr),
                    format!("`{key}` is not a field of {message} in the `{profile}` profile's API revision"),
                )
                .with_help("this field was added in a later revision; choose the `current` profile if you target it")
            }
            Problem::Required { pointer, name } => required(doc, &pointer, &name),
            Problem::WrongType { pointer, found, element } => wrong_type(doc, &pointer, &found, element),
            Problem::InvalidEnum { pointer, found } => invalid_enum(doc, &pointer, &found),
            Problem::Timestamp { pointer, text } => Diagnostic::new(
                Rule::InvalidTimestamp,
                &pointer,
                doc.value_range(&pointer),
                format!("{} is not an RFC 3339 timestamp", Value::String(text)),
            )
            .with_help("write it like \"2024-05-01T12:00:00Z\" (UTC) or with an offset such as \"+02:00\""),
            Problem::NotInt32 { pointer, found } => Diagnostic::new(
                Rule::WrongType,
                &pointer,
                doc.value_range(&pointer),
                format!("{found} is not a 32-bit integer"),
            ),
        };
        if enabled.contains(d.rule) {
            diags.push(d);
        }
    }
}

fn field_names(doc: &Document, ptr: &str) -> Vec<&'static str> {
    doc.message_at(ptr)
        .map(|m| m.fields.iter().filter(|f| !f.read_only).map(|f| f.name.as_str()).collect())
        .unwrap_or_default()
}

fn unknown_field(doc: &Document, parent: &str, key: &str) -> Diagnostic {
    let ptr = format!("{parent}/{}", escape_pointer(key));
    let range = doc.key_range(&ptr);
    let container = doc.message_at(parent).map_or("this object", |m| m.name.as_str());
    let mut d = Diagnostic::new(Rule::UnknownField, &ptr, range, format!("unknown field `{key}` in {container}"));
    if let Some(help) = misplaced_help(doc, parent, key) {
        return d.with_help(help);
    }
    if let Some((name, closeness)) = closest(key, field_names(doc, parent)) {
        let edit = vec![Edit { range, new_text: format!("\"{name}\"") }];
        let title = format!("Rename to `{name}`");
        d = d.with_help(format!("did you mean `{name}`?"));
        d = d.with_fix(if closeness == Closeness::SameLetters {
            Fix::safe(title, edit)
        } else {
            Fix::unsafe_(title, edit)
        });
    } else {
        d = d
            .with_help("Google's parser rejects unknown field names (\"Invalid JSON payload received. Unknown name\")");
    }
    d
}

/// A field that exists, but elsewhere: a Space field at the top of a
/// request whose Space sits below it, the wrapper of a request message
/// around a body that is the Space itself, a parameter that travels in the
/// URL, memberships for a method that takes none.
fn misplaced_help(doc: &Document, parent: &str, key: &str) -> Option<String> {
    if !parent.is_empty() {
        return None;
    }
    let spec = doc.method.spec();
    let layout = doc.layout;
    if let Some(space) = layout.space.filter(|p| !p.is_empty())
        && let Some((f, _)) = doc.model().find_message("Space").and_then(|m| m.field(key))
    {
        let wrapper = space.trim_start_matches('/');
        return Some(format!(
            "`{}` is a Space field: in a {} request it belongs inside `{wrapper}`",
            f.name, spec.name
        ));
    }
    if layout.space == Some("") && key == "space" {
        return Some(format!(
            "{} takes the Space itself as the body: move the fields of `space` to the top level",
            spec.name
        ));
    }
    if let Some(p) = spec.params.iter().find(|p| p.location != Location::Body && p.key.matches(key)) {
        let name = p.key.name();
        let how = match p.location {
            Location::Query => format!("a query parameter (`?{name}=`)"),
            _ => "part of the URL path".to_string(),
        };
        return Some(format!("for {}, {name} is {how}, not a body field", spec.name));
    }
    if key == "memberships" && layout.memberships == crate::method::Memberships::None {
        return Some(format!("{} cannot add members; use spaces.setup to create a space with members", spec.name));
    }
    None
}

fn required(doc: &Document, ptr: &str, name: &str) -> Diagnostic {
    let (msg, range) = match doc.node(ptr) {
        Some(n) => (format!("`{name}` is required, but its value here means unset"), n.value),
        None => (format!("`{name}` is required"), doc.anchor(ptr)),
    };
    let mut d = Diagnostic::new(Rule::RequiredField, ptr, range, msg);
    if let Some(Field { kind: Kind::Enum(e), .. }) = doc.field_at(ptr) {
        let names: Vec<&str> = e.values.iter().filter(|v| v.number != 0).map(|v| v.name.as_str()).collect();
        d = d.with_help(format!("set it to one of {}", names.join(", ")));
    }
    if name == "spaceType" && doc.node(&ptr.replace("spaceType", "type")).is_some() {
        d = d.with_help("`type` is deprecated and output only; use `spaceType` (`ROOM` became `SPACE`)");
    }
    d
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expected(field: &Field, element: bool) -> &'static str {
    if field.repeated && !element {
        return "an array";
    }
    match field.kind {
        Kind::String | Kind::FieldMask | Kind::Timestamp => "a string",
        Kind::Bool => "true or false",
        Kind::Int32 => "an integer",
        Kind::Enum(_) => "an enum name (a string)",
        Kind::Message(_) => "an object",
    }
}

fn wrong_type(doc: &Document, ptr: &str, found: &Value, element: bool) -> Diagnostic {
    let field = if element { ptr.rsplit_once('/').and_then(|(p, _)| doc.field_at(p)) } else { doc.field_at(ptr) };
    let msg = match field {
        Some(f) if element => {
            format!("each element of `{}` must be {}, found {}", f.name, expected(f, true), type_name(found))
        }
        Some(f) => format!("`{}` must be {}, found {}", f.name, expected(f, false), type_name(found)),
        None => format!("unexpected {}", type_name(found)),
    };
    Diagnostic::new(Rule::WrongType, ptr, doc.value_range(ptr), msg)
}

fn invalid_enum(doc: &Document, ptr: &str, found: &Value) -> Diagnostic {
    let Some(Field { kind: Kind::Enum(e), name, .. }) = doc.field_at(ptr) else {
        return Diagnostic::new(
            Rule::InvalidEnumValue,
            ptr,
            doc.value_range(ptr),
            format!("{found} is not an allowed value"),
        );
    };
    let range = doc.value_range(ptr);
    let names: Vec<&str> = e.values.iter().filter(|v| v.number != 0).map(|v| v.name.as_str()).collect();
    let text = found.as_str().unwrap_or_default();
    let mut d = Diagnostic::new(Rule::InvalidEnumValue, ptr, range, format!("{found} is not a value of `{name}`"));
    // The deprecated output-only `type` used ROOM for what spaceType calls SPACE.
    let closest = if name == "spaceType" && text == "ROOM" {
        Some(("SPACE", Closeness::Near))
    } else {
        closest(text, names.iter().copied())
    };
    match closest {
        Some((best, closeness)) => {
            let edit = vec![Edit { range, new_text: format!("\"{best}\"") }];
            let title = format!("Replace with \"{best}\"");
            d = d.with_help(format!(
                "did you mean \"{best}\"? Enum names are case-sensitive; allowed: {}",
                names.join(", ")
            ));
            d.with_fix(if closeness == Closeness::SameLetters {
                Fix::safe(title, edit)
            } else {
                Fix::unsafe_(title, edit)
            })
        }
        None => d.with_help(format!("allowed: {}", names.join(", "))),
    }
}

/// Whether `s` is a timestamp Google's parser takes: RFC 3339 as ProtoJSON
/// writes it, `YYYY-MM-DDTHH:MM:SS[.f…]` with 1 to 9 fractional digits and
/// `Z` or an offset `±HH:MM`; upper-case `T` and `Z`; years 0001 to 9999; no
/// leap second (`:60`).
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (digits(0..4), digits(5..7), digits(8..10), digits(11..13), digits(14..16), digits(17..19))
    else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let date_ok =
        (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days[month as usize - 1];
    if !date_ok || hour > 23 || minute > 59 || second > 59 {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return false;
        }
        i += 1 + n;
    }
    match &b[i..] {
        [b'Z'] => true,
        [sign, ..] if *sign == b'+' || *sign == b'-' => {
            b.len() == i + 6
                && b[i + 3] == b':'
                && digits(i + 1..i + 3).is_some_and(|h| h <= 23)
                && digits(i + 4..i + 6).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn timestamps_as_google_reads_them() {
        for ok in [
            "2024-05-01T12:00:00Z",
            "2024-05-01T12:00:00.5Z",
            "2024-05-01T12:00:00.123456789Z",
            "2024-05-01T12:00:00+02:00",
            "2024-02-29T23:59:59-11:30",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01 12:00:00Z",
            "2024-05-01t12:00:00Z",
            "2024-05-01T12:00:00z",
            "2024-05-01T12:00:00",
            "0000-01-05T10:00:00Z",
            "2016-12-31T23:59:60Z",
            "2024-05-01T12:00:00.1234567890Z",
            "2024-05-01T12:00:00.Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00+24:00",
            "2024-05-01T12:00:00+05:60",
            "2024-05-01T12:00:00+5:30",
            "2024-5-01T12:00:00Z",
            "２０２４-05-01T12:00:00Z",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
