//! A typed view of the generated schemas: messages, fields and enums.
//!
//! The build script reads each method's `schemas/<method>.schema.json` and
//! writes Rust that makes its model (`generated::model`), so nothing is
//! parsed when chatlint starts; it is made once per method, on first use.
//! It is what the ProtoJSON reader, the rules, and the editor features
//! (hover, completion) consult about field names, kinds and documentation.

use crate::method::Method;
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

pub use crate::case::{to_camel_case, to_snake_case};

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
        CACHE[method as usize].get_or_init(|| generated::model(method))
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
}

/// The models as the build script wrote them (see `build/models.rs`).
mod generated {
    use super::*;

    /// A string of the generated code.
    fn s(text: &str) -> String {
        text.to_string()
    }

    include!(concat!(env!("OUT_DIR"), "/models.rs"));
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
