//! Reads a parsed request the way Google's JSON parser (ProtoJSON) does.
//!
//! The result is a [`Document`]: the *canonical* value (lowerCamelCase keys,
//! enum names, and every "unset" value left out: `null`, `""`, `0`, `false`,
//! `[]` and `*_UNSPECIFIED`), plus the source span of every node under its
//! canonical JSON pointer. The rules work on the canonical value, so
//! `"display_name": ""` and a missing `displayName` look the same to them,
//! as they do to the server.
//!
//! Facts that only the parser sees are reported here: snake_case aliases,
//! duplicate keys, `null`s, enum numbers, quoted booleans, oneof conflicts
//! and output-only fields. So is the structure (unknown fields, wrong
//! types, values that are not enum names, timestamps or 32-bit integers,
//! missing required fields): the reader notes each as a [`Problem`] while it
//! walks with the typed model, and [`crate::structure`] words them once
//! the document is whole. The generated JSON Schema says the same about the
//! canonical form; `crates/engine/tests/structure.rs` holds the two to agreement.

use crate::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Edit, Fix, TextRange};
use crate::document::{Document, Node, NodeId, Spans, child_pointer};
use crate::json::{self, Json};
use crate::method::{Layout, Method};
use crate::model::{Field, Kind, Message, Model};
use crate::profile::Profile;
use crate::settings::RuleSet;
use crate::structure::{self, Problem};
use crate::value::{Key, Map, Value};
use rustc_hash::FxHashMap;
use serde_json::Number;

/// Reads the top-level value as a request of `method`, in the form its keys
/// say ([`form`]). The caller has checked it is an object. Only the rules
/// in `enabled` report.
pub fn read(
    root: json::Object<'_>,
    method: Method,
    profile: &'static Profile,
    enabled: RuleSet,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    let model = Model::get(method);
    let layout = form(&root, method, model);
    // At most one node per value, and the top-level object.
    let spans = Spans::with_capacity(root.values + 1);
    let mut reader = Reader {
        spans,
        kids: Vec::new(),
        diags,
        problems: Vec::new(),
        enabled,
        profile,
        model,
        layout,
        in_output_only: 0,
    };
    let root_range = root.range;
    let top = reader.spans.add(Key::Borrowed(""), Node { key: None, value: root_range, removal: root_range });
    let value = Value::Object(reader.message(root, model.message(layout.root), "", top));
    let problems = std::mem::take(&mut reader.problems);
    let doc = Document { value, spans: reader.spans, root: root_range, method, layout };
    structure::report(&doc, problems, enabled, diags);
    doc
}

/// The form a file of `method` takes: Google's request message when one of
/// its top-level keys is a field only the message has (`updateMask`,
/// `parent`), else the REST body.
pub fn form(root: &json::Object<'_>, method: Method, model: &Model) -> Layout {
    form_by_keys(root.members.iter().map(|m| m.key.as_ref()), method, model)
}

/// `form` from the top-level keys alone (the editor reads them from text
/// that does not parse yet).
pub fn form_by_keys<'k>(keys: impl IntoIterator<Item = &'k str>, method: Method, model: &Model) -> Layout {
    let spec = method.spec();
    let Some(message) = spec.message else { return spec.body };
    let (Some(m), Some(b)) = (model.find_message(message.root), model.find_message(spec.body.root)) else {
        return spec.body;
    };
    let message_only = |key: &str| m.field(key).is_some() && b.field(key).is_none();
    if keys.into_iter().any(message_only) { message } else { spec.body }
}

struct Reader<'d> {
    spans: Spans,
    /// The nodes of the objects and arrays being read, one run per level.
    kids: Vec<NodeId>,
    diags: &'d mut Vec<Diagnostic>,
    /// What is structurally wrong, worded once the document is whole.
    problems: Vec<Problem>,
    /// The rules that report; the others are not asked.
    enabled: RuleSet,
    profile: &'static Profile,
    model: &'static Model,
    layout: Layout,
    /// Inside an output-only field: its parts are not reported again.
    in_output_only: usize,
}

fn inner_range(r: TextRange) -> TextRange {
    TextRange::new(r.start + 1, r.end.saturating_sub(1).max(r.start + 1))
}

