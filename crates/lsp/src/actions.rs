//! Code actions: one quick fix per fix the engine offers, and the source
//! action that applies every safe fix at once.

use super::analysis::Analysis;
use super::diagnostics;
use super::position::{Encoding, Mapper};
use chatlint_engine::diagnostic::{Applicability, Edit, Fix, TextRange};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

pub const FIX_ALL_TITLE: &str = "Fix all safe problems";

/// Whether an action of `kind` was asked for (`only` lists prefixes).
fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    let Some(only) = only else { return true };
    only.iter().any(|o| {
        let (o, k) = (o.as_str(), kind.as_str());
        k == o || (k.starts_with(o) && k.as_bytes().get(o.len()) == Some(&b'.'))
    })
}

fn workspace_edit(uri: &Uri, edits: &[&Edit], map: &Mapper) -> WorkspaceEdit {
    let edits = edits.iter().map(|e| TextEdit { range: map.range(e.range), new_text: e.new_text.clone() }).collect();
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

/// The code actions for the byte range `range`.
pub fn code_actions(
    analysis: &Analysis,
    range: TextRange,
    only: Option<&[CodeActionKind]>,
    encoding: Encoding,
) -> Vec<CodeAction> {
    let uri = &analysis.snapshot.uri;
    let map = analysis.snapshot.mapper(encoding);
    let mut out = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        for d in &analysis.diagnostics {
            if d.range.start > range.end || range.start > d.range.end {
                continue;
            }
            let safe = d.fixes.iter().filter(|f| f.applicability == Applicability::Safe).count();
            for fix in &d.fixes {
                let is_safe = fix.applicability == Applicability::Safe;
                let title =
                    if is_safe { fix.title.clone() } else { format!("{} (unsafe: changes the request)", fix.title) };
                out.push(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostics::to_lsp(d, uri, &map)]),
                    edit: Some(workspace_edit(uri, &fix.edits.iter().collect::<Vec<_>>(), &map)),
                    is_preferred: Some(is_safe && safe == 1),
                    ..Default::default()
                });
            }
        }
    }
    if wanted(only, &CodeActionKind::SOURCE_FIX_ALL) {
        let edits = fix_all_edits(analysis);
        if !edits.is_empty() {
            out.push(CodeAction {
                title: FIX_ALL_TITLE.to_string(),
                kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                edit: Some(workspace_edit(uri, &edits, &map)),
                ..Default::default()
            });
        }
    }
    out
}

/// The edits of every finding's first safe fix that can go together (the
/// engine's choice, as for `--fix`: no overlap, no new duplicate key; a
/// later run picks the rest up), in text order.
pub fn fix_all_edits(analysis: &Analysis) -> Vec<&Edit> {
    let fixes: Vec<&Fix> = analysis
        .diagnostics
        .iter()
        .filter_map(|d| d.fixes.iter().find(|f| f.applicability == Applicability::Safe))
        .collect();
    let mut taken: Vec<&Edit> =
        chatlint_engine::fix::choose(&analysis.snapshot.text, &fixes).into_iter().flat_map(|f| &f.edits).collect();
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    taken
}
