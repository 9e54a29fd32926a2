//! Completion: the property names valid where the cursor is (not already
//! present, with their docs, as snippets), and the values of enum and
//! boolean fields.

use super::analysis::Analysis;
use super::cursor::{self, Place};
use super::docs;
use super::position::Encoding;
use chatlint_engine::diagnostic::TextRange;
use chatlint_engine::mask;
use chatlint_engine::model::{Field, Kind, Model};
use chatlint_engine::profile::Profile;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemTag, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, TextEdit,
};

/// What the client can show.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub snippets: bool,
    pub markdown: bool,
    pub encoding: Encoding,
}

pub fn complete(analysis: &Analysis, offset: usize, opts: Options) -> Vec<CompletionItem> {
    let Some(method) = analysis.method else { return Vec::new() };
    let model = Model::get(method);
    let profile = analysis.config.as_ref().map_or_else(Profile::default_profile, |c| c.settings.profile);
    let text = &*analysis.snapshot.text;
    let map = analysis.snapshot.mapper(opts.encoding);
    let doc = |markdown: String| {
        Documentation::MarkupContent(MarkupContent {
            kind: if opts.markdown { MarkupKind::Markdown } else { MarkupKind::PlainText },
            value: markdown,
        })
    };
    match cursor::scan(text, offset) {
        Place::Key { object, present, token, colon_follows } => {
            let root = cursor::root_of(model, method, analysis.layout, &object, &present);
            let Some(resolved) = cursor::resolve(model, root, &object) else { return Vec::new() };
            let Some(message) = resolved.message else { return Vec::new() };
            let present: Vec<&str> =
                present.iter().map(|k| message.field(k).map_or(k.as_str(), |(f, _)| f.name.as_str())).collect();
            let edit_range = map.range(token.unwrap_or(TextRange::new(offset, offset)));
            let mut items = Vec::new();
            for (i, field) in message.fields.iter().enumerate() {
                if present.contains(&field.name.as_str())
                    || field.read_only
                    || !profile.knows(&message.name, &field.name)
                {
                    continue;
                }
                let pointer = format!("{}/{}", resolved.pointer, field.name);
                let labels = docs::behaviour(model, root, &pointer, field);
                let required = labels.contains(&"Required");
                let key = format!("\"{}\"", field.name);
                let new_text = if colon_follows {
                    key.clone()
                } else {
                    format!("{key}: {}", value_template(field, opts.snippets))
                };
                items.push(CompletionItem {
                    label: field.name.clone(),
                    kind: Some(CompletionItemKind::PROPERTY),
                    detail: Some(docs::type_name(field)),
                    documentation: Some(doc(docs::field_doc(model, root, &pointer, message, field, profile))),
                    tags: field.deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
                    sort_text: Some(format!("{}{i:03}", if required { 0 } else { 1 })),
                    filter_text: Some(key),
                    insert_text_format: Some(if opts.snippets {
                        InsertTextFormat::SNIPPET
                    } else {
                        InsertTextFormat::PLAIN_TEXT
                    }),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit { range: edit_range, new_text })),
                    ..Default::default()
                });
            }
            items
        }
        Place::Value { path, token } => {
            let root = cursor::root_of(model, method, analysis.layout, &path, &[]);
            let Some(resolved) = cursor::resolve(model, root, &path) else { return Vec::new() };
            let Some(field) = resolved.field else { return Vec::new() };
            if field.repeated && !resolved.element {
                return Vec::new();
            }
            let edit_range = map.range(token.unwrap_or(TextRange::new(offset, offset)));
            let item =
                |label: String, insert: String, detail: String, kind: CompletionItemKind, i: usize| CompletionItem {
                    label,
                    kind: Some(kind),
                    documentation: Some(doc(detail)),
                    sort_text: Some(format!("{i:03}")),
                    filter_text: Some(insert.clone()),
                    insert_text_format: Some(InsertTextFormat::PLAIN_TEXT),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit { range: edit_range, new_text: insert })),
                    ..Default::default()
                };
            match &field.kind {
                Kind::Enum(e) => e
                    .values
                    .iter()
                    .filter(|v| !v.name.ends_with("_UNSPECIFIED"))
                    .enumerate()
                    .map(|(i, v)| {
                        let line = docs::enum_value_line(v);
                        item(v.name.clone(), format!("\"{}\"", v.name), line, CompletionItemKind::ENUM_MEMBER, i)
                    })
                    .collect(),
                Kind::Bool => ["true", "false"]
                    .iter()
                    .enumerate()
                    .map(|(i, b)| item(b.to_string(), b.to_string(), field.name.clone(), CompletionItemKind::VALUE, i))
                    .collect(),
                Kind::FieldMask => mask_paths(model.method.spec().mask, text, offset, token)
                    .into_iter()
                    .enumerate()
                    .map(|(i, (path, range, new_text))| CompletionItem {
                        label: path.documented.to_string(),
                        kind: Some(CompletionItemKind::FIELD),
                        detail: Some(format!("updates {}", path.body.trim_start_matches('/').replace('/', "."))),
                        documentation: Some(doc(path.what.to_string())),
                        sort_text: Some(format!("{i:03}")),
                        filter_text: Some(path.documented.to_string()),
                        insert_text_format: Some(InsertTextFormat::PLAIN_TEXT),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range: map.range(range), new_text })),
                        ..Default::default()
                    })
                    .collect(),
                _ => Vec::new(),
            }
        }
        Place::Elsewhere => Vec::new(),
    }
}

