//! What is at the cursor: a key, a value, or a place where one goes.
//!
//! Two lookups. [`node_at`] uses the engine's spans of a document that
//! parses (canonical pointers, exactly what the findings use). [`scan`] is
//! a tolerant left-to-right tokenizer for text that is being typed and does
//! not parse yet (`{"space": {"dis`): it tracks the nesting of objects and
//! arrays, and the key or index each one sits under.

use chatlint_engine::diagnostic::TextRange;
use chatlint_engine::document::{Document, escape_pointer};
use chatlint_engine::method::{Layout, Method};
use chatlint_engine::model::{Field, Kind, Message, Model};

/// One step of a raw path, as written in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Where the cursor is, found by [`scan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Where a key goes, or inside a key being typed.
    Key {
        /// The path of the object the key belongs to.
        object: Vec<Segment>,
        /// The keys the object already has (raw), the one under the cursor excepted.
        present: Vec<String>,
        /// The key's string token under the cursor (quotes included, the
        /// closing one only if typed).
        token: Option<TextRange>,
        /// A `:` already follows the key token.
        colon_follows: bool,
    },
    /// Where a value goes (after `:` or in an array), or inside a value.
    Value {
        /// The path of the value.
        path: Vec<Segment>,
        /// The value token under the cursor (a string or a bare word).
        token: Option<TextRange>,
    },
    Elsewhere,
}

/// What a key or value at a canonical pointer is, from a parsed document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The canonical pointer of the member.
    pub pointer: String,
    /// The cursor is on the key (else on the value).
    pub on_key: bool,
    /// The range of the key or value under the cursor.
    pub range: TextRange,
}

/// The innermost key or scalar value containing `offset`, using the
/// engine's spans.
pub fn node_at(doc: &Document, text: &str, offset: usize) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    let mut consider = |pointer: &str, range: TextRange, on_key: bool| {
        if range.start <= offset && offset <= range.end && best.as_ref().is_none_or(|b| range.len() < b.range.len()) {
            best = Some(Hit { pointer: pointer.to_string(), on_key, range });
        }
    };
    for (pointer, node) in &doc.nodes_at(offset) {
        if let Some(key) = node.key {
            consider(pointer, key, true);
        }
        // Scalars only: an object or array "contains" everything inside it.
        let first = text.as_bytes().get(node.value.start).copied();
        if !pointer.is_empty() && !matches!(first, Some(b'{' | b'[')) {
            consider(pointer, node.value, false);
        }
    }
    best
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// After `{` or `,` in an object; after `[` or `,` in an array.
    Expect,
    /// After a key, before `:`.
    AfterKey,
    /// After `:`.
    ExpectValue,
    /// After a complete value.
    AfterValue,
}

#[derive(Debug)]
struct Frame {
    object: bool,
    /// The current key (objects) or index (arrays).
    key: Option<String>,
    index: usize,
    state: State,
    keys: Vec<String>,
}

impl Frame {
    fn segment(&self) -> Option<Segment> {
        if self.object { self.key.clone().map(Segment::Key) } else { Some(Segment::Index(self.index)) }
    }
}

fn path_of(stack: &[Frame]) -> Vec<Segment> {
    stack.iter().filter_map(Frame::segment).collect()
}

/// The end of a string token starting at `start` (a `"`): after the closing
/// quote, or at the end of the line when it is not closed yet (a backslash
/// does not escape a line break: JSON strings hold none, and a completion's
/// range must stay on one line).
fn string_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if !matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) => i += 2,
            b'"' => return (i + 1, true),
            b'\n' | b'\r' => return (i, false),
            _ => i += 1,
        }
    }
    (bytes.len(), false)
}

fn decode_key(raw: &str, closed: bool) -> String {
    if closed && let Ok(s) = serde_json::from_str::<String>(raw) {
        return s;
    }
    raw.trim_start_matches('"').trim_end_matches('"').to_string()
}

