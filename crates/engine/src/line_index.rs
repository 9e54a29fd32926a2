//! Byte offset ↔ line/column maps.
//!
//! Offsets are bytes everywhere inside chatlint. Columns are counted in
//! Unicode scalar values for people (CLI) and in UTF-16 code units only for
//! the LSP edge, through [`LineIndex::utf16_position`].

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Maps byte offsets to positions. Built once per text, O(log lines) lookups.
#[derive(Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// The scalar values and the UTF-16 units before each block's first
    /// character boundary, so that a column on a long line costs at most
    /// two blocks of counting (a minified file with 200,000 findings on its
    /// one line once took quadratic time). Grown as far as a line longer
    /// than a block needs it: most texts have none.
    blocks: Mutex<Vec<(usize, usize)>>,
}

impl Clone for LineIndex {
    fn clone(&self) -> Self {
        LineIndex { line_starts: self.line_starts.clone(), blocks: Mutex::new(self.blocks_lock().clone()) }
    }
}

/// Bytes per block of [`LineIndex`]'s counts.
const BLOCK: usize = 4096;

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
        LineIndex { line_starts, blocks: Mutex::new(Vec::new()) }
    }

    fn blocks_lock(&self) -> MutexGuard<'_, Vec<(usize, usize)>> {
        // The table is only ever extended with correct entries: a panic
        // elsewhere while it was held leaves nothing half-made.
        self.blocks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The block table of `text` (the text this index was made of), made
    /// up to block `k` at least.
    fn blocks_to(&self, text: &str, k: usize) -> MutexGuard<'_, Vec<(usize, usize)>> {
        let mut blocks = self.blocks_lock();
        if blocks.is_empty() {
            blocks.push((0, 0));
        }
        while blocks.len() <= k {
            let j = blocks.len();
            let between = &text[floor_char_boundary(text, (j - 1) * BLOCK)..floor_char_boundary(text, j * BLOCK)];
            let (chars, units) = blocks[j - 1];
            blocks.push((chars + between.chars().count(), units + utf16_len(between)));
        }
        blocks
    }

    /// Scalar values (`.0`) and UTF-16 units (`.1`) in `text[from..to]`,
    /// both on character boundaries.
    fn count(&self, text: &str, from: usize, to: usize) -> (usize, usize) {
        if to - from <= BLOCK {
            let slice = &text[from..to];
            return (slice.chars().count(), utf16_len(slice));
        }
        let (a, b) = (self.before(text, from), self.before(text, to));
        (b.0 - a.0, b.1 - a.1)
    }

    /// Scalar values and UTF-16 units in `text[..x]` (a long text only).
    fn before(&self, text: &str, x: usize) -> (usize, usize) {
        let k = x / BLOCK;
        let start = floor_char_boundary(text, k * BLOCK);
        let (chars, units) = self.blocks_to(text, k)[k];
        let rest = &text[start..x];
        (chars + rest.chars().count(), units + utf16_len(rest))
    }

    /// Scalar values in `text[from..to]` (character boundaries).
    pub fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        self.count(text, from, to).0
    }

    /// The byte offset of the `column`-th scalar value (0-based) after
    /// `from`, or `to` when the text up to `to` is shorter.
    pub fn offset_at_column(&self, text: &str, from: usize, to: usize, column: usize) -> usize {
        let (mut at, mut left) = (from, column);
        if to - from > BLOCK {
            // Start from the last block boundary at or before the character.
            let target = self.before(text, from).0 + column;
            // The blocks up to `to`'s: past it the character is not looked for.
            let blocks = self.blocks_to(text, to / BLOCK);
            let k = blocks[..=to / BLOCK].partition_point(|&(chars, _)| chars <= target).saturating_sub(1);
            let start = floor_char_boundary(text, k * BLOCK);
            if start >= to {
                return to;
            }
            if start > from {
                (at, left) = (start, target - blocks[k].0);
            }
        }
        text[at..to].char_indices().nth(left).map_or(to, |(i, _)| at + i)
    }

    /// 0-based line of `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.line_of(offset).0
    }

    /// Where a 0-based line starts and ends (its line feed left out).
    pub fn line_bounds(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.line_starts.get(line).copied().unwrap_or(text.len());
        let end = self.line_starts.get(line + 1).map_or(text.len(), |&next| next - 1);
        (start, end.max(start))
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
        let column = self.count(text, start, floor_char_boundary(text, offset)).0;
        LineCol { line: line + 1, column: column + 1 }
    }

    /// 0-based line and UTF-16 column, as the LSP counts by default.
    pub fn utf16_position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let (line, start) = self.line_of(offset);
        let col = self.count(text, start, floor_char_boundary(text, offset)).1;
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

/// UTF-16 code units of a text: one per scalar value, two for those past
/// the Basic Multilingual Plane (four-byte UTF-8 sequences).
fn utf16_len(text: &str) -> usize {
    text.chars().count() + text.bytes().filter(|&b| b >= 0xF0).count()
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

    /// On lines longer than a block, the counts from the block table are
    /// those of counting from the line's start, both ways.
    #[test]
    fn long_lines_count_as_short_ones_do() {
        let line: String = (0..3000).map(|i| ["a", "é", "😀", "中"][i % 4]).collect();
        let text = format!("x\n{line}\n{line}");
        let idx = LineIndex::new(&text);
        assert!(idx.blocks_lock().is_empty(), "made only when a long line is counted");
        idx.line_col(&text, text.len());
        assert_eq!(idx.blocks_lock().len(), text.len() / BLOCK + 1);
        let mut offset = 0;
        while offset <= text.len() {
            let (line, start) = idx.line_of(offset);
            let before = &text[start..offset];
            let expected_units: usize = before.chars().map(char::len_utf16).sum();
            assert_eq!(idx.line_col(&text, offset).column, before.chars().count() + 1, "{offset}");
            assert_eq!(idx.utf16_position(&text, offset), (line as u32, expected_units as u32), "{offset}");
            let (_, end) = idx.line_bounds(&text, line);
            assert_eq!(idx.offset_at_column(&text, start, end, before.chars().count()), offset, "{offset}");
            assert_eq!(idx.offset_at_column(&text, start, end, 1 << 20), end);
            offset += text[offset..].chars().next().map_or(1, char::len_utf8);
        }
    }

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
