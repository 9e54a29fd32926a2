//! Byte offsets ↔ LSP positions, in the negotiated encoding.
//!
//! Offsets are bytes everywhere inside chatlint; the LSP counts columns in
//! UTF-16 code units unless the client negotiates `utf-8`. Every conversion
//! clamps: a position past the end of a line or of the text maps to that
//! line's end or the text's end, never to a panic.

use chatlint_engine::diagnostic::TextRange;
use chatlint_engine::source::{LineIndex, floor_char_boundary};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// How columns are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (cheapest for us), else UTF-16,
    /// which every client must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A text with its line index, for converting positions both ways.
#[derive(Clone, Copy)]
pub struct Mapper<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl Mapper<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let (line, character) = match self.encoding {
            Encoding::Utf8 => self.index.utf8_position(self.text, offset),
            Encoding::Utf16 => self.index.utf16_position(self.text, offset),
        };
        Position { line, character }
    }

    pub fn range(&self, r: TextRange) -> Range {
        Range { start: self.position(r.start), end: self.position(r.end.max(r.start)) }
    }

    /// The byte offset of a position, clamped to the line and the text.
    pub fn offset(&self, p: Position) -> usize {
        let text = self.text;
        match self.encoding {
            Encoding::Utf16 => self.index.offset_of_utf16(text, p.line, p.character),
            Encoding::Utf8 => {
                if p.line as usize >= self.index.line_count() {
                    return text.len();
                }
                let (start, end) = self.index.line_bounds(text, p.line as usize);
                floor_char_boundary(text, start.saturating_add(p.character as usize).min(end))
            }
        }
    }

    /// A byte range for an LSP range; a reversed range is put in order.
    pub fn text_range(&self, r: Range) -> TextRange {
        let (a, b) = (self.offset(r.start), self.offset(r.end));
        TextRange::new(a.min(b), a.max(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapper(text: &str, index: &LineIndex, encoding: Encoding) -> (Position, usize) {
        let m = Mapper { text, index, encoding };
        let x = text.find('x').unwrap();
        (m.position(x), m.offset(m.position(x)))
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_four_bytes() {
        let text = "{\n  \"a\": \"😀x\"\n}";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(mapper(text, &index, Encoding::Utf16), (Position::new(1, 10), x));
        assert_eq!(mapper(text, &index, Encoding::Utf8), (Position::new(1, 12), x));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let m = Mapper { text, index: &index, encoding };
            assert_eq!(m.offset(Position::new(0, 99)), 2);
            assert_eq!(m.offset(Position::new(7, 0)), text.len());
            assert_eq!(m.offset(Position::new(u32::MAX, u32::MAX)), text.len());
            assert_eq!(m.text_range(Range::new(Position::new(1, 1), Position::new(0, 1))), TextRange::new(1, 4));
        }
    }

    #[test]
    fn utf8_column_inside_a_character_floors() {
        let text = "é";
        let index = LineIndex::new(text);
        let m = Mapper { text, index: &index, encoding: Encoding::Utf8 };
        assert_eq!(m.offset(Position::new(0, 1)), 0);
    }
}
