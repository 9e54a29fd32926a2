//! Strict JSON (RFC 8259) into a tree with byte spans.
//!
//! Written for this one job rather than taken from a crate: the general
//! parsers either keep no positions (serde_json) or build a tree for JSON
//! with comments and its relatives whose every node is several times the
//! size of this one (jsonc-parser, which this replaced: on a 1 MB request
//! it was a quarter of the run, most of it the kernel handing out fresh
//! pages for the tree). Strings and numbers borrow from the text; only a
//! string with an escape owns its value. What the RFC refuses is refused
//! here, with what and where: comments, trailing commas, single quotes,
//! bare words, hex, `+1`, `.5`, `NaN`, raw control characters in strings,
//! whitespace other than space, tab, line feed and carriage return, and an
//! escape of half a UTF-16 surrogate pair (no string can hold it). Nesting
//! is capped, so deep input cannot overflow the stack.

use crate::diagnostic::TextRange;
use std::borrow::Cow;

/// Objects and arrays nested deeper than this are refused.
pub const MAX_NESTING: usize = 512;

/// The character a two-character escape (`\\` and `letter`) stands for;
/// `None` for `u` (four hex digits follow) and for what is no escape.
pub fn simple_escape(letter: u8) -> Option<char> {
    Some(match letter {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        _ => return None,
    })
}

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// A JSON value with where it sits in the text.
#[derive(Debug)]
pub(crate) enum Json<'a> {
    Object(Object<'a>),
    Array(Array<'a>),
    String(Str<'a>),
    /// A number, as written (its text is valid JSON number syntax).
    Number(Number<'a>),
    Bool(TextRange, bool),
    Null(TextRange),
}

#[derive(Debug)]
pub(crate) struct Object<'a> {
    pub range: TextRange,
    pub members: Vec<Member<'a>>,
    /// How many values it holds at any depth (what is read from it can
    /// then be given its room at once).
    pub values: usize,
}

#[derive(Debug)]
pub(crate) struct Member<'a> {
    /// The name, unescaped.
    pub key: Cow<'a, str>,
    /// The name as written, quotes included.
    pub key_range: TextRange,
    pub value: Json<'a>,
}

#[derive(Debug)]
pub(crate) struct Array<'a> {
    pub range: TextRange,
    pub elements: Vec<Json<'a>>,
}

#[derive(Debug)]
pub(crate) struct Str<'a> {
    /// Quotes included.
    pub range: TextRange,
    pub value: Cow<'a, str>,
}

#[derive(Debug)]
pub(crate) struct Number<'a> {
    pub range: TextRange,
    pub text: &'a str,
}

impl Json<'_> {
    pub fn range(&self) -> TextRange {
        match self {
            Json::Object(o) => o.range,
            Json::Array(a) => a.range,
            Json::String(s) => s.range,
            Json::Number(n) => n.range,
            Json::Bool(r, _) | Json::Null(r) => *r,
        }
    }

    /// What it is, for messages: "an object", "a string", …
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Object(_) => "an object",
            Json::Array(_) => "an array",
            Json::String(_) => "a string",
            Json::Number(_) => "a number",
            Json::Bool(..) => "a boolean",
            Json::Null(_) => "null",
        }
    }
}

/// Parses `text` as one strict JSON value; `Ok(None)` when the text holds
/// nothing but whitespace.
pub(crate) fn parse(text: &str) -> Result<Option<Json<'_>>, SyntaxError> {
    // Offsets are kept in 32 bits past this point.
    if u32::try_from(text.len()).is_err() {
        return err(0, 0, "the text is larger than 4 GiB");
    }
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        values: 0,
        open_members: Vec::new(),
        open_elements: Vec::new(),
    };
    p.skip_space()?;
    if p.at == p.bytes.len() {
        return Ok(None);
    }
    let value = p.value()?;
    p.skip_space()?;
    if p.at < p.bytes.len() {
        return Err(p.error_at_token("unexpected text after the JSON value: a request is one value"));
    }
    Ok(Some(value))
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    /// Values read so far.
    values: usize,
    /// The members and elements of the objects and arrays still open, one
    /// run per level: each is copied into a list of its exact size when
    /// it closes (a list grown one push at a time has room for at least
    /// four, and most objects of a request have one or two members).
    open_members: Vec<Member<'a>>,
    open_elements: Vec<Json<'a>>,
}