impl Reader<'_> {
    /// Keeps a finding of a rule that runs for this request.
    fn report(&mut self, d: Diagnostic) {
        if self.enabled.contains(d.rule) {
            self.diags.push(d);
        }
    }

    /// Whether the field at `ptr` is required in this request's form.
    fn required(&self, ptr: &str) -> bool {
        let (parent, name) = ptr.rsplit_once('/').unwrap_or(("", ptr));
        self.model.required_in(self.layout.root, parent).any(|f| f == name)
    }

    /// Reads an object, consuming its parse tree: each value is dropped as
    /// soon as it is read, so a large document's tree and its canonical
    /// value are never both whole in memory.
    fn message(&mut self, obj: json::Object<'_>, msg: &'static Message, ptr: &str, id: NodeId) -> Map {
        // What happens to each member, in order (the map is made at the end).
        let mut out: Vec<(Key, Option<Value>)> = Vec::with_capacity(obj.members.len());
        // This object's nodes are `self.kids[kids..]` until it is read.
        let kids = self.kids.len();
        let obj_range = obj.range;
        let n = obj.members.len();
        // Where the member before ends (what removing the last one deletes from).
        let mut previous_end = obj_range.start;
        // canonical key → the raw key of its latest occurrence.
        let mut seen = Seen::with_capacity(n);
        // Fields given a non-null value, set or not: a oneof member has
        // presence even when it holds its default.
        let mut present: Vec<&str> = Vec::new();
        // Keys no field has (`false`), or that the profile's revision lacks
        // (`true`), once each, as the parser sees a repeated key.
        let mut unknown: Vec<(&str, bool)> = Vec::new();
        let mut unknown_at: FxHashMap<&str, usize> = FxHashMap::default();
        // How many keys name each field (counted at the first alias):
        // renaming an alias beside another spelling of its field would make
        // an exact duplicate.
        let mut members = obj.members;
        // (Only a snake_case key can be an alias: the cheap test first.)
        let alias = |m: &json::Member<'_>| m.key.contains('_') && msg.field(&m.key).is_some_and(|(_, alias)| alias);
        let spellings = members.iter().any(alias).then(|| {
            let mut counts: FxHashMap<&'static str, usize> = FxHashMap::default();
            for (f, _) in members.iter().filter_map(|m| msg.field(&m.key)) {
                *counts.entry(f.name.as_str()).or_default() += 1;
            }
            counts
        });
        let mut each = members.iter_mut().peekable();
        while let Some(member) = each.next() {
            let next_start = each.peek().map(|next| next.key_range.start);
            // The value is taken (and dropped once read); the key stays for
            // the lists below.
            let value = std::mem::replace(&mut member.value, Json::Null(TextRange::default()));
            let member: &json::Member = member;
            let (raw_key, key_range) = (member.key.as_ref(), member.key_range);
            let field = msg.field(raw_key);
            let canon: &str = field.map_or(raw_key, |(f, _)| f.name.as_str());
            let at = At { parent: ptr, token: Token::Key(canon) };
            let value_range = value.range();
            let removal = match next_start {
                _ if n == 1 => inner_range(obj_range),
                Some(next) => TextRange::new(key_range.start, next),
                None => TextRange::new(previous_end, value_range.end),
            };
            previous_end = value_range.end;
            let key: Key =
                field.map_or_else(|| Key::Owned(raw_key.to_string()), |(f, _)| Key::Borrowed(f.name.as_str()));
            let node_id = self.spans.add(key.clone(), Node { key: Some(key_range), value: value_range, removal });
            self.kids.push(node_id);

            // The previous occurrence (the list then keeps this one).
            let earlier = seen.insert(canon, raw_key);
            if let Some(first) = earlier {
                let how = if first == raw_key {
                    format!("`{raw_key}` appears more than once in this object")
                } else {
                    format!("`{first}` and `{raw_key}` name the same field")
                };
                self.report(
                    Diagnostic::new(
                        Rule::DuplicateField,
                        at.pointer(),
                        key_range,
                        format!("{how}; Google's parser may reject the request or keep only the last value"),
                    )
                    .with_help("keep one of them")
                    .with_fix(Fix::unsafe_("Remove this duplicate", vec![Edit::delete(removal)])),
                );
                // The parser keeps the last value: what was noted about an
                // earlier one no longer stands.
                let child = at.pointer();
                self.problems.retain(|p| !p.is_at_or_under(&child));
            }

            let Some((field, alias)) = field else {
                note_unknown(&mut unknown, &mut unknown_at, canon, false);
                out.push((key, Some(Value::Null)));
                continue;
            };
            if !self.profile.knows(&msg.name, &field.name) {
                note_unknown(&mut unknown, &mut unknown_at, canon, true);
            }
            if alias {
                let d = Diagnostic::new(
                    Rule::SnakeCaseField,
                    at.pointer(),
                    key_range,
                    format!("`{raw_key}` is the proto spelling of `{}`", field.name),
                )
                .with_help("Google accepts both spellings; the API documents use lowerCamelCase");
                let d = if spellings.as_ref().and_then(|c| c.get(field.name.as_str())).is_some_and(|&n| n > 1) {
                    d // another key names this field too: duplicate-field says which to keep
                } else {
                    d.with_fix(Fix::safe(
                        format!("Rename to `{}`", field.name),
                        vec![Edit { range: key_range, new_text: format!("\"{}\"", field.name) }],
                    ))
                };
                self.report(d);
            }
            if matches!(value, Json::Null(_)) {
                // A required field's null is reported by the required check.
                if !self.required(&at.pointer()) {
                    self.report(
                        Diagnostic::new(
                            Rule::NullValue,
                            at.pointer(),
                            value_range,
                            format!("`null` leaves `{}` unset, the same as omitting it", field.name),
                        )
                        .with_help("remove the field")
                        .with_fix(Fix::safe(format!("Remove `{raw_key}`"), vec![Edit::delete(removal)])),
                    );
                }
                out.push((key, None));
                continue;
            }
            if !msg.oneofs.is_empty() {
                present.push(canon);
            }
            if field.read_only && self.in_output_only == 0 {
                let what = if field.deprecated { "deprecated and output only" } else { "output only" };
                self.report(
                    Diagnostic::new(
                        Rule::OutputOnlyField,
                        at.pointer(),
                        key_range,
                        format!("`{}` is {what}: the server ignores it in a request", field.name),
                    )
                    .with_help(if field.deprecated && field.description.starts_with("Deprecated") {
                        format!("{} Remove it.", first_sentence(&field.description))
                    } else {
                        "the server sets this field; remove it from the request".to_string()
                    })
                    .with_fix(Fix::safe(format!("Remove `{raw_key}`"), vec![Edit::delete(removal)])),
                );
            }
            self.in_output_only += usize::from(field.read_only);
            let read = self.field_value(value, field, &at, node_id, removal);
            self.in_output_only -= usize::from(field.read_only);
            out.push((key, read));
        }
        self.spans.set_members(id, &self.kids[kids..]);
        let out = Map::from_ops(out);
        for (key, in_profile) in unknown {
            let problem = if in_profile {
                Problem::NotInProfile {
                    parent: ptr.to_string(),
                    key: key.to_string(),
                    message: msg.name.clone(),
                    profile: self.profile.name,
                }
            } else {
                Problem::Unknown { parent: ptr.to_string(), key: key.to_string() }
            };
            self.problems.push(problem);
        }
        for name in self.model.required_in(self.layout.root, ptr) {
            if !out.contains_key(name) {
                self.problems.push(Problem::Required { pointer: child_pointer(ptr, name), name: name.to_string() });
            }
        }
        self.check_oneofs(msg, &present, ptr, kids);
        self.kids.truncate(kids);
        out
    }

    /// `kids`: where the object's nodes start in `self.kids`.
    fn check_oneofs(&mut self, msg: &Message, present: &[&str], ptr: &str, kids: usize) {
        for (oneof, members) in &msg.oneofs {
            let kids = &self.kids[kids..];
            let mut set: Vec<&String> = members.iter().filter(|m| present.contains(&m.as_str())).collect();
            if set.len() < 2 {
                continue;
            }
            // Report at the member that comes last in the source.
            set.sort_by_key(|m| self.spans.named(kids, m).map_or(0, |n| n.value.start));
            let last = set.pop().expect("two or more");
            let child = format!("{ptr}/{last}");
            let Some(node) = self.spans.named(kids, last) else { continue };
            let others = set.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            self.report(
                Diagnostic::new(
                    Rule::OneofConflict,
                    &child,
                    node.key.unwrap_or(node.value),
                    format!("`{last}` cannot be set together with {others}: they are alternatives (oneof `{oneof}`)"),
                )
                .with_help(format!(
                    "keep exactly one of {}",
                    members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" or ")
                )),
            );
        }
    }

    /// The canonical value of a field, or `None` when the field is unset.
    fn field_value(
        &mut self,
        v: Json<'_>,
        field: &'static Field,
        at: &At<'_>,
        id: NodeId,
        removal: TextRange,
    ) -> Option<Value> {
        if !field.repeated {
            return self.single(v, field, at, id, Some(removal));
        }
        let arr = match v {
            Json::Array(arr) => arr,
            other => {
                let found = witness(&other);
                self.problems.push(Problem::WrongType { pointer: at.pointer(), found: found.clone(), element: false });
                return Some(found);
            }
        };
        if arr.elements.is_empty() {
            return None;
        }
        let n = arr.elements.len();
        let mut items = Vec::with_capacity(n);
        let ptr = at.pointer();
        // This array's nodes are `self.kids[kids..]` until it is read.
        let kids = self.kids.len();
        let mut previous_end = arr.range.start;
        let mut elements = arr.elements.into_iter().enumerate().peekable();
        while let Some((i, el)) = elements.next() {
            let el_at = At { parent: &ptr, token: Token::Index(i) };
            let r = el.range();
            let removal = match elements.peek() {
                _ if n == 1 => inner_range(arr.range),
                Some((_, next)) => TextRange::new(r.start, next.range().start),
                None => TextRange::new(previous_end, r.end),
            };
            previous_end = r.end;
            let el_id = self.spans.add(Key::Borrowed(""), Node { key: None, value: r, removal });
            self.kids.push(el_id);
            if matches!(el, Json::Null(_)) {
                self.report(
                    Diagnostic::new(
                        Rule::NullInArray,
                        el_at.pointer(),
                        r,
                        format!("`{}` cannot contain `null`", field.name),
                    )
                    .with_help("remove the element, or replace it with a value")
                    .with_fix(Fix::safe("Remove the `null` element", vec![Edit::delete(removal)])),
                );
                items.push(Value::Null);
                continue;
            }
            // An element is always present, even when it holds a default value.
            items.push(self.single(el, field, &el_at, el_id, None).unwrap_or_else(|| default_of(&field.kind)));
        }
        self.spans.set_elements(id, &self.kids[kids..]);
        self.kids.truncate(kids);
        Some(Value::Array(items))
    }

    /// The value is not of the field's kind: noted, and kept as a shallow
    /// stand-in (the rules then see the field as set to something else).
    fn wrong_type(&mut self, v: &Json<'_>, field: &Field, at: &At<'_>) -> Option<Value> {
        let found = witness(v);
        let problem = match &field.kind {
            // An enum lists values, not a type: any other kind of value is
            // "not one of the values".
            Kind::Enum(_) => Problem::InvalidEnum { pointer: at.pointer(), found: found.clone() },
            _ => Problem::WrongType { pointer: at.pointer(), found: found.clone(), element: field.repeated },
        };
        self.problems.push(problem);
        Some(found)
    }

    /// A value of a field that is not a list, or one element of a list
    /// (`removal`: what deletes its member, `None` for an element).
    fn single(
        &mut self,
        v: Json<'_>,
        field: &'static Field,
        at: &At<'_>,
        id: NodeId,
        removal: Option<TextRange>,
    ) -> Option<Value> {
        let range = v.range();
        let v = match (&field.kind, v) {
            (Kind::Message(name), Json::Object(obj)) => {
                let msg = self.model.message(name);
                return Some(Value::Object(self.message(obj, msg, &at.pointer(), id)));
            }
            (_, v) => v,
        };
        match (&field.kind, &v) {
            (Kind::String | Kind::FieldMask, Json::String(s)) => {
                (!s.value.is_empty()).then(|| Value::String(s.value.to_string()))
            }
            (Kind::Timestamp, Json::String(s)) => {
                // A Timestamp is a message: `""` is not "unset" but a bad timestamp.
                if !structure::is_timestamp(&s.value) {
                    self.problems.push(Problem::Timestamp { pointer: at.pointer(), text: s.value.to_string() });
                }
                (!s.value.is_empty()).then(|| Value::String(s.value.to_string()))
            }
            (Kind::Bool, Json::Bool(_, b)) => b.then_some(Value::Bool(true)),
            (Kind::Bool, Json::String(s)) if s.value == "true" || s.value == "false" => {
                self.report(
                    Diagnostic::new(
                        Rule::QuotedBool,
                        at.pointer(),
                        range,
                        format!("`{}` is a boolean, but the value is the string \"{}\"", field.name, s.value),
                    )
                    .with_help("write it without quotes; Google's parser may reject the string form")
                    .with_fix(Fix::safe(
                        format!("Replace with {}", s.value),
                        vec![Edit { range, new_text: s.value.to_string() }],
                    )),
                );
                (s.value == "true").then_some(Value::Bool(true))
            }
            (Kind::Int32, Json::String(s)) => match quoted_integer(&s.value) {
                Some(0) => None,
                Some(n) => {
                    if i32::try_from(n).is_err() {
                        self.problems.push(Problem::NotInt32 { pointer: at.pointer(), found: Value::from(n) });
                    }
                    Some(Value::from(n))
                }
                None => {
                    let found = Value::String(s.value.to_string());
                    self.problems.push(Problem::NotInt32 { pointer: at.pointer(), found: found.clone() });
                    Some(found)
                }
            },
            (Kind::Int32, Json::Number(n)) => {
                let v = number(n.text);
                match v.as_f64() {
                    Some(f) if f.fract() != 0.0 => {
                        self.problems.push(Problem::WrongType {
                            pointer: at.pointer(),
                            found: Value::Number(v.clone()),
                            element: field.repeated,
                        });
                    }
                    Some(f) if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&f) => {
                        self.problems
                            .push(Problem::NotInt32 { pointer: at.pointer(), found: Value::Number(v.clone()) });
                    }
                    _ => {}
                }
                (v.as_f64() != Some(0.0)).then_some(Value::Number(v))
            }
            (Kind::Enum(e), Json::String(s)) => {
                if let Some(ev) = e.by_name(&s.value) {
                    self.unspecified_check(ev.number, &ev.name, field, at, range, removal)
                } else if let Ok(n) = s.value.parse::<i64>() {
                    self.enum_number(n, field, at, range, removal)
                } else {
                    // Not a name: worded with a suggestion once the document is whole.
                    let found = Value::String(s.value.to_string());
                    self.problems.push(Problem::InvalidEnum { pointer: at.pointer(), found: found.clone() });
                    Some(found)
                }
            }
            (Kind::Enum(_), Json::Number(n)) => {
                let num = number(n.text);
                match num.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        self.enum_number(f as i64, field, at, range, removal)
                    }
                    _ => {
                        let names: Vec<&str> = match &field.kind {
                            Kind::Enum(e) => {
                                e.values.iter().filter(|v| v.number != 0).map(|v| v.name.as_str()).collect()
                            }
                            _ => Vec::new(),
                        };
                        self.report(
                            Diagnostic::new(
                                Rule::InvalidEnumValue,
                                at.pointer(),
                                range,
                                format!("{} is not a value of `{}`", n.text, field.name),
                            )
                            .with_help(format!("allowed: {}", names.join(", "))),
                        );
                        None
                    }
                }
            }
            _ => self.wrong_type(&v, field, at),
        }
    }

    fn enum_number(
        &mut self,
        n: i64,
        field: &Field,
        at: &At<'_>,
        range: TextRange,
        removal: Option<TextRange>,
    ) -> Option<Value> {
        let Kind::Enum(e) = &field.kind else { return None };
        if i32::try_from(n).is_err() {
            // Enum values are 32-bit; Google's parser: "Value out of range".
            self.report(
                Diagnostic::new(
                    Rule::InvalidEnumValue,
                    at.pointer(),
                    range,
                    format!("{n} is out of range for `{}`: enum values are 32-bit integers", field.name),
                )
                .with_help(format!(
                    "use one of the names: {}",
                    e.values.iter().filter(|v| v.number != 0).map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
                )),
            );
            return None;
        }
        match e.by_number(n) {
            Some(ev) => {
                self.report(
                    Diagnostic::new(
                        Rule::EnumAsNumber,
                        at.pointer(),
                        range,
                        format!("`{}` is given as the number {n}, which means `{}`", field.name, ev.name),
                    )
                    .with_help("Google accepts enum numbers, but names are clearer")
                    .with_fix(Fix::safe(
                        format!("Replace with \"{}\"", ev.name),
                        vec![Edit { range, new_text: format!("\"{}\"", ev.name) }],
                    )),
                );
                self.unspecified_check(ev.number, &ev.name.clone(), field, at, range, removal)
            }
            None => {
                let known =
                    e.values.iter().map(|v| format!("{} ({})", v.name, v.number)).collect::<Vec<_>>().join(", ");
                self.report(
                    Diagnostic::new(
                        Rule::UnknownEnumNumber,
                        at.pointer(),
                        range,
                        format!("{n} is not a known value of `{}`", field.name),
                    )
                    .with_help(format!("known values: {known}")),
                );
                None
            }
        }
    }

    /// Value 0 is the enum's "unspecified" default: the same as unset.
    fn unspecified_check(
        &mut self,
        number: i64,
        name: &str,
        field: &Field,
        at: &At<'_>,
        range: TextRange,
        removal: Option<TextRange>,
    ) -> Option<Value> {
        if number != 0 {
            return Some(Value::String(name.to_string()));
        }
        // A required field left unspecified is reported by the required
        // check; inside an output-only field the whole field is reported.
        if self.in_output_only == 0 && !self.required(&at.pointer()) {
            let mut d = Diagnostic::new(
                Rule::UnspecifiedEnumValue,
                at.pointer(),
                range,
                format!("`{name}` is the default of `{}`: it means the same as leaving the field out", field.name),
            )
            .with_help("choose a real value, or remove the field");
            if let Some(removal) = removal {
                d = d.with_fix(Fix::unsafe_(format!("Remove `{}`", field.name), vec![Edit::delete(removal)]));
            }
            self.report(d);
        }
        None
    }
}

