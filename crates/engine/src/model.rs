//! A typed view of the generated schemas: messages, fields and enums.
//!
//! Built once per method from its `schemas/*.schema.json` (compiled into
//! the binary through the method table), it is what the ProtoJSON reader,
//! the rules, and the editor features (hover, completion) consult about
//! field names, kinds and documentation.

use crate::method::Method;
use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    String,
    /// A FieldMask: comma-separated field paths, a string on the wire.
    FieldMask,
    Bool,
    Int32,
    Timestamp,
    Enum(EnumType),
    /// A message, by name.
    Message(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub name: String,
    pub number: i64,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    pub values: Vec<EnumValue>,
}

impl EnumType {
    pub fn by_name(&self, name: &str) -> Option<&EnumValue> {
        self.values.iter().find(|v| v.name == name)
    }
    pub fn by_number(&self, n: i64) -> Option<&EnumValue> {
        self.values.iter().find(|v| v.number == n)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// lowerCamelCase JSON name.
    pub name: String,
    /// The proto field name (snake_case), which ProtoJSON also accepts.
    pub proto_name: String,
    pub description: String,
    pub kind: Kind,
    pub repeated: bool,
    pub read_only: bool,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
    /// Each oneof: its name and its member fields (JSON names).
    pub oneofs: Vec<(String, Vec<String>)>,
}

impl Message {
    /// The field a key names, and whether the key was the proto (snake_case) alias.
    pub fn field(&self, key: &str) -> Option<(&Field, bool)> {
        if let Some(f) = self.fields.iter().find(|f| f.name == key) {
            return Some((f, false));
        }
        self.fields.iter().find(|f| f.proto_name == key).map(|f| (f, true))
    }
}

#[derive(Debug)]
pub struct Model {
    pub method: Method,
    pub root: String,
    pub revision: String,
    messages: HashMap<String, Message>,
    /// Canonical JSON pointers of required fields: the schema marks them
    /// only at the top level and in the messages right below it.
    required: Vec<String>,
}

impl Model {
    pub fn get(method: Method) -> &'static Model {
        static CACHE: [OnceLock<Model>; Method::COUNT] = [const { OnceLock::new() }; Method::COUNT];
        CACHE[method as usize].get_or_init(|| Model::from_schema(method, method.spec().schema))
    }

    /// A message of this method's schema; the name comes from the schema
    /// itself or the method table, so a missing one is a build defect.
    pub fn message(&self, name: &str) -> &Message {
        &self.messages[name]
    }

    /// A message by name, if this method's schema has it.
    pub fn find_message(&self, name: &str) -> Option<&Message> {
        self.messages.get(name)
    }

    pub fn root_message(&self) -> &Message {
        self.message(&self.root)
    }

    /// Whether the field at this canonical pointer is required.
    pub fn is_required(&self, pointer: &str) -> bool {
        self.required.iter().any(|p| p == pointer)
    }

    /// The names of the fields required in the object at `pointer`, in a
    /// request whose top level is the message `root`: the schema's required
    /// fields describe its own root form only, and only its top level and
    /// the messages right below it (never an element of a list).
    pub fn required_in<'a>(&'a self, root: &str, pointer: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let applies = root == self.root;
        self.required.iter().filter(move |_| applies).filter_map(move |p| {
            p.strip_prefix(pointer).and_then(|rest| rest.strip_prefix('/')).filter(|f| !f.contains('/'))
        })
    }

    /// The message that holds the object at a canonical pointer, walking
    /// from the schema's root; `None` when the path leaves the schema.
    pub fn message_at(&self, pointer: &str) -> Option<&Message> {
        self.message_at_from(&self.root, pointer)
    }

    /// [`Model::message_at`], walking from the message `root`.
    pub fn message_at_from(&self, root: &str, pointer: &str) -> Option<&Message> {
        let mut msg = self.find_message(root)?;
        let mut expect_index = false;
        for seg in pointer.split('/').skip(1) {
            if expect_index {
                expect_index = false;
                continue;
            }
            let (field, _) = msg.field(seg)?;
            let Kind::Message(name) = &field.kind else { return None };
            msg = self.message(name);
            expect_index = field.repeated;
        }
        (!expect_index).then_some(msg)
    }

    /// The field a canonical pointer names, if the path stays in the schema.
    pub fn field_at(&self, pointer: &str) -> Option<&Field> {
        self.field_at_from(&self.root, pointer)
    }

    /// [`Model::field_at`], walking from the message `root`.
    pub fn field_at_from(&self, root: &str, pointer: &str) -> Option<&Field> {
        let (parent, last) = pointer.rsplit_once('/')?;
        self.message_at_from(root, parent)?.field(last).map(|(f, _)| f)
    }

    /// Built from a schema this crate generated; a malformed one is a bug
    /// caught by the test suite, so construction may panic.
    fn from_schema(method: Method, text: &str) -> Model {
        let schema: Value = serde_json::from_str(text).expect("generated schema is JSON");
        let root = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")).expect("root $ref").to_string();
        let mut messages = HashMap::default();
        for (name, def) in schema["$defs"].as_object().expect("$defs") {
            messages.insert(name.clone(), message_from(name, def));
        }
        let mut required = Vec::new();
        collect_required(&schema, &schema, "", &mut required);
        Model {
            method,
            root,
            revision: schema["x-discoveryRevision"].as_str().unwrap_or_default().to_string(),
            messages,
            required,
        }
    }
}

