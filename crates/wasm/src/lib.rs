//! chatlint's engine for the browser. The playground (`web/`) calls these
//! functions through wasm-bindgen; every answer is a JSON string, so the
//! boundary stays three functions wide and needs no serde glue crate.
//!
//! Offsets given to JavaScript are UTF-16 code units from the start of the
//! text (what a JavaScript string and CodeMirror count); lines and columns
//! are 1-based with columns in Unicode scalar values, as the command line
//! prints them.

use chatlint_engine::catalogue::{self, FixKind, FixOffer};
use chatlint_engine::line_index::{LineIndex, floor_char_boundary};
use chatlint_engine::profile::Profile;
use chatlint_engine::settings::RequestContext;
use chatlint_engine::{Applicability, Diagnostic, Method, Params, Request, Settings, analyze};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::wasm_bindgen;

/// What the page may say about a request besides its text: the facts of
/// chatlint.toml's `[context]` and the parameters of a `[[requests]]` entry.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageSettings {
    pub context: RequestContext,
    pub params: Params,
}

#[derive(Serialize)]
pub struct Checked {
    /// The method the text was checked as.
    pub method: Option<&'static str>,
    /// The method the text's top-level keys say, if it parses and they do.
    pub detected: Option<&'static str>,
    pub profile: &'static str,
    /// Why the text could not be checked (an unknown method or profile,
    /// unreadable settings); the findings are then empty.
    pub error: Option<String>,
    pub findings: Vec<Finding>,
}

#[derive(Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub pointer: String,
    pub from: usize,
    pub to: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub fixes: Vec<FixOut>,
}

#[derive(Serialize)]
pub struct FixOut {
    pub title: String,
    /// `safe` or `unsafe`.
    pub applicability: &'static str,
    pub edits: Vec<EditOut>,
}

#[derive(Serialize)]
pub struct EditOut {
    pub from: usize,
    pub to: usize,
    pub insert: String,
}

/// Checks `text` as `method` (by name; `None`: told by its shape, else
/// `spaces.setup`) in `profile` (`None`: the default) with `settings`
/// (JSON of [`PageSettings`]; empty means none). Returns JSON of [`Checked`].
#[wasm_bindgen]
pub fn check(text: &str, method: Option<String>, profile: Option<String>, settings: &str) -> String {
    json_of(&check_text(text, method.as_deref(), profile.as_deref(), settings))
}

/// The methods and profiles, JSON: `{methods: [{name, short}], profiles:
/// [{name, summary, default}]}`.
#[wasm_bindgen]
pub fn choices() -> String {
    let methods: Vec<_> = Method::all().map(|m| serde_json::json!({ "name": m.name() })).collect();
    let default = Profile::default_profile().name;
    let profiles: Vec<_> = Profile::all()
        .map(|p| serde_json::json!({ "name": p.name, "summary": p.summary, "default": p.name == default }))
        .collect();
    json_of(&serde_json::json!({ "methods": methods, "profiles": profiles }))
}

/// The rule catalogue for hovers and the findings list, JSON: one object
/// per rule (id, severity, summary, what, why, how_to_fix, methods,
/// profiles, fix, fix_kind, docs).
#[wasm_bindgen]
pub fn rules() -> String {
    let rules: Vec<_> = catalogue::all()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "severity": r.severity.as_str(),
                "summary": r.summary,
                "what": r.what,
                "why": r.why,
                "how_to_fix": r.how_to_fix,
                "methods": r.methods,
                "profiles": r.profiles,
                "fix": match r.fix { FixOffer::Always => "always", FixOffer::Sometimes => "sometimes", FixOffer::None => "none" },
                "fix_kind": r.fix_kind.map(|k| match k {
                    FixKind::Safe => "safe",
                    FixKind::Unsafe => "unsafe",
                    FixKind::SafeOrUnsafe => "safe-or-unsafe",
                }),
                "docs": r.docs_url(),
            })
        })
        .collect();
    json_of(&rules)
}