fn err<T>(start: usize, end: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError { range: TextRange::new(start, end), message: message.into() })
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The character at `i` (for messages), and where it ends.
    fn char_at(&self, i: usize) -> (char, usize) {
        match self.text.get(i..).and_then(|rest| rest.chars().next()) {
            Some(c) => (c, i + c.len_utf8()),
            None => ('\0', i),
        }
    }

    /// An error over the token that starts here: a word, or one character.
    fn error_at_token(&self, message: &str) -> SyntaxError {
        let end = self.word_end(self.at).max(self.char_at(self.at).1);
        SyntaxError { range: TextRange::new(self.at, end), message: message.to_string() }
    }

    fn word_end(&self, from: usize) -> usize {
        let mut end = from;
        while end < self.bytes.len()
            && (self.bytes[end].is_ascii_alphanumeric() || matches!(self.bytes[end], b'_' | b'$'))
        {
            end += 1;
        }
        end
    }

    /// Skips the whitespace JSON allows; a comment or other whitespace is
    /// an error. It runs between any two tokens, so it is inlined and the
    /// rare cases are apart.
    #[inline(always)]
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        let bytes = self.bytes;
        let mut at = self.at;
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
            at += 1;
        }
        self.at = at;
        if matches!(bytes.get(at), Some(b'/' | 0x0b | 0x0c | 0x80..)) { self.not_space() } else { Ok(()) }
    }

    /// What ends a run of whitespace and could be meant as more of it, or a
    /// comment: an error unless it is a value's first character.
    #[cold]
    fn not_space(&mut self) -> Result<(), SyntaxError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.at += 1,
                b'/' if matches!(self.bytes.get(self.at + 1), Some(b'/' | b'*')) => {
                    let start = self.at;
                    let end = if self.bytes[self.at + 1] == b'/' {
                        memchr::memchr2(b'\n', b'\r', &self.bytes[start..]).map_or(self.bytes.len(), |i| start + i)
                    } else {
                        memchr::memmem::find(&self.bytes[start + 2..], b"*/")
                            .map_or(self.bytes.len(), |i| start + i + 4)
                    };
                    return err(start, end, "comments are not allowed");
                }
                0x0b | 0x0c | 0x80.. => {
                    let (c, end) = self.char_at(self.at);
                    if c.is_whitespace() || c == '\u{feff}' {
                        return err(
                            self.at,
                            end,
                            format!(
                                "U+{:04X} is not whitespace JSON allows between values (only space, tab, line feed and carriage return)",
                                c as u32
                            ),
                        );
                    }
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Json<'a>, SyntaxError> {
        let start = self.at;
        self.values += 1;
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'+') => err(start, start + 1, "a number cannot start with `+`"),
            Some(b'.') => err(start, start + 1, "a number must start with a digit, not a decimal point"),
            Some(b'\'') => {
                err(start, start + 1, "single-quoted strings are not allowed: JSON strings use double quotes")
            }
            Some(b'}' | b']' | b',' | b':') => {
                let (c, end) = self.char_at(start);
                err(start, end, format!("expected a value, found `{c}`"))
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let end = self.word_end(start);
                let word = &self.text[start..end];
                self.at = end;
                match word {
                    "true" => Ok(Json::Bool(TextRange::new(start, end), true)),
                    "false" => Ok(Json::Bool(TextRange::new(start, end), false)),
                    "null" => Ok(Json::Null(TextRange::new(start, end))),
                    "NaN" | "Infinity" => err(start, end, "NaN and Infinity are not JSON numbers"),
                    _ => err(
                        start,
                        end,
                        format!("`{word}` is not a JSON value (the only words are true, false and null)"),
                    ),
                }
            }
            Some(_) => {
                let (c, end) = self.char_at(start);
                err(start, end, format!("expected a value, found `{}`", c.escape_debug()))
            }
            None => err(start, start, "the text ends where a value was expected"),
        }
    }

    fn enter(&mut self, open: usize) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return err(
                open,
                open + 1,
                format!("nesting depth over {MAX_NESTING}: objects and arrays nested this deep are refused"),
            );
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Json<'a>, SyntaxError> {
        let open = self.at;
        self.enter(open)?;
        self.at += 1;
        let base = self.open_members.len();
        let values_before = self.values;
        self.skip_space()?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            self.depth -= 1;
            return Ok(Json::Object(Object { range: TextRange::new(open, self.at), members: Vec::new(), values: 0 }));
        }
        loop {
            let key = match self.peek() {
                Some(b'"') => self.string()?,
                Some(b'\'') => {
                    return err(
                        self.at,
                        self.at + 1,
                        "single-quoted strings are not allowed: JSON strings use double quotes",
                    );
                }
                None => return err(open, open + 1, "this object is not closed: the text ends inside it"),
                Some(_) => return Err(self.error_at_token("expected a field name in double quotes")),
            };
            self.skip_space()?;
            if self.peek() != Some(b':') {
                return match self.peek() {
                    None => err(open, open + 1, "this object is not closed: the text ends inside it"),
                    _ => Err(self.error_at_token("expected `:` after the field name")),
                };
            }
            self.at += 1;
            self.skip_space()?;
            let value = self.value()?;
            self.open_members.push(Member { key: key.value, key_range: key.range, value });
            if self.comma_or_close(open, b'}', "a member of the object")? {
                let values = self.values - values_before;
                let members = self.open_members.drain(base..).collect();
                return Ok(Json::Object(Object { range: TextRange::new(open, self.at), members, values }));
            }
        }
    }

    /// After a member or element (`item`): a comma, then more must follow,
    /// or the bracket that closes the object or array opened at `open`
    /// (`Ok(true)`).
    fn comma_or_close(&mut self, open: usize, close: u8, item: &str) -> Result<bool, SyntaxError> {
        self.skip_space()?;
        match self.peek() {
            Some(b',') => {
                let comma = self.at;
                self.at += 1;
                self.skip_space()?;
                if self.peek() == Some(close) {
                    return err(comma, comma + 1, "trailing commas are not allowed");
                }
                Ok(false)
            }
            Some(b) if b == close => {
                self.at += 1;
                self.depth -= 1;
                Ok(true)
            }
            None => {
                let what = if close == b'}' { "object" } else { "array" };
                err(open, open + 1, format!("this {what} is not closed: the text ends inside it"))
            }
            Some(_) => Err(self.error_at_token(&format!("expected `,` or `{}` after {item}", close as char))),
        }
    }

    fn array(&mut self) -> Result<Json<'a>, SyntaxError> {
        let open = self.at;
        self.enter(open)?;
        self.at += 1;
        let base = self.open_elements.len();
        self.skip_space()?;
        if self.peek() == Some(b']') {
            self.at += 1;
            self.depth -= 1;
            return Ok(Json::Array(Array { range: TextRange::new(open, self.at), elements: Vec::new() }));
        }
        loop {
            if self.peek().is_none() {
                return err(open, open + 1, "this array is not closed: the text ends inside it");
            }
            let element = self.value()?;
            self.open_elements.push(element);
            if self.comma_or_close(open, b']', "an element of the array")? {
                let elements = self.open_elements.drain(base..).collect();
                return Ok(Json::Array(Array { range: TextRange::new(open, self.at), elements }));
            }
        }
    }

    /// A number by RFC 8259's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<Json<'a>, SyntaxError> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.at += 1;
            }
            p.at - from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return err(start, self.at + 1, "a number cannot have a leading zero");
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ if self.text[self.at..].starts_with("Infinity") => {
                return err(start, self.at + 8, "NaN and Infinity are not JSON numbers");
            }
            _ => return err(start, self.at.max(start + 1), "expected a digit after `-`"),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return err(start, self.at, "expected a digit after the decimal point");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return err(start, self.at, "expected digits in the exponent");
            }
        }
        if matches!(self.peek(), Some(b'x' | b'X')) && &self.text[start..self.at] == "0" {
            return err(start, self.word_end(self.at), "hexadecimal numbers are not allowed");
        }
        Ok(Json::Number(Number { range: TextRange::new(start, self.at), text: &self.text[start..self.at] }))
    }

    fn string(&mut self) -> Result<Str<'a>, SyntaxError> {
        let open = self.at;
        self.at += 1;
        let mut owned: Option<String> = None;
        let mut run = self.at;
        loop {
            // To the next quote, backslash or raw control character (one
            // pass: a request's strings are short).
            let rest = &self.bytes[self.at..];
            let stop = rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(rest.len());
            if let Some(&b) = rest.get(stop).filter(|&&c| c < 0x20) {
                let i = self.at + stop;
                return err(
                    i,
                    i + 1,
                    format!("a raw control character (U+{b:04X}) inside a string; write it escaped, as \\u{b:04x}"),
                );
            }
            self.at += stop;
            match self.peek() {
                Some(b'"') => {
                    let value = match owned {
                        Some(mut s) => {
                            s.push_str(&self.text[run..self.at]);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(&self.text[run..self.at]),
                    };
                    self.at += 1;
                    return Ok(Str { range: TextRange::new(open, self.at), value });
                }
                Some(_) => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.at]);
                    let escape = self.at;
                    self.at += 1;
                    let c = match self.peek() {
                        Some(b'u') => self.unicode_escape(escape)?,
                        Some(letter) => {
                            let Some(c) = simple_escape(letter) else {
                                let (c, end) = self.char_at(self.at);
                                return err(
                                    escape,
                                    end,
                                    format!(
                                        "`\\{}` is not a JSON escape (there are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX)",
                                        c.escape_debug()
                                    ),
                                );
                            };
                            self.at += 1;
                            c
                        }
                        None => break,
                    };
                    s.push(c);
                    run = self.at;
                }
                None => break,
            }
        }
        err(open, self.bytes.len(), "this string is not closed: the text ends inside it")
    }

    /// `\uXXXX` (a pair of them for a character outside the BMP), with
    /// `self.at` on the `u`; leaves `self.at` after the last hex digit.
    fn unicode_escape(&mut self, escape: usize) -> Result<char, SyntaxError> {
        let hex4 = |p: &Self, at: usize| -> Option<u32> {
            let digits = p.bytes.get(at..at + 4)?;
            digits
                .iter()
                .all(u8::is_ascii_hexdigit)
                .then(|| u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok())?
        };
        let Some(first) = hex4(self, self.at + 1) else {
            return err(escape, (self.at + 1).min(self.bytes.len()), "expected four hex digits after `\\u`");
        };
        let after = self.at + 5;
        let lone = |what: &str| SyntaxError {
            range: TextRange::new(escape, after),
            message: format!(
                "`{}` is half of a UTF-16 surrogate pair ({what}); no string can hold it",
                &self.text[escape..after]
            ),
        };
        let c = match first {
            0xD800..=0xDBFF => {
                let low = (self.bytes.get(after..after + 2) == Some(b"\\u")).then(|| hex4(self, after + 2)).flatten();
                let Some(low @ 0xDC00..=0xDFFF) = low else {
                    return Err(lone("a high surrogate with no low one after it"));
                };
                self.at = after + 6;
                return Ok(char::from_u32(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)).unwrap_or('\u{fffd}'));
            }
            0xDC00..=0xDFFF => return Err(lone("a low surrogate with no high one before it")),
            n => char::from_u32(n).unwrap_or('\u{fffd}'),
        };
        self.at = after;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as serde_json would have read it, every node checked
    /// against the text its range covers.
    fn to_serde(text: &str, v: &Json<'_>) -> serde_json::Value {
        let slice = &text[v.range().start..v.range().end];
        let value = match v {
            Json::Object(o) => serde_json::Value::Object(
                o.members
                    .iter()
                    .map(|m| {
                        let key: String = serde_json::from_str(&text[m.key_range.start..m.key_range.end]).unwrap();
                        assert_eq!(key, m.key, "{text:?}");
                        (key, to_serde(text, &m.value))
                    })
                    .collect(),
            ),
            Json::Array(a) => serde_json::Value::Array(a.elements.iter().map(|e| to_serde(text, e)).collect()),
            Json::String(s) => serde_json::Value::String(s.value.to_string()),
            Json::Number(n) => serde_json::from_str(n.text).unwrap(),
            Json::Bool(_, b) => serde_json::Value::Bool(*b),
            Json::Null(_) => serde_json::Value::Null,
        };
        assert_eq!(serde_json::from_str::<serde_json::Value>(slice).ok(), Some(value.clone()), "{text:?}: {slice:?}");
        value
    }

    /// Every text of up to five tokens from a telling alphabet: accepted
    /// exactly when serde_json accepts it, with the same value, and every
    /// span covering the text of its node. (serde_json keeps the last of
    /// a repeated key, so the comparison goes through its own reading.)
    #[test]
    fn agrees_with_serde_json_on_every_short_text() {
        let alphabet = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"a\"",
            "\"\\u00e9\\n\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud800\"",
            "\"\\x\"",
            "\"\u{1}\"",
            "-",
            "0",
            "1",
            ".5",
            "e2",
            "true",
            "nul",
            " ",
            "\u{c}",
            "//",
            "'",
        ];
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..4 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| alphabet.iter().map(move |a| format!("{t}{a}"))).collect();
            for text in &longer {
                let ours = parse(text);
                let theirs = serde_json::from_str::<serde_json::Value>(text);
                match (&ours, &theirs) {
                    (Ok(Some(v)), Ok(expected)) => assert_eq!(&to_serde(text, v), expected, "{text:?}"),
                    (Ok(None), Err(_)) => assert!(text.trim_matches([' ', '\n', '\t', '\r']).is_empty(), "{text:?}"),
                    (Err(e), Err(_)) => {
                        assert!(e.range.start <= e.range.end && e.range.end <= text.len(), "{text:?}: {e:?}");
                        assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end), "{text:?}");
                    }
                    _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
                }
                checked += 1;
            }
            texts = longer;
        }
        assert!(checked > 250_000, "{checked}");
    }

    fn error(text: &str) -> (usize, usize, String) {
        let e = parse(text).unwrap_err();
        (e.range.start, e.range.end, e.message)
    }

    #[test]
    fn says_what_is_wrong_and_where() {
        let cases: [(&str, usize, usize, &str); 16] = [
            ("{\"a\": 1,}", 7, 8, "trailing commas are not allowed"),
            ("[1, ]", 2, 3, "trailing commas are not allowed"),
            ("{\n  // note\n  \"a\": 1}", 4, 11, "comments are not allowed"),
            ("{/* a */}", 1, 8, "comments are not allowed"),
            ("{\"a\": \"x\u{1}y\"}", 8, 9, "raw control character (U+0001)"),
            ("{\u{a0}\"a\": 1}", 1, 3, "U+00A0 is not whitespace"),
            ("{\"a\": 01}", 6, 8, "leading zero"),
            ("{\"a\": tru}", 6, 9, "`tru` is not a JSON value"),
            ("{\"a\": NaN}", 6, 9, "NaN and Infinity"),
            ("{\"a\": 0x1F}", 6, 10, "hexadecimal"),
            ("{'a': 1}", 1, 2, "single-quoted"),
            ("{a: 1}", 1, 2, "field name in double quotes"),
            ("{\"a\" 1}", 5, 6, "expected `:`"),
            ("{\"a\": \"\\ud800\"}", 7, 13, "half of a UTF-16 surrogate pair"),
            ("{\"a\": \"abc", 6, 10, "string is not closed"),
            ("{\"a\": 1} x", 9, 10, "after the JSON value"),
        ];
        for (text, start, end, words) in cases {
            let (s, e, message) = error(text);
            assert!(message.contains(words), "{text:?}: {message}");
            assert_eq!((s, e), (start, end), "{text:?}: {message}");
        }
        assert_eq!(error("{\"a\": [1, 2}").2, "expected `,` or `]` after an element of the array");
        assert!(error("{\"a\": {\"b\": 1}").2.contains("object is not closed"));
    }

    #[test]
    fn nesting_is_capped() {
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_NESTING + 1), "]".repeat(MAX_NESTING + 1));
        assert_eq!(error(&deep).0, MAX_NESTING);
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let Ok(Some(Json::Object(o))) = parse(r#"{"plain": "x", "esc\"aped": "\u00e9\/"}"#) else { panic!() };
        assert!(matches!(o.members[0].key, Cow::Borrowed("plain")));
        assert!(matches!(&o.members[1].key, Cow::Owned(k) if k == "esc\"aped"));
        assert!(matches!(&o.members[1].value, Json::String(Str { value: Cow::Owned(v), .. }) if v == "é/"));
    }
}
