//! The canonical value of a request: what the server sees once it has read
//! the file. Like `serde_json::Value`, with one difference that matters at
//! scale: an object is a sorted list of its members, with the names of
//! known fields borrowed from the model, instead of a B-tree whose every
//! node holds room for eleven members and an owned copy of each name.
//! Members keep serde_json's order (by name, byte by byte), so the JSON
//! text a value prints is the same as before.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Cow;

/// A member's name: a field's name from the model (no copy), or the key as
/// written when no field has it.
pub type Key = Cow<'static, str>;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// An object's members, sorted by name, each name once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map {
    members: Vec<(Key, Value)>,
}

impl Map {
    /// The map of `ops` applied in order: `Some` sets a member, `None`
    /// removes it (the last one for a name decides, as when the same
    /// calls go to a map one by one).
    pub fn from_ops(mut ops: Vec<(Key, Option<Value>)>) -> Map {
        // A stable sort keeps each name's operations in their order.
        if !ops.is_sorted_by(|a, b| a.0 <= b.0) {
            ops.sort_by(|a, b| a.0.cmp(&b.0));
        }
        // One entry per name, holding the last operation on it.
        ops.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        // The same layout in and out: the list is reused, not copied.
        Map { members: ops.into_iter().filter_map(|(k, v)| Some((k, v?))).collect() }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        // Most objects of a request have a few members: comparing each is
        // cheaper than a binary search's ordered comparisons.
        if self.members.len() <= 8 {
            return self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        }
        self.members.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok().map(|i| &self.members[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_ref())
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Key, Value)>, fn(&'a (Key, Value)) -> (&'a str, &'a Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The same value as a `serde_json::Value` (for adapters that edit it).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_json).collect()),
            Value::Object(o) => {
                serde_json::Value::Object(o.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect())
            }
        }
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n.into())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(text) => s.serialize_str(text),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Compact JSON text, as `serde_json::Value` prints it.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| std::fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text a value prints and the order of its members are those of
    /// the `serde_json::Value` it stands for (the derived requestId hashes
    /// that text).
    #[test]
    fn prints_as_serde_json_does() {
        let ops = vec![
            (Key::Borrowed("zeta"), Some(Value::from(1))),
            (Key::Owned("a\"b".into()), Some(Value::String("é\n".into()))),
            (Key::Borrowed("mid"), Some(Value::Null)),
            (Key::Borrowed("gone"), Some(Value::Bool(true))),
            (Key::Borrowed("gone"), None),
            (Key::Borrowed("twice"), Some(Value::from(1))),
            (Key::Borrowed("twice"), Some(Value::Array(vec![Value::Bool(false), Value::from(-3)]))),
            (Key::Borrowed("back"), None),
            (Key::Borrowed("back"), Some(Value::Object(Map::default()))),
        ];
        let mut expected = serde_json::Map::new();
        for (k, v) in &ops {
            match v {
                Some(v) => expected.insert(k.to_string(), v.to_json()),
                None => expected.remove(k.as_ref()),
            };
        }
        let value = Value::Object(Map::from_ops(ops));
        assert_eq!(value.to_string(), serde_json::Value::Object(expected.clone()).to_string());
        assert_eq!(value.to_json(), serde_json::Value::Object(expected));
        let map = value.as_object().unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a\"b", "back", "mid", "twice", "zeta"]);
        assert_eq!(map.get("twice").and_then(Value::as_array).map(Vec::len), Some(2));
        assert!(map.get("gone").is_none() && !map.contains_key("nope"));
    }
}
