//! Open documents: their text, version and the last analysis of them.
//!
//! Changes are applied synchronously, in the order the client sent them;
//! analyses run elsewhere on immutable snapshots and are stored only when
//! they are of the document's current text: every text a document has gets
//! its own revision, and every open its own id, so an analysis of an
//! earlier open of the same URI (which may have the same version number)
//! never passes for the current one.

use super::analysis::Analysis;
use super::position::{Encoding, Lines, Mapper};
use chatlint_engine::method::Method;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// An immutable view of a document at one version.
#[derive(Clone)]
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    /// Which open of the URI this is (unique in the process).
    pub open: u64,
    /// Which text this is (unique in the process): changes with every
    /// open and every edit, whatever versions the client sends.
    pub revision: u64,
    pub text: Arc<str>,
    /// Its lines as the LSP counts them.
    pub lines: Arc<Lines>,
    /// The method the document was last linted as, kept while it is
    /// briefly broken during an edit.
    pub last_method: Option<Method>,
}

/// A fresh open id or revision.
fn next_serial() -> u64 {
    static SERIAL: AtomicU64 = AtomicU64::new(1);
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

impl Snapshot {
    /// The first text of a fresh open.
    pub fn new(uri: Uri, version: i32, text: String) -> Snapshot {
        let lines = Arc::new(Lines::new(&text));
        let open = next_serial();
        Snapshot { uri, version, open, revision: open, text: text.into(), lines, last_method: None }
    }

    pub fn mapper(&self, encoding: Encoding) -> Mapper<'_> {
        Mapper { text: &self.text, lines: &self.lines, encoding }
    }
}

pub struct Document {
    pub snapshot: Snapshot,
    /// The last analysis, of this open's current text or an older one.
    pub analysis: Option<Arc<Analysis>>,
    /// An analysis task is running (or queued) for this document.
    pub linting: bool,
    /// What was last logged about this document's config, to log once.
    pub logged: Option<String>,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: String) -> Document {
        Document { snapshot: Snapshot::new(uri, version, text), analysis: None, linting: false, logged: None }
    }

    /// Applies the client's changes in order (full or incremental) and
    /// moves to `version`. Ranges are clamped to the text.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        let mut text: String = String::from(&*self.snapshot.text);
        let mut lines = self.snapshot.lines.clone();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let r = Mapper { text: &text, lines: &lines, encoding }.text_range(range);
                    text.replace_range(r.start..r.end, &change.text);
                }
            }
            lines = Arc::new(Lines::new(&text));
        }
        self.snapshot.text = text.into();
        self.snapshot.lines = lines;
        self.snapshot.version = version;
        self.snapshot.revision = next_serial();
        // The last analysis stays (completion uses its method and config)
        // but is no longer current.
    }

    /// The analysis, if it is of the current text.
    pub fn current_analysis(&self) -> Option<Arc<Analysis>> {
        self.analysis.as_ref().filter(|a| a.snapshot.revision == self.snapshot.revision).cloned()
    }
}

/// All open documents.
#[derive(Default)]
pub struct Documents {
    pub by_uri: HashMap<Uri, Document>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_and_clamp() {
        let uri: Uri = "file:///t.json".parse().unwrap();
        let mut doc = Document::new(uri, 0, "{\"a\": \"😀\"}\n".into());
        // Replace the emoji (two UTF-16 units at column 7) by "b", then append past the end.
        doc.apply(1, vec![change(0, 7, 0, 9, "b"), change(9, 9, 9, 9, "X")], Encoding::Utf16);
        assert_eq!(&*doc.snapshot.text, "{\"a\": \"b\"}\nX");
        assert_eq!(doc.snapshot.version, 1);
        // A full replacement.
        doc.apply(
            2,
            vec![TextDocumentContentChangeEvent { range: None, range_length: None, text: "{}".into() }],
            Encoding::Utf8,
        );
        assert_eq!(&*doc.snapshot.text, "{}");
        assert_eq!(doc.snapshot.lines.line_count(), 1);
    }
}
