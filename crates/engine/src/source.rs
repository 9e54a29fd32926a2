//! Byte offset ↔ line/column maps.
//!
//! Offsets are bytes everywhere inside chatlint. Columns are counted in
//! Unicode scalar values for people (CLI) and in UTF-16 code units only for
//! the LSP edge, through [`LineIndex::utf16_position`].

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
        // Counted first: one allocation of the right size for a large text.
        let mut line_starts = Vec::with_capacity(1 + memchr::memchr_iter(b'\n', text.as_bytes()).count());
        line_starts.push(0);
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
}
