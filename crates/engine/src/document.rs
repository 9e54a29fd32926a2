//! A request as the server reads it: the canonical value (lowerCamelCase
//! keys, enum names, unset values left out) and where every node of it sits
//! in the file, by canonical JSON pointer. The ProtoJSON reader
//! (`protojson`) builds it; the rules, the fixes and the adapters
//! (hover, server errors) go from a pointer to a position through it.

use crate::diagnostic::{Edit, TextRange};
use crate::method::{Layout, Method};
use crate::model::{Field, Message, Model};
use crate::value::{Key, Value};

/// Where a node sits in the source.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// The key, quotes included, for object members.
    pub key: Option<TextRange>,
    pub value: TextRange,
    /// What to delete to remove this member or element cleanly, separator included.
    pub removal: TextRange,
}

/// Every node of the source as a tree: a node's children are a run of
/// `children`, members sorted by canonical name, elements by index. One flat list
/// for the whole file, so a node costs no allocation of its own (a map
/// from pointer strings to nodes cost one string and a hash entry each).
#[derive(Debug, Default)]
pub(crate) struct Spans {
    entries: Vec<Entry>,
    children: Vec<u32>,
}

#[derive(Debug)]
struct Entry {
    node: Packed,
    /// Its canonical name in its object (empty for an element).
    name: Key,
    kids: Kids,
}

/// A [`Node`] in 32-bit offsets (the parser refuses larger texts): a
/// large request has hundreds of thousands of nodes.
#[derive(Debug, Clone, Copy)]
struct Packed {
    /// `u32::MAX` at the start: no key.
    key: [u32; 2],
    value: [u32; 2],
    removal: [u32; 2],
}

impl Packed {
    fn new(n: Node) -> Packed {
        let pack = |r: TextRange| [r.start as u32, r.end as u32];
        Packed { key: n.key.map_or([u32::MAX; 2], pack), value: pack(n.value), removal: pack(n.removal) }
    }

    fn node(self) -> Node {
        let range = |[start, end]: [u32; 2]| TextRange::new(start as usize, end as usize);
        Node {
            key: (self.key[0] != u32::MAX).then(|| range(self.key)),
            value: range(self.value),
            removal: range(self.removal),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kids {
    None,
    /// Members of an object: `children[start..start + len]`, by name.
    Members(u32, u32),
    /// Elements of an array: `children[start..start + len]`, by index.
    Elements(u32, u32),
}

/// A node's place in [`Spans`].
pub(crate) type NodeId = u32;

impl Spans {
    pub(crate) fn with_capacity(nodes: usize) -> Spans {
        Spans { entries: Vec::with_capacity(nodes), children: Vec::with_capacity(nodes) }
    }

    /// Adds a node (the first one added is the top-level value); its
    /// parent lists it with [`Spans::set_members`] or [`Spans::set_elements`].
    pub(crate) fn add(&mut self, name: Key, node: Node) -> NodeId {
        self.entries.push(Entry { node: Packed::new(node), name, kids: Kids::None });
        (self.entries.len() - 1) as NodeId
    }

    /// The members of the object at `parent` (the last of a repeated name
    /// is the one found).
    pub(crate) fn set_members(&mut self, parent: NodeId, kids: &[NodeId]) {
        let start = self.children.len();
        self.children.extend_from_slice(kids);
        // Sorted by name (a stable sort: a repeated name's nodes stay in
        // source order), so that a look-up is a binary search even in an
        // object of 200,000 members.
        let entries = &self.entries;
        self.children[start..].sort_by(|a, b| entries[*a as usize].name.cmp(&entries[*b as usize].name));
        self.entries[parent as usize].kids = Kids::Members(start as u32, kids.len() as u32);
    }

    /// The elements of the array at `parent`.
    pub(crate) fn set_elements(&mut self, parent: NodeId, kids: &[NodeId]) {
        let start = self.children.len() as u32;
        self.children.extend_from_slice(kids);
        self.entries[parent as usize].kids = Kids::Elements(start, kids.len() as u32);
    }

    /// The last of `kids` named `name`.
    pub(crate) fn named(&self, kids: &[NodeId], name: &str) -> Option<Node> {
        kids.iter().rev().map(|&k| &self.entries[k as usize]).find(|e| e.name == name).map(|e| e.node.node())
    }

    /// The children the parser keeps, each with its pointer token: every
    /// element (by index), and of a repeated member name only the last.
    fn kept(&self, id: NodeId) -> impl Iterator<Item = (NodeId, std::borrow::Cow<'_, str>)> {
        let elements = matches!(self.entries[id as usize].kids, Kids::Elements(..));
        let kids = self.kids(id);
        kids.iter().enumerate().filter_map(move |(i, &kid)| {
            let name = &self.entries[kid as usize].name;
            if elements {
                return Some((kid, itoa::Buffer::new().format(i).to_string().into()));
            }
            // Members are sorted by name, a repeated name's in source order.
            let shadowed = kids.get(i + 1).is_some_and(|&next| self.entries[next as usize].name == *name);
            (!shadowed).then(|| (kid, escape_pointer_cow(name)))
        })
    }

    fn kids(&self, id: NodeId) -> &[NodeId] {
        match self.entries[id as usize].kids {
            Kids::None => &[],
            Kids::Members(start, len) | Kids::Elements(start, len) => {
                &self.children[start as usize..(start + len) as usize]
            }
        }
    }

    /// The node at an RFC 6901 pointer.
    fn find(&self, pointer: &str) -> Option<NodeId> {
        if self.entries.is_empty() {
            return None;
        }
        let mut at: NodeId = 0;
        if pointer.is_empty() {
            return Some(at);
        }
        if !pointer.starts_with('/') {
            return None;
        }
        for token in tokens(pointer) {
            let token = unescape(token);
            at = match self.entries[at as usize].kids {
                Kids::None => return None,
                Kids::Members(..) => {
                    // The last node of the name: just before the first one past it.
                    let kids = self.kids(at);
                    let past = kids.partition_point(|&k| self.entries[k as usize].name.as_ref() <= token.as_ref());
                    let last = *kids.get(past.checked_sub(1)?)?;
                    if self.entries[last as usize].name != token.as_ref() {
                        return None;
                    }
                    last
                }
                Kids::Elements(..) => *self.kids(at).get(array_index(&token)?)?,
            };
        }
        Some(at)
    }
}

/// An array index as a pointer writes it: digits, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    let canonical =
        !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) && (token.len() == 1 || !token.starts_with('0'));
    token.parse().ok().filter(|_| canonical)
}

fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    // A byte loop: pointer tokens are a few bytes, too short for memchr to pay.
    if token.bytes().any(|b| b == b'~') { token.replace("~1", "/").replace("~0", "~").into() } else { token.into() }
}