/// Finds the place of `offset` in `text`, however broken the text is.
pub fn scan(text: &str, offset: usize) -> Place {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut found: Option<(Place, usize)> = None; // the place and the depth of its frame
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        // The cursor lies between tokens: decide from the state.
        if found.is_none() && (i >= offset || i >= bytes.len()) {
            let place = match stack.last() {
                Some(top) if top.object && top.state == State::Expect => Place::Key {
                    object: path_of(&stack[..stack.len() - 1]),
                    present: Vec::new(),
                    token: None,
                    colon_follows: false,
                },
                Some(top)
                    if (top.object && top.state == State::ExpectValue)
                        || (!top.object && top.state == State::Expect) =>
                {
                    Place::Value { path: path_of(&stack), token: None }
                }
                _ => Place::Elsewhere,
            };
            found = Some((place, stack.len()));
        }
        if let Some((_, depth)) = &found
            && (stack.len() < *depth || i >= bytes.len())
        {
            break;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        match bytes[i] {
            b'{' | b'[' => {
                if let Some(top) = stack.last_mut() {
                    top.state = State::AfterValue;
                }
                let object = bytes[i] == b'{';
                stack.push(Frame { object, key: None, index: 0, state: State::Expect, keys: Vec::new() });
                i += 1;
            }
            b'}' | b']' => {
                let popped = stack.pop();
                if let (Some(frame), Some((Place::Key { present, .. }, depth))) = (popped, found.as_mut())
                    && stack.len() + 1 == *depth
                {
                    present.extend(frame.keys);
                }
                i += 1;
            }
            b':' => {
                if let Some(top) = stack.last_mut()
                    && top.object
                {
                    top.state = State::ExpectValue;
                }
                i += 1;
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    if top.object {
                        top.key = None;
                    } else {
                        top.index += 1;
                    }
                    top.state = State::Expect;
                }
                i += 1;
            }
            b'"' => {
                let (end, closed) = string_end(bytes, i);
                let end = end.min(bytes.len());
                i = end;
                let is_key = stack.last().is_some_and(|t| t.object && t.state == State::Expect);
                // The cursor is inside this string (after its opening quote,
                // before or at its closing one).
                let inside = found.is_none() && start < offset && (offset < end || (!closed && offset <= end));
                let raw = text.get(start..end).unwrap_or_default();
                if is_key {
                    let key = decode_key(raw, closed);
                    if inside {
                        let rest = &bytes[end..];
                        let colon_follows = rest.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|&b| b == b':');
                        let object = path_of(&stack[..stack.len() - 1]);
                        let place = Place::Key {
                            object,
                            present: Vec::new(),
                            token: Some(TextRange::new(start, end)),
                            colon_follows,
                        };
                        found = Some((place, stack.len()));
                    } else if let Some(top) = stack.last_mut() {
                        top.keys.push(key.clone());
                    }
                    if let Some(top) = stack.last_mut() {
                        top.key = Some(key);
                        top.state = State::AfterKey;
                    }
                } else {
                    if inside {
                        found = Some((
                            Place::Value { path: path_of(&stack), token: Some(TextRange::new(start, end)) },
                            stack.len(),
                        ));
                    }
                    if let Some(top) = stack.last_mut() {
                        top.state = State::AfterValue;
                    }
                }
            }
            _ => {
                // A bare word or number (or garbage): one token up to the next delimiter.
                while i < bytes.len()
                    && !matches!(bytes[i], b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"')
                    && !bytes[i].is_ascii_whitespace()
                {
                    i += 1;
                }
                let i_end = i.max(start + 1).min(bytes.len());
                i = i_end;
                if found.is_none()
                    && start < offset
                    && offset <= i_end
                    && stack.last().is_some_and(|t| t.state != State::AfterKey)
                {
                    let token = text.get(start..i_end).map(|_| TextRange::new(start, i_end));
                    found = Some((Place::Value { path: path_of(&stack), token }, stack.len()));
                }
                if let Some(top) = stack.last_mut() {
                    top.state = State::AfterValue;
                }
            }
        }
    }
    // An object left open at the end of the text: its keys so far count.
    if let Some((Place::Key { present, .. }, depth)) = found.as_mut()
        && let Some(frame) = stack.get(*depth - 1).filter(|_| *depth >= 1 && stack.len() >= *depth)
    {
        present.extend(frame.keys.iter().cloned());
    }
    found.map_or(Place::Elsewhere, |(p, _)| p)
}

/// A raw path resolved against the model.
pub struct Resolved<'m> {
    /// The canonical JSON pointer.
    pub pointer: String,
    /// The field the last key names (for a path ending in an index: the
    /// repeated field the element belongs to).
    pub field: Option<&'m Field>,
    /// The path ends in an array index (an element of `field`).
    pub element: bool,
    /// The message of the object at this path, when it is one.
    pub message: Option<&'m Message>,
}