/// The keys of an object seen so far, by canonical name, with the raw key
/// of the latest occurrence: a list for the small objects requests are
/// made of, a hash map for a large one (200,000 keys must not take
/// quadratic time).
#[expect(
    clippy::large_enum_variant,
    reason = "one lives on the stack per object being read; no allocation is the point"
)]
enum Seen<'k> {
    /// Up to [`SMALL`] keys, on the stack: no allocation.
    List([(&'k str, &'k str); SMALL], usize),
    Map(FxHashMap<&'k str, &'k str>),
}

const SMALL: usize = 16;

impl<'k> Seen<'k> {
    fn with_capacity(n: usize) -> Seen<'k> {
        if n <= SMALL {
            Seen::List([("", ""); SMALL], 0)
        } else {
            Seen::Map(FxHashMap::with_capacity_and_hasher(n, Default::default()))
        }
    }

    /// Records `raw` as the latest key for `canon`; the previous one, if any.
    fn insert(&mut self, canon: &'k str, raw: &'k str) -> Option<&'k str> {
        match self {
            Seen::List(list, len) => match list[..*len].iter_mut().find(|(c, _)| *c == canon) {
                Some(entry) => Some(std::mem::replace(&mut entry.1, raw)),
                None => {
                    list[*len] = (canon, raw);
                    *len += 1;
                    None
                }
            },
            Seen::Map(map) => map.insert(canon, raw),
        }
    }
}