/// The update-mask paths to offer at `offset` in a mask string (or where
/// one would start): each documented path not yet in the mask, with the
/// range it replaces (the comma-separated segment under the cursor) and
/// its text. A mask with escapes is left alone: its offsets are not the
/// file's.
fn mask_paths(
    table: Option<&'static mask::Paths>,
    text: &str,
    offset: usize,
    token: Option<TextRange>,
) -> Vec<(&'static mask::Path, TextRange, String)> {
    let Some(table) = table else { return Vec::new() };
    let (range, quote, present) = match token {
        None => (TextRange::new(offset, offset), true, Vec::new()),
        Some(t) => {
            let Some(raw) = text.get(t.start..t.end) else { return Vec::new() };
            if !raw.starts_with('"') || raw.contains('\\') || offset <= t.start {
                return Vec::new();
            }
            let inner_end = if raw.len() > 1 && raw.ends_with('"') { t.end - 1 } else { t.end };
            let at = offset.min(inner_end);
            let start = text[t.start + 1..at].rfind(',').map_or(t.start + 1, |i| t.start + 1 + i + 1);
            let end = text[at..inner_end].find(',').map_or(inner_end, |i| at + i);
            // The other paths: the segment being edited is replaced.
            let present: Vec<String> = [&text[t.start + 1..start], &text[end..inner_end]]
                .iter()
                .flat_map(|side| side.split(','))
                .map(|p| mask::normalize(p.trim()))
                .collect();
            (TextRange::new(start, end), false, present)
        }
    };
    table
        .list
        .iter()
        .filter(|p| !p.heading && !present.iter().any(|q| q == p.path))
        .map(|p| (p, range, if quote { format!("\"{}\"", p.documented) } else { p.documented.to_string() }))
        .collect()
}

/// What follows `"name": ` for a field of this kind.
fn value_template(field: &Field, snippets: bool) -> &'static str {
    match (&field.kind, field.repeated, snippets) {
        (_, true, true) => "[$1]",
        (_, true, false) => "[]",
        (Kind::Message(_), _, true) => "{$1}",
        (Kind::Message(_), _, false) => "{}",
        (Kind::Bool, _, true) => "${1|true,false|}",
        (Kind::Bool, _, false) => "false",
        (Kind::Int32, _, true) => "${1:0}",
        (Kind::Int32, _, false) => "0",
        (_, _, true) => "\"$1\"",
        (_, _, false) => "\"\"",
    }
}
