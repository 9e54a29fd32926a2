//! Byte offsets ↔ LSP positions, in the negotiated encoding.
//!
//! Offsets are bytes everywhere inside chatlint; the LSP counts columns in
//! UTF-16 code units unless the client negotiates `utf-8`, and ends a line
//! at `\n`, `\r\n` or a lone `\r` (the engine's [`LineIndex`], made for the
//! CLI's line:col, counts `\n` only). Every conversion clamps: a position
//! past the end of a line or of the text maps to the end of that line's
//! content (before its `\r\n`, never between `\r` and `\n`) or the text's
//! end, never to a panic.

use chatlint_engine::diagnostic::TextRange;
use chatlint_engine::line_index::{LineIndex, floor_char_boundary};
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

/// The lines of a text as the LSP counts them.
#[derive(Debug, Clone)]
pub struct Lines {
    /// The text's `\n` lines; its column counts stay fast on long lines
    /// (an LSP line never spans two of its lines).
    index: LineIndex,
    /// Every line's start, only when a lone `\r` makes them differ from
    /// `index`'s (rare: old Mac line ends).
    starts: Option<Vec<usize>>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let lone_cr = |i: usize| bytes.get(i + 1) != Some(&b'\n');
        let starts = memchr::memchr_iter(b'\r', bytes).any(lone_cr).then(|| {
            let ends = memchr::memchr2_iter(b'\n', b'\r', bytes).filter(|&i| bytes[i] == b'\n' || lone_cr(i));
            std::iter::once(0).chain(ends.map(|i| i + 1)).collect()
        });
        Lines { index: LineIndex::new(text), starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.as_ref().map_or(self.index.line_count(), Vec::len)
    }

    fn start(&self, text: &str, line: usize) -> Option<usize> {
        match &self.starts {
            Some(starts) => starts.get(line).copied(),
            None => (line < self.index.line_count()).then(|| self.index.line_bounds(text, line).0),
        }
    }

    /// Where a 0-based line starts and where its content ends (before
    /// its line end); `None` past the last line.
    pub fn bounds(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let start = self.start(text, line)?;
        let end = match self.start(text, line + 1) {
            Some(next) if text.as_bytes()[..next].ends_with(b"\r\n") => next - 2,
            Some(next) => next - 1,
            None => text.len(),
        };
        Some((start, end.max(start)))
    }

    /// The 0-based line of `offset` (at most the text's length).
    fn line(&self, offset: usize) -> usize {
        match &self.starts {
            Some(starts) => starts.partition_point(|&s| s <= offset) - 1,
            None => self.index.line(offset),
        }
    }
}

/// A text with its lines, for converting positions both ways.
#[derive(Clone, Copy)]
pub struct Mapper<'a> {
    pub text: &'a str,
    pub lines: &'a Lines,
    pub encoding: Encoding,
}