/// Notes a key no field has (`in_profile: false`) or that the profile's
/// revision lacks (`true`), once per key, as the parser sees a repeated
/// key: the latest occurrence decides.
fn note_unknown<'k>(
    list: &mut Vec<(&'k str, bool)>,
    at: &mut FxHashMap<&'k str, usize>,
    key: &'k str,
    in_profile: bool,
) {
    match at.get(key) {
        Some(&i) => list[i].1 = in_profile,
        None => {
            at.insert(key, list.len());
            list.push((key, in_profile));
        }
    }
}

/// Where a value sits: its parent's pointer and its own token, made into
/// a JSON pointer only when something needs one (most values need none: a
/// pointer string per node was a tenth of the time reading a large request).
#[derive(Clone, Copy)]
struct At<'p> {
    parent: &'p str,
    token: Token<'p>,
}

#[derive(Clone, Copy)]
enum Token<'p> {
    Key(&'p str),
    Index(usize),
}

impl At<'_> {
    fn pointer(&self) -> String {
        match self.token {
            Token::Key(key) => child_pointer(self.parent, key),
            Token::Index(i) => [self.parent, "/", itoa::Buffer::new().format(i)].concat(),
        }
    }
}

/// The value an absent element stands for (elements cannot be omitted).
fn default_of(kind: &Kind) -> Value {
    match kind {
        Kind::Message(_) => Value::Object(Map::default()),
        Kind::Bool => Value::Bool(false),
        Kind::Int32 => Value::from(0),
        Kind::Enum(_) | Kind::String | Kind::FieldMask | Kind::Timestamp => Value::String(String::new()),
    }
}