/// A JSON pointer's tokens, still escaped (`/a/b` → `a`, `b`; none for `""`).
fn tokens(pointer: &str) -> impl Iterator<Item = &str> {
    // A byte loop, like `unescape`: `str::split` sets up a searcher per call.
    let mut rest = pointer.strip_prefix('/');
    std::iter::from_fn(move || {
        let r = rest?;
        let (token, after) = match r.bytes().position(|b| b == b'/') {
            Some(i) => (&r[..i], Some(&r[i + 1..])),
            None => (r, None),
        };
        rest = after;
        Some(token)
    })
}

#[derive(Debug)]
pub struct Document {
    /// The canonical value the server would see.
    pub value: Value,
    /// Every node of the source; look-ups find the last of a repeated key,
    /// as the parser keeps it.
    pub(crate) spans: Spans,
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

    /// The canonical value at an RFC 6901 pointer.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(&self.value);
        }
        if !pointer.starts_with('/') {
            return None;
        }
        let mut target = &self.value;
        for token in tokens(pointer) {
            let token = unescape(token);
            target = match target {
                Value::Object(map) => map.get(token.as_ref())?,
                Value::Array(list) => list.get(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    pub fn node(&self, pointer: &str) -> Option<Node> {
        self.spans.find(pointer).map(|id| self.spans.entries[id as usize].node.node())
    }

    /// Every node the parser keeps (of a repeated key, the last), with
    /// its canonical pointer.
    #[cfg(test)]
    fn nodes(&self) -> Vec<(String, Node)> {
        self.walk(|_| true)
    }

    /// The nodes whose key or value holds `offset`, with their pointers,
    /// from the top down: what an editor feature at a position looks at,
    /// without a pointer for every node of a large document.
    pub fn nodes_at(&self, offset: usize) -> Vec<(String, Node)> {
        let holds = |r: TextRange| r.start <= offset && offset <= r.end;
        self.walk(|n| holds(n.value) || n.key.is_some_and(holds))
    }

    /// The kept nodes, depth first, going into those `enter` accepts.
    fn walk(&self, enter: impl Fn(&Node) -> bool) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        if self.spans.entries.is_empty() {
            return out;
        }
        let mut stack: Vec<(NodeId, String)> = vec![(0, String::new())];
        while let Some((id, pointer)) = stack.pop() {
            let node = self.spans.entries[id as usize].node.node();
            if !enter(&node) {
                continue;
            }
            let kids: Vec<_> = self.spans.kept(id).collect();
            stack.extend(kids.into_iter().rev().map(|(kid, token)| (kid, [pointer.as_str(), "/", &token].concat())));
            out.push((pointer, node));
        }
        out
    }

    /// Where to report something about the value at `pointer`; for a field
    /// that is absent, the key of the nearest object that exists.
    pub fn value_range(&self, pointer: &str) -> TextRange {
        match self.node(pointer) {
            Some(n) => n.value,
            None => self.anchor(pointer),
        }
    }

    /// Where to report something about the key at `pointer`.
    pub(crate) fn key_range(&self, pointer: &str) -> TextRange {
        match self.node(pointer) {
            Some(n) => n.key.unwrap_or(n.value),
            None => self.anchor(pointer),
        }
    }

    /// The nearest existing ancestor's key, or its opening brace when it
    /// has no key (the top-level object, an array element).
    pub(crate) fn anchor(&self, pointer: &str) -> TextRange {
        let mut p = pointer;
        while let Some((parent, _)) = p.rsplit_once('/') {
            if let Some(n) = self.node(parent) {
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
    pub(crate) fn insertion(&self, text: &str, object: &str, key: &str, value_json: &str) -> Option<Edit> {
        let id = self.spans.find(object)?;
        let obj = self.spans.entries[id as usize].node.node().value;
        let member = format!("\"{key}\": {value_json}");
        let first = self.spans.kids(id).iter().filter_map(|&k| self.spans.entries[k as usize].node.node().key);
        let first = first.map(|k| k.start).min();
        match first {
            Some(start) => {
                let lead = text.get(obj.start + 1..start).filter(|ws| ws.trim().is_empty()).unwrap_or(" ");
                Some(Edit { range: TextRange::new(start, start), new_text: format!("{member},{lead}") })
            }
            None => Some(Edit { range: TextRange::new(obj.start + 1, obj.start + 1), new_text: member }),
        }
    }

    /// An edit that removes the member or element at `pointer`.
    pub(crate) fn removal(&self, pointer: &str) -> Option<Edit> {
        self.node(pointer).map(|n| Edit::delete(n.removal))
    }
}

/// `parent` extended by one escaped reference token, in one allocation.
pub(crate) fn child_pointer(parent: &str, key: &str) -> String {
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
    escape_pointer_cow(key).into_owned()
}

fn escape_pointer_cow(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) { key.replace('~', "~0").replace('/', "~1").into() } else { key.into() }
}

#[cfg(test)]
mod tests {
    use crate::{Method, parse_document};

    /// Of a repeated key the parser keeps the last: so do the look-ups and
    /// the lists of nodes.
    #[test]
    fn a_repeated_key_is_the_last_one() {
        let text = r#"{"space": {"displayName": "x", "spaceType": "SPACE"}, "space": {"spaceType": "SPACE"}}"#;
        let doc = parse_document(text, Method::Setup).unwrap();
        let second = text.rfind("{\"spaceType").unwrap();
        assert_eq!(doc.node("/space").map(|n| n.value.start), Some(second));
        assert!(doc.node("/space/displayName").is_none());
        let pointers: Vec<String> = doc.nodes().into_iter().map(|(p, _)| p).collect();
        assert_eq!(pointers, ["", "/space", "/space/spaceType"]);
        // At the first `spaceType`: only the top level holds it.
        let shadowed = text.find("spaceType").unwrap();
        let at: Vec<String> = doc.nodes_at(shadowed).into_iter().map(|(p, _)| p).collect();
        assert_eq!(at, [""]);
        let kept = text.rfind("spaceType").unwrap();
        let at: Vec<String> = doc.nodes_at(kept).into_iter().map(|(p, _)| p).collect();
        assert_eq!(at, ["", "/space", "/space/spaceType"]);
        assert!(doc.get("/space/01").is_none() && doc.node("/space/+1").is_none());
    }
}