fn collect_required(schema: &Value, node: &Value, pointer: &str, out: &mut Vec<String>) {
    if let Some(req) = node["required"].as_array() {
        out.extend(req.iter().filter_map(Value::as_str).map(|f| format!("{pointer}/{f}")));
    }
    // Only the root and the properties of the root message carry `required`.
    if pointer.is_empty()
        && let Some(def) = node["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/"))
        && let Some(props) = schema["$defs"][def]["properties"].as_object()
    {
        for (k, v) in props {
            if v.get("required").is_some() {
                collect_required(schema, v, &format!("/{k}"), out);
            }
        }
    }
}

fn message_from(name: &str, def: &Value) -> Message {
    let mut fields = Vec::new();
    if let Some(props) = def["properties"].as_object() {
        for (key, prop) in props {
            let repeated = type_includes(prop, "array");
            let item = if repeated { &prop["items"] } else { prop };
            fields.push(Field {
                name: key.clone(),
                proto_name: to_snake_case(key),
                description: prop["description"].as_str().unwrap_or_default().to_string(),
                kind: kind_of(item),
                repeated,
                read_only: prop["readOnly"].as_bool().unwrap_or(false),
                deprecated: prop["deprecated"].as_bool().unwrap_or(false),
            });
        }
    }
    let oneofs = def["x-oneofs"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let members =
                        v.as_array().into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
                    (k.clone(), members)
                })
                .collect()
        })
        .unwrap_or_default();
    Message {
        name: name.to_string(),
        description: def["description"].as_str().unwrap_or_default().to_string(),
        fields,
        oneofs,
    }
}

fn type_includes(prop: &Value, t: &str) -> bool {
    match &prop["type"] {
        Value::String(s) => s == t,
        Value::Array(a) => a.iter().any(|x| x == t),
        _ => false,
    }
}

fn kind_of(prop: &Value) -> Kind {
    if let Some(r) = prop["$ref"].as_str() {
        return Kind::Message(r.trim_start_matches("#/$defs/").to_string());
    }
    if let Some(numbers) = prop["x-enumNumbers"].as_object() {
        let descs = &prop["x-enumDescriptions"];
        let mut values: Vec<EnumValue> = numbers
            .iter()
            .map(|(name, n)| EnumValue {
                name: name.clone(),
                number: n.as_i64().unwrap_or_default(),
                description: descs[name].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        values.sort_by_key(|v| v.number);
        return Kind::Enum(EnumType { values });
    }
    if type_includes(prop, "boolean") {
        Kind::Bool
    } else if type_includes(prop, "integer") {
        Kind::Int32
    } else if prop["format"] == "date-time" {
        Kind::Timestamp
    } else if prop["x-fieldMask"] == true {
        Kind::FieldMask
    } else {
        Kind::String
    }
}

/// `spaceType` → `space_type`: how protoc derives JSON names, reversed.
pub fn to_snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `display_name` → `displayName`: the JSON name of a proto field name (a
/// name without `_` is kept).
pub fn to_camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_knows_fields_aliases_and_required() {
        let m = Model::get(Method::Setup);
        let space = m.message_at("/space").unwrap();
        let (f, alias) = space.field("space_type").unwrap();
        assert_eq!((f.name.as_str(), alias), ("spaceType", true));
        assert!(matches!(&f.kind, Kind::Enum(e) if e.by_name("GROUP_CHAT").unwrap().number == 2));
        assert!(m.is_required("/space") && m.is_required("/space/spaceType"));
        assert_eq!(m.message_at("/memberships/3/member").unwrap().name, "User");
        assert!(m.field_at("/space/type").unwrap().deprecated);
        assert!(Model::get(Method::Create).is_required("/spaceType"));
    }
}
