//! A request as the server reads it: the canonical value (lowerCamelCase
//! keys, enum names, unset values left out) and where every node of it sits
//! in the file, by canonical JSON pointer. The ProtoJSON reader
//! ([`crate::protojson`]) builds it; the rules, the fixes and the adapters
//! (hover, server errors) go from a pointer to a position through it.

use crate::diagnostic::{Edit, TextRange};
use crate::method::{Layout, Method};
use crate::model::{Field, Message, Model};
use rustc_hash::FxHashMap;
use serde_json::Value;

/// Where a node sits in the source.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// The key, quotes included, for object members.
    pub key: Option<TextRange>,
    pub value: TextRange,
    /// What to delete to remove this member or element cleanly, separator included.
    pub removal: TextRange,
}

#[derive(Debug)]
pub struct Document {
    /// The canonical value the server would see.
    pub value: Value,
    /// Every node of the source, by canonical pointer (the last one wins for
    /// duplicate keys, as in the parser).
    pub nodes: FxHashMap<String, Node>,
    /// The range of the top-level value.
    pub root: TextRange,
    /// The method it was read as, and the form its file takes.
    pub method: Method,
    pub layout: Layout,
}

impl Document {
    /// The typed model of the method's schema.
    pub fn model(&self) -> &'static Model {
        Model::get(self.method)
    }

    /// The message of the object at a canonical pointer, in this file's form.
    pub fn message_at(&self, pointer: &str) -> Option<&'static Message> {
        self.model().message_at_from(self.layout.root, pointer)
    }

    /// The field a canonical pointer names, in this file's form.
    pub fn field_at(&self, pointer: &str) -> Option<&'static Field> {
        self.model().field_at_from(self.layout.root, pointer)
    }

    /// The canonical value at an RFC 6901 pointer. (serde_json's own
    /// `pointer` unescapes every segment with two string replaces, which
    /// the rules' many look-ups turned into a hot spot.)
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(&self.value);
        }
        let mut target = &self.value;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token: std::borrow::Cow<str> =
                if token.contains('~') { token.replace("~1", "/").replace("~0", "~").into() } else { token.into() };
            target = match target {
                Value::Object(map) => map.get(token.as_ref())?,
                Value::Array(list) => list.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    pub fn node(&self, pointer: &str) -> Option<&Node> {
        self.nodes.get(pointer)
    }

    /// Where to report something about the value at `pointer`; for a field
    /// that is absent, the key of the nearest object that exists.
    pub fn value_range(&self, pointer: &str) -> TextRange {
        match self.nodes.get(pointer) {
            Some(n) => n.value,
            None => self.anchor(pointer),
        }
    }

    /// Where to report something about the key at `pointer`.
    pub fn key_range(&self, pointer: &str) -> TextRange {
        match self.nodes.get(pointer) {
            Some(n) => n.key.unwrap_or(n.value),
            None => self.anchor(pointer),
        }
    }

    /// The nearest existing ancestor's key, or its opening brace when it
    /// has no key (the top-level object, an array element).
    pub fn anchor(&self, pointer: &str) -> TextRange {
        let mut p = pointer;
        while let Some((parent, _)) = p.rsplit_once('/') {
            if let Some(n) = self.nodes.get(parent) {
                return n.key.unwrap_or(TextRange::new(n.value.start, n.value.start + 1));
            }
            p = parent;
        }
        TextRange::new(self.root.start, (self.root.start + 1).min(self.root.end))
    }

    /// The requestId chatlint derives for a request that sets none: a UUID
    /// v5 of the canonical body, so reformatting or renaming keeps it and
    /// changing what the request asks for changes it. The fix that pins an
    /// id and `--send` both use this one formula.
    pub fn derived_request_id(&self) -> String {
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, self.value.to_string().as_bytes()).to_string()
    }

    /// An edit that adds `"key": value_json` to the object at `object`:
    /// as its first member, copying the whitespace that leads to the
    /// existing first member (so indentation matches), or into `{}`.
    pub fn insertion(&self, text: &str, object: &str, key: &str, value_json: &str) -> Option<Edit> {
        let obj = self.nodes.get(object)?.value;
        let member = format!("\"{key}\": {value_json}");
        let prefix = format!("{object}/");
        let first = self
            .nodes
            .iter()
            .filter(|(p, n)| p.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('/')) && n.key.is_some())
            .map(|(_, n)| n.key.unwrap_or(n.value).start)
            .min();
        match first {
            Some(start) => {
                let lead = text.get(obj.start + 1..start).filter(|ws| ws.trim().is_empty()).unwrap_or(" ");
                Some(Edit { range: TextRange::new(start, start), new_text: format!("{member},{lead}") })
            }
            None => Some(Edit { range: TextRange::new(obj.start + 1, obj.start + 1), new_text: member }),
        }
    }

    /// An edit that removes the member or element at `pointer`.
    pub fn removal(&self, pointer: &str) -> Option<Edit> {
        self.nodes.get(pointer).map(|n| Edit::delete(n.removal))
    }
}

/// `parent` extended by one escaped reference token, in one allocation.
pub fn child_pointer(parent: &str, key: &str) -> String {
    let mut out = String::with_capacity(parent.len() + 1 + key.len());
    out.push_str(parent);
    out.push('/');
    if key.contains(['~', '/']) {
        out.push_str(&escape_pointer(key));
    } else {
        out.push_str(key);
    }
    out
}

/// Escapes one RFC 6901 reference token.
pub fn escape_pointer(key: &str) -> String {
    if key.contains(['~', '/']) { key.replace('~', "~0").replace('/', "~1") } else { key.to_string() }
}