impl Mapper<'_> {
    /// The position of `offset`; an offset inside a line end (between `\r`
    /// and `\n`) is put at the end of the line's content.
    pub fn position(&self, offset: usize) -> Position {
        let text = self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.lines.line(offset);
        let (start, end) = self.lines.bounds(text, line).unwrap_or((offset, offset));
        let offset = offset.min(end);
        let character = match self.encoding {
            Encoding::Utf8 => offset - start,
            // Both on one `\n` line: the difference of their columns there.
            Encoding::Utf16 => {
                let index = &self.lines.index;
                (index.utf16_position(text, offset).1 - index.utf16_position(text, start).1) as usize
            }
        };
        Position { line: line as u32, character: character as u32 }
    }

    pub fn range(&self, r: TextRange) -> Range {
        Range { start: self.position(r.start), end: self.position(r.end.max(r.start)) }
    }

    /// The byte offset of a position, clamped to the line's content and
    /// the text.
    pub fn offset(&self, p: Position) -> usize {
        let text = self.text;
        let Some((start, end)) = self.lines.bounds(text, p.line as usize) else { return text.len() };
        match self.encoding {
            Encoding::Utf8 => floor_char_boundary(text, start.saturating_add(p.character as usize).min(end)),
            Encoding::Utf16 => {
                let mut units = 0;
                for (i, c) in text[start..end].char_indices() {
                    if units >= p.character {
                        return start + i;
                    }
                    units += c.len_utf16() as u32;
                }
                end
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

    fn mapper(text: &str, encoding: Encoding) -> (Position, usize) {
        let lines = Lines::new(text);
        let m = Mapper { text, lines: &lines, encoding };
        let x = text.find('x').unwrap();
        (m.position(x), m.offset(m.position(x)))
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_four_bytes() {
        let text = "{\n  \"a\": \"😀x\"\n}";
        let x = text.find('x').unwrap();
        assert_eq!(mapper(text, Encoding::Utf16), (Position::new(1, 10), x));
        assert_eq!(mapper(text, Encoding::Utf8), (Position::new(1, 12), x));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "ab\ncd";
        let lines = Lines::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let m = Mapper { text, lines: &lines, encoding };
            assert_eq!(m.offset(Position::new(0, 99)), 2);
            assert_eq!(m.offset(Position::new(7, 0)), text.len());
            assert_eq!(m.offset(Position::new(u32::MAX, u32::MAX)), text.len());
            assert_eq!(m.text_range(Range::new(Position::new(1, 1), Position::new(0, 1))), TextRange::new(1, 4));
        }
    }

    #[test]
    fn utf8_column_inside_a_character_floors() {
        let text = "é";
        let lines = Lines::new(text);
        let m = Mapper { text, lines: &lines, encoding: Encoding::Utf8 };
        assert_eq!(m.offset(Position::new(0, 1)), 0);
    }

    /// Issue 17 (A10): `\n`, `\r\n` and a lone `\r` each end a line; a
    /// position past a line's end is before its `\r\n`, never inside it.
    #[test]
    fn every_lsp_line_end_ends_a_line_and_positions_clamp_before_it() {
        let text = "a\rbé\r\nc😀\nx\r";
        let lines = Lines::new(text);
        assert_eq!(lines.line_count(), 5);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let m = Mapper { text, lines: &lines, encoding };
            let wide = |utf8: u32, utf16: u32| if encoding == Encoding::Utf8 { utf8 } else { utf16 };
            let (b, c, x) = (text.find('b').unwrap(), text.find('c').unwrap(), text.find('x').unwrap());
            assert_eq!(m.position(b), Position::new(1, 0));
            assert_eq!(m.position(c), Position::new(2, 0));
            assert_eq!(m.position(x), Position::new(3, 0));
            assert_eq!(m.position(text.len()), Position::new(4, 0));
            // The end of "bé", and the offset between its `\r` and `\n`.
            let cr = text.find("\r\n").unwrap();
            assert_eq!(m.position(cr), Position::new(1, wide(3, 2)));
            assert_eq!(m.position(cr + 1), Position::new(1, wide(3, 2)));
            for p in [Position::new(1, wide(3, 2)), Position::new(1, 3), Position::new(1, 99)] {
                assert_eq!(m.offset(p), cr, "{p:?}");
            }
            assert_eq!(m.offset(Position::new(0, 9)), 1, "before the lone \\r");
            assert_eq!(m.offset(Position::new(2, 9)), x - 1, "before the \\n");
            assert_eq!(m.offset(Position::new(3, 9)), x + 1);
            assert_eq!(m.offset(Position::new(4, 9)), text.len());
            // Every offset outside a `\r\n` comes back from its position.
            for o in (0..=text.len()).filter(|&o| text.is_char_boundary(o) && o != cr + 1) {
                assert_eq!(m.offset(m.position(o)), o, "{o}");
            }
        }
        // Without a lone `\r`, the same answers from the engine's lines alone.
        let text = "ab\r\ncd";
        let lines = Lines::new(text);
        assert!(lines.starts.is_none());
        let m = Mapper { text, lines: &lines, encoding: Encoding::Utf16 };
        assert_eq!(m.offset(Position::new(0, 5)), 2);
        assert_eq!(m.position(3), Position::new(0, 2));
        assert_eq!(m.position(4), Position::new(1, 0));
    }
}