/// [`check`] without the JSON string around its answer.
pub fn check_text(text: &str, method: Option<&str>, profile: Option<&str>, settings: &str) -> Checked {
    let detected = chatlint_engine::method_by_shape(text);
    let failed = |error: String| Checked {
        method: None,
        detected: detected.map(Method::name),
        profile: Profile::default_profile().name,
        error: Some(error),
        findings: Vec::new(),
    };
    let chosen = match method.map(str::parse::<Method>).transpose() {
        Ok(m) => m,
        Err(e) => return failed(e),
    };
    let profile = match profile.map(Profile::by_name).transpose() {
        Ok(p) => p.unwrap_or_else(Profile::default_profile),
        Err(e) => return failed(e),
    };
    let page: PageSettings = if settings.trim().is_empty() {
        PageSettings::default()
    } else {
        match serde_json::from_str(settings) {
            Ok(s) => s,
            Err(e) => return failed(format!("settings: {e}")),
        }
    };
    let settings = Settings { profile, context: page.context, ..Settings::default() };
    let mut request = Request::new(text, chosen, Some(Method::DEFAULT));
    request.params = page.params;
    let report = analyze(&request, &settings);
    Checked {
        method: report.method.map(Method::name),
        detected: detected.map(Method::name),
        profile: profile.name,
        error: None,
        findings: findings(text, &report.diagnostics),
    }
}

fn findings(text: &str, diags: &[Diagnostic]) -> Vec<Finding> {
    let lines = LineIndex::new(text);
    let mut offsets: Vec<usize> = Vec::new();
    for d in diags {
        offsets.extend([d.range.start, d.range.end]);
        offsets.extend(d.fixes.iter().flat_map(|f| &f.edits).flat_map(|e| [e.range.start, e.range.end]));
    }
    let utf16 = Utf16Offsets::new(text, offsets);
    diags
        .iter()
        .map(|d| {
            let start = lines.line_col(text, d.range.start);
            let end = lines.line_col(text, d.range.end);
            Finding {
                rule: d.rule.id(),
                severity: d.severity.as_str(),
                message: d.message.clone(),
                help: d.help.clone(),
                pointer: d.pointer.clone(),
                from: utf16.get(d.range.start),
                to: utf16.get(d.range.end),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                fixes: d
                    .fixes
                    .iter()
                    .map(|f| FixOut {
                        title: f.title.clone(),
                        applicability: match f.applicability {
                            Applicability::Safe => "safe",
                            Applicability::Unsafe => "unsafe",
                        },
                        edits: f
                            .edits
                            .iter()
                            .map(|e| EditOut {
                                from: utf16.get(e.range.start),
                                to: utf16.get(e.range.end),
                                insert: e.new_text.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Byte offset → UTF-16 offset for a known set of offsets, found in one
/// pass over the text (a request can be megabytes and have many findings).
struct Utf16Offsets(Vec<(usize, usize)>);

impl Utf16Offsets {
    fn new(text: &str, mut bytes: Vec<usize>) -> Utf16Offsets {
        bytes.sort_unstable();
        bytes.dedup();
        let mut out = Vec::with_capacity(bytes.len());
        let (mut at, mut units) = (0, 0);
        for b in bytes {
            let b = floor_char_boundary(text, b.min(text.len()));
            units += text[at..b].encode_utf16().count();
            at = b;
            out.push((b, units));
        }
        Utf16Offsets(out)
    }

    fn get(&self, byte: usize) -> usize {
        match self.0.binary_search_by_key(&byte, |(b, _)| *b) {
            Ok(i) => self.0[i].1,
            // Not on a character boundary: the boundary before it.
            Err(i) => self.0[i.saturating_sub(1)].1,
        }
    }
}

fn json_of(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_count_utf16_units() {
        // "é" is two bytes and one UTF-16 unit, "😀" four bytes and two units.
        let text = "{\"space\": {\"spaceType\": \"GROUP_CHAT\", \"displayName\": \"é😀\", \"x\": 1}}";
        let out = check_text(text, Some("spaces.setup"), None, "");
        let unknown = out.findings.iter().find(|f| f.rule == "unknown-field").expect("x is unknown");
        let from16: usize = text[..text.find("\"x\"").unwrap()].encode_utf16().count();
        assert_eq!((unknown.from, unknown.to), (from16, from16 + 3));
    }

    #[test]
    fn the_method_is_told_by_shape_and_can_be_chosen() {
        let text = r#"{"space": {"spaceType": "SPACE", "displayName": "Team"}, "requestId": "x"}"#;
        assert_eq!(check_text(text, None, None, "").detected, Some("spaces.setup"));
        let chosen = check_text(text, Some("spaces.create"), None, "");
        assert_eq!((chosen.method, chosen.detected), (Some("spaces.create"), Some("spaces.setup")));
    }

    #[test]
    fn bad_choices_are_errors_not_panics() {
        assert!(check_text("{}", Some("spaces.nope"), None, "").error.unwrap().contains("spaces.nope"));
        assert!(check_text("{}", None, Some("nope"), "").error.unwrap().contains("unknown profile"));
        assert!(check_text("{}", None, None, "{\"contxt\": {}}").error.unwrap().starts_with("settings:"));
    }
}
