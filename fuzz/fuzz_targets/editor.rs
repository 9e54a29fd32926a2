//! Any text and cursor: the editor features (crates/lsp: cursor scan,
//! completion, hover) never panic and answer with ranges an editor accepts.
//!
//! Input: byte 0 picks the method (low bits), the position encoding (bit
//! 7), snippets (bit 6) and Markdown (bit 5); bytes 1-4 the cursor (u32, LE,
//! taken modulo the text's length + 1); the rest is the text. A plain
//! header, so the seed script can write inputs.
#![no_main]

use chatlint_engine::{Method, Request, Settings, analyze};
use chatlint_fuzz::Text;
use chatlint_lsp::analysis::Analysis;
use chatlint_lsp::completion::{self, Options};
use chatlint_lsp::cursor::{self, Place};
use chatlint_lsp::documents::Snapshot;
use chatlint_lsp::hover;
use chatlint_lsp::position::Encoding;
use libfuzzer_sys::fuzz_target;
use tower_lsp_server::ls_types::CompletionTextEdit;

fuzz_target!(|data: &[u8]| {
    let Some((&[choice, c0, c1, c2, c3], rest)) = data.split_first_chunk::<5>() else { return };
    let text = String::from_utf8_lossy(rest);
    let t = Text::new(&text);
    let method = Method::all().nth(usize::from(choice & 0x1f) % Method::COUNT).expect("a method");
    let encoding = if choice & 0x80 != 0 { Encoding::Utf8 } else { Encoding::Utf16 };
    let opts = Options { snippets: choice & 0x40 != 0, markdown: choice & 0x20 != 0, encoding };
    let raw = u32::from_le_bytes([c0, c1, c2, c3]) as usize % (text.len() + 1);

    // What the server holds for an open document (analysis.rs, without the
    // config lookup: the defaults).
    let report = analyze(&Request::new(&text, Some(method), None), &Settings::default());
    let analysis = Analysis {
        snapshot: Snapshot::new("file:///fuzz.json".parse().expect("a URI"), 1, text.to_string()),
        method: report.method,
        layout: report.layout,
        config: None,
        diagnostics: report.diagnostics,
        lsp: Vec::new(),
        note: String::new(),
        generation: 0,
    };
    let map = analysis.snapshot.mapper(encoding);

    // The server turns the client's position into an offset (server.rs):
    // a character boundary, and the offset itself when it is one.
    let position = map.position(raw);
    let offset = map.offset(position);
    t.check_offset(offset, "the cursor");
    // (An offset between a line end's `\r` and `\n` has no position.)
    if text.is_char_boundary(raw) && !(text[..raw].ends_with('\r') && text[raw..].starts_with('\n')) {
        assert_eq!(offset, raw, "the position {position:?} of offset {raw} leads to {offset}");
    }

    // The token under the cursor contains it and is a range of the text on
    // one line (completion replaces it).
    if let Place::Key { token: Some(r), .. } | Place::Value { token: Some(r), .. } = cursor::scan(&text, offset) {
        t.check_range(r, "scan's token");
        assert!(r.start < offset && offset <= r.end, "scan's token {r:?} does not hold the cursor {offset}");
        assert!(!text[r.start..r.end].contains('\n'), "scan's token {r:?} spans lines");
    }

    // LSP: a completion's edit is on one line and contains the cursor's
    // position; else the editor drops the item.
    for item in completion::complete(&analysis, offset, opts) {
        let Some(CompletionTextEdit::Edit(edit)) = item.text_edit else { continue };
        let r = map.text_range(edit.range);
        t.check_range(r, format_args!("completion {:?}", item.label));
        assert_eq!(map.range(r), edit.range, "completion {:?}: the range is not a range of the text", item.label);
        let (start, end) = (edit.range.start, edit.range.end);
        assert!(
            start.line == end.line && start <= position && position <= end,
            "completion {:?}: {:?} is not a one-line range around the cursor {position:?}",
            item.label,
            edit.range
        );
    }

    // A hover's range is a range of the text and holds the cursor.
    if let Some((_, r)) = hover::hover(&analysis, offset) {
        t.check_range(r, "hover");
        assert!(r.start <= offset && offset <= r.end, "hover range {r:?} does not hold the cursor {offset}");
    }
});