/// Follows a raw path (snake_case aliases allowed) through the model,
/// from the message `root` (the form the file takes).
/// The message a raw path starts from: the file's form when it parsed,
/// else the form its top-level keys point to (the engine's rule), read
/// from the first key of `path` or, at the top, the keys `present`.
pub fn root_of(
    model: &Model,
    method: Method,
    layout: Option<Layout>,
    path: &[Segment],
    present: &[String],
) -> &'static str {
    if let Some(layout) = layout {
        return layout.root;
    }
    let keys: Vec<&str> = match path.first() {
        Some(Segment::Key(k)) => vec![k.as_str()],
        Some(Segment::Index(_)) => Vec::new(),
        None => present.iter().map(String::as_str).collect(),
    };
    chatlint_engine::form_by_keys(keys, method, model).root
}

pub fn resolve<'m>(model: &'m Model, root: &str, path: &[Segment]) -> Option<Resolved<'m>> {
    let mut msg = Some(model.find_message(root)?);
    let mut field: Option<&Field> = None;
    let mut element = false;
    let mut pointer = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                let (f, _) = msg?.field(k)?;
                pointer.push('/');
                pointer.push_str(&escape_pointer(&f.name));
                field = Some(f);
                element = false;
                msg = match &f.kind {
                    Kind::Message(name) if !f.repeated => Some(model.message(name)),
                    _ => None,
                };
            }
            Segment::Index(i) => {
                let f = field.filter(|f| f.repeated && !element)?;
                pointer.push_str(&format!("/{i}"));
                element = true;
                msg = match &f.kind {
                    Kind::Message(name) => Some(model.message(name)),
                    _ => None,
                };
            }
        }
    }
    Some(Resolved { pointer, field, element, message: msg })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Place {
        let offset = text.find('|').unwrap();
        scan(&text.replace('|', ""), offset)
    }

    fn key(s: &str) -> Segment {
        Segment::Key(s.into())
    }

    #[test]
    fn key_places() {
        match at(r#"{"space": {"spaceType": "SPACE", |}, "x": 1}"#) {
            Place::Key { object, present, token: None, .. } => {
                assert_eq!(object, vec![key("space")]);
                assert_eq!(present, vec!["spaceType".to_string()]);
            }
            other => panic!("{other:?}"),
        }
        match at(r#"{"space": {"dis|"#) {
            Place::Key { object, token: Some(t), colon_follows: false, .. } => {
                assert_eq!(object, vec![key("space")]);
                assert_eq!(t, TextRange::new(11, 15));
            }
            other => panic!("{other:?}"),
        }
        match at(r#"{"space": {"dis|": 1, "spaceType": 2}}"#) {
            Place::Key { token: Some(t), colon_follows: true, present, .. } => {
                assert_eq!(t, TextRange::new(11, 16));
                assert_eq!(present, vec!["spaceType".to_string()]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn value_places() {
        assert_eq!(
            at(r#"{"space": {"spaceType": |}}"#),
            Place::Value { path: vec![key("space"), key("spaceType")], token: None }
        );
        assert_eq!(
            at(r#"{"space": {"spaceType": "GR|"#),
            Place::Value { path: vec![key("space"), key("spaceType")], token: Some(TextRange::new(24, 27)) }
        );
        assert_eq!(
            at(r#"{"memberships": [{}, {"member": {"type": "H|"}}]}"#),
            Place::Value {
                path: vec![key("memberships"), Segment::Index(1), key("member"), key("type")],
                token: Some(TextRange::new(41, 44))
            }
        );
        assert_eq!(at(r#"|{"a": 1}"#), Place::Elsewhere);
        assert_eq!(at(r#"{"a" | : 1}"#), Place::Elsewhere);
    }

    #[test]
    fn a_string_token_ends_with_its_line_even_after_a_backslash() {
        // Found by fuzz/ (editor): the token ran on to the next line's quote.
        let text = "{\"a\\\n\"b\": 1}";
        match scan(text, 3) {
            Place::Key { token: Some(t), .. } => assert_eq!(t, TextRange::new(1, 4)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["", "\"", "{\"", "{\"a\\", "]]]}}}", "{:::,,,", "{\"é😀", "[[[[\"x", "\"\\"] {
            for offset in 0..=text.len() + 2 {
                let _ = scan(text, offset);
            }
        }
    }

    #[test]
    fn resolve_follows_aliases_and_indices() {
        let m = Model::get(chatlint_engine::method::Method::Setup);
        let r = resolve(m, &m.root, &[key("space"), key("space_type")]).unwrap();
        assert_eq!(r.pointer, "/space/spaceType");
        assert!(matches!(r.field.unwrap().kind, Kind::Enum(_)));
        let r = resolve(m, &m.root, &[key("memberships"), Segment::Index(0), key("member")]).unwrap();
        assert_eq!(r.message.unwrap().name, "User");
        assert!(resolve(m, &m.root, &[key("nope")]).is_none());
    }
}