/// A shallow stand-in for a value of the wrong kind: enough to name its
/// type, without copying a large subtree.
fn witness(v: &Json<'_>) -> Value {
    match v {
        Json::String(s) => Value::String(s.value.to_string()),
        Json::Number(n) => Value::Number(number(n.text)),
        Json::Bool(_, b) => Value::Bool(*b),
        Json::Object(_) => Value::Object(Map::default()),
        Json::Array(_) => Value::Array(Vec::new()),
        Json::Null(_) => Value::Null,
    }
}

/// A JSON number literal as a serde number; magnitudes beyond `f64` are
/// clamped (the range checks then report them).
fn number(text: &str) -> Number {
    if let Ok(i) = text.parse::<i64>() {
        return Number::from(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return Number::from(u);
    }
    let f = text.parse::<f64>().unwrap_or(0.0);
    let f = if f.is_finite() { f } else { f64::MAX.copysign(f) };
    Number::from_f64(f).unwrap_or_else(|| Number::from(0))
}

/// The integer a quoted int32 stands for: ProtoJSON takes any JSON number
/// in quotes whose value is whole (`"3"`, `"1e2"`, `"5.0"`).
fn quoted_integer(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let json_number = |s: &str| {
        let s = s.strip_prefix('-').unwrap_or(s);
        let (int, rest) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
        let rest = rest.strip_prefix('.').map_or(Some(rest), |frac| {
            let n = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
            (n > 0).then_some(&frac[n..])
        });
        let exp_ok = |e: &str| {
            let e = e.strip_prefix(['e', 'E']).map(|e| e.strip_prefix(['+', '-']).unwrap_or(e));
            e.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        };
        (int == "0" || (!int.is_empty() && !int.starts_with('0'))) && rest.is_some_and(|r| r.is_empty() || exp_ok(r))
    };
    let f: f64 = s.parse().ok().filter(|f: &f64| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e18)?;
    json_number(s).then_some(f as i64)
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::{form_by_keys, quoted_integer};
    use crate::method::Method;
    use crate::model::Model;

    #[test]
    fn each_method_s_forms_are_told_by_their_keys() {
        let root = |keys: &[&str], method: Method| form_by_keys(keys.iter().copied(), method, Model::get(method)).root;
        for (keys, method, want) in [
            (&["membership", "updateMask"][..], Method::MembersPatch, "UpdateMembershipRequest"),
            (&["update_mask"], Method::MembersPatch, "UpdateMembershipRequest"),
            (&["name", "role"], Method::MembersPatch, "Membership"),
            (&["name", "useAdminAccess"], Method::MembersDelete, "DeleteMembershipRequest"),
            (&["name"], Method::Delete, "DeleteSpaceRequest"),
            (&["name"], Method::CompleteImport, "CompleteImportSpaceRequest"),
            (&["space", "updateMask"], Method::Patch, "UpdateSpaceRequest"),
            (&["name", "displayName"], Method::Patch, "Space"),
            (&["parent", "membership"], Method::MembersCreate, "CreateMembershipRequest"),
            (&["member"], Method::MembersCreate, "Membership"),
        ] {
            assert_eq!(root(keys, method), want, "{keys:?} as {method}");
        }
    }

    #[test]
    fn quoted_integers_as_protojson_reads_them() {
        for (text, n) in [("3", 3), ("-7", -7), ("1e2", 100), ("5.0", 5), ("2.5E1", 25), ("0", 0), ("1e+1", 10)] {
            assert_eq!(quoted_integer(text), Some(n), "{text}");
        }
        for text in ["1.5", "abc", "", " 3", "3 ", "1_000", "0x10", ".5", "5.", "1e", "inf", "NaN", "1e-1"] {
            assert_eq!(quoted_integer(text), None, "{text}");
        }
    }
}
