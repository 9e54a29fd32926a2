//! Strict JSON parsing with byte spans, and byte offset ↔ line/column maps.
//!
//! Offsets are bytes everywhere inside chatlint. Columns are counted in
//! Unicode scalar values for people (CLI) and in UTF-16 code units only for
//! the LSP edge, through [`LineIndex::utf16_position`].

use crate::diagnostic::TextRange;
use jsonc_parser::{CollectOptions, ParseOptions, ast};

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// Parses `text` as strict RFC 8259 JSON (no comments, trailing commas,
/// single quotes, hex or non-finite numbers, bare words). The parser limits
/// nesting to 512 levels, so deep input cannot overflow the stack.
pub fn parse(text: &str) -> Result<Option<ast::Value<'_>>, SyntaxError> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict) {
        Ok(result) => {
            strict_characters(text)?;
            Ok(result.value)
        }
        Err(e) => {
            let r = e.range();
            Err(SyntaxError { range: TextRange::new(r.start, r.end.max(r.start)), message: e.kind().to_string() })
        }
    }
}

/// What jsonc-parser lets through and RFC 8259 (and Google's parser) do
/// not: a raw control character (U+0000 to U+001F) inside a string, and
/// whitespace other than space, tab, line feed and carriage return between
/// tokens (a form feed, a no-break space).
fn strict_characters(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // Inside a string: jump from one quote or backslash to the
                // next, checking each run in between for control characters.
                i += 1;
                loop {
                    let rest = &bytes[i.min(bytes.len())..];
                    let stop = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
                    if let Some(j) = rest[..stop].iter().position(|&c| c < 0x20) {
                        let b = rest[j];
                        let message = format!(
                            "a raw control character (U+{b:04X}) inside a string; write it escaped, as \\u{b:04x}"
                        );
                        return Err(SyntaxError { range: TextRange::new(i + j, i + j + 1), message });
                    }
                    i += stop;
                    match bytes.get(i) {
                        // An escape: the next byte is its letter.
                        Some(b'\\') => i += 2,
                        // The closing quote.
                        Some(_) => break,
                        None => return Ok(()),
                    }
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            // The parser only lets other whitespace through out here.
            0..0x20 | 0x80.. => {
                let c = text[i..].chars().next().unwrap_or_default();
                let message = format!(
                    "U+{:04X} is not whitespace JSON allows between values (only space, tab, line feed and carriage return)",
                    c as u32
                );
                return Err(SyntaxError { range: TextRange::new(i, i + c.len_utf8()), message });
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

pub fn range_of(r: jsonc_parser::common::Range) -> TextRange {
    TextRange::new(r.start, r.end)
}

/// Maps byte offsets to positions. Built once per text, O(log lines) lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// 0-based line number and that line's start offset.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        (line, self.line_starts[line])
    }

    /// 1-based line and column (in Unicode scalar values) of `offset`.
    /// An offset inside a character counts as that character.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let (line, start) = self.line_of(offset);
        let column = text[start..floor_char_boundary(text, offset)].chars().count();
        LineCol { line: line + 1, column: column + 1 }
    }

    /// 0-based line and UTF-16 column, as the LSP counts by default.
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let (line, start) = self.line_of(offset);
        let col: usize = text[start..floor_char_boundary(text, offset)].chars().map(char::len_utf16).sum();
        (line as u32, col as u32)
    }

    /// 0-based line and byte column (LSP's `utf-8` position encoding).
    pub fn utf8_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (line, start) = self.line_of(offset);
        (line as u32, (offset - start) as u32)
    }

    /// The byte offset of a 0-based line and UTF-16 column; positions past
    /// the end of a line or of the text are clamped.
    pub fn offset_of_utf16(&self, text: &str, line: u32, col: u32) -> usize {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return text.len();
        };
        let end = self.line_starts.get(line as usize + 1).map_or(text.len(), |&e| e - 1);
        let mut units = 0u32;
        for (i, c) in text[start..end].char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    /// The character-by-character scan the fast one replaced: every text
    /// of up to five characters from a telling alphabet gets the same verdict.
    #[test]
    fn strict_characters_agrees_with_a_byte_by_byte_scan() {
        fn reference(text: &str) -> Option<usize> {
            let (mut in_string, mut i, bytes) = (false, 0, text.as_bytes());
            while i < bytes.len() {
                match (in_string, bytes[i]) {
                    (true, b'\\') => i += 1,
                    (true, b'"') | (false, b'"') => in_string = !in_string,
                    (true, 0..0x20) => return Some(i),
                    (false, b' ' | b'\t' | b'\n' | b'\r') => {}
                    (false, 0..0x20 | 0x80..) => return Some(i),
                    _ => {}
                }
                i += 1;
            }
            None
        }
        let alphabet = ['"', '\\', 'a', '\n', '\u{1}', ' ', '\u{a0}', '{'];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
            texts.extend(longer);
        }
        for t in &texts {
            let fast = strict_characters(t).err().map(|e| e.range.start);
            assert_eq!(fast, reference(t), "{t:?}");
        }
    }

    use super::*;

    #[test]
    fn columns_count_scalar_values_and_utf16_units() {
        let text = "{\n  \"a\": \"😀x\"\n}";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 10 });
        assert_eq!(idx.utf16_position(text, x), (1, 10));
        assert_eq!(idx.offset_of_utf16(text, 1, 10), x);
    }

    #[test]
    fn raw_control_characters_and_other_whitespace_are_errors() {
        let e = parse("{\"a\": \"x\u{1}y\"}").unwrap_err();
        assert_eq!((e.range.start, e.message.contains("U+0001")), (8, true), "{e:?}");
        assert!(parse("{\"a\": \"tab\\there \\\"q\\\" \"}").is_ok());
        for ws in ["\u{c}", "\u{a0}", "\u{2028}", "\u{feff}"] {
            let e = parse(&format!("{{{ws}\"a\": 1}}")).unwrap_err();
            assert_eq!(e.range.start, 1, "{ws:?}: {e:?}");
        }
    }

    #[test]
    fn strict_parser_rejects_comments_and_trailing_commas() {
        assert!(parse("{\"a\": 1,}").unwrap_err().message.contains("railing comma"));
        assert!(parse("{// x\n}").unwrap_err().message.contains("omments"));
    }
}
