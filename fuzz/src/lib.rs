//! What the fuzz targets share: an independent strict-JSON oracle and the
//! checks every byte range must pass. Each check panics with a message that
//! says which promise broke, so libFuzzer reports it as a crash.

use chatlint_engine::TextRange;
use chatlint_engine::line_index::LineIndex;
use serde::Deserialize;
use std::fmt::Display;

/// Whether `text` is JSON text by RFC 8259's grammar, judged by serde_json,
/// a parser independent of the engine's (jsonc-parser). Values are only
/// skipped (`IgnoredAny`), so what the grammar allows and a typed reading
/// would refuse (a number beyond f64, a lone surrogate escape) passes, and
/// nesting is not limited (serde_json's own limit of 128 is not JSON's).
/// Duplicate keys pass too: the grammar allows them.
pub fn is_strict_json(text: &str) -> bool {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    serde::de::IgnoredAny::deserialize(&mut de).and_then(|_| de.end()).is_ok()
}

/// Whether JSON text has a `\u` escape of a UTF-16 surrogate that is not
/// half of a pair. The grammar allows it; no string can hold it, and the
/// engine refuses it (as Google's parsers refuse a string that is not
/// UTF-8).
pub fn lone_surrogate(text: &str) -> bool {
    let (mut chars, mut in_string, mut high) = (text.chars(), false, false);
    while let Some(c) = chars.next() {
        let unit = match (in_string, c) {
            (false, '"') => {
                in_string = true;
                continue;
            }
            (true, '"') => {
                in_string = false;
                None
            }
            (true, '\\') => match chars.next() {
                Some('u') => u16::from_str_radix(&chars.by_ref().take(4).collect::<String>(), 16).ok(),
                _ => None,
            },
            _ => None,
        };
        match unit {
            Some(0xD800..=0xDBFF) if !high => high = true,
            Some(0xDC00..=0xDFFF) if high => high = false,
            Some(0xD800..=0xDFFF) => return true,
            _ if high => return true,
            _ => {}
        }
    }
    high
}

/// The deepest nesting of arrays and objects in `text`, counting brackets
/// outside strings (meant for text that is JSON).
pub fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0, false, false);
    for b in text.bytes() {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'{' | b'[') => {
                depth += 1;
                max = max.max(depth);
            }
            (false, b'}' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A text with the engine's line index and, to check that index against,
/// line starts found independently.
pub struct Text<'a> {
    pub text: &'a str,
    pub index: LineIndex,
    line_starts: Vec<usize>,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Text { text, index: LineIndex::new(text), line_starts }
    }

    /// Panics unless `r` is a range of the text: in order, inside it, both
    /// ends on character boundaries and each end's positions consistent.
    pub fn check_range(&self, r: TextRange, what: impl Display) {
        let len = self.text.len();
        assert!(r.start <= r.end && r.end <= len, "{what}: {r:?} is not a range of the text ({len} bytes)");
        self.check_offset(r.start, &what);
        self.check_offset(r.end, &what);
    }

    /// Panics unless `offset` is on a character boundary and the engine's
    /// line/column (for people), UTF-16 and UTF-8 positions (for the LSP)
    /// of it all convert back to it.
    pub fn check_offset(&self, offset: usize, what: impl Display) {
        let (text, index) = (self.text, &self.index);
        assert!(text.is_char_boundary(offset), "{what}: offset {offset} is inside a character");
        let lc = index.line_col(text, offset);
        let start = *self.line_starts.get(lc.line - 1).unwrap_or_else(|| panic!("{what}: line {lc:?} of {offset}"));
        // Column N is the N-th character of the line (or the end of the text).
        let back = text[start..].char_indices().nth(lc.column - 1).map_or(text.len(), |(i, _)| start + i);
        assert_eq!(back, offset, "{what}: line:column {lc:?} does not lead back to offset {offset}");
        let (line, col) = index.utf16_position(text, offset);
        assert_eq!(line as usize, lc.line - 1, "{what}: UTF-16 line of {offset}");
        assert_eq!(index.offset_of_utf16(text, line, col), offset, "{what}: UTF-16 ({line}, {col}) of {offset}");
        let (line, col) = index.utf8_position(text, offset);
        assert_eq!((line as usize, start + col as usize), (lc.line - 1, offset), "{what}: UTF-8 position of {offset}");
    }
}
