//! Any text, checked as every method: the engine's promises hold
//! (ARCHITECTURE.md, "Invariants").
#![no_main]

// The engine's nesting cap: deeper JSON is refused on purpose.
use chatlint_engine::json::MAX_NESTING;
use chatlint_engine::{Method, Request, Rule, Settings, analyze};
use chatlint_fuzz::{Text, is_strict_json, lone_surrogate, nesting};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 cannot reach the engine (adapters read text), so what is
    // fuzzed is the text libFuzzer's bytes decode to.
    let text = String::from_utf8_lossy(data);
    let t = Text::new(&text);
    let strict = is_strict_json(&text);
    // What the engine may call invalid JSON in text the grammar accepts: a
    // root that is not an object (a request body must be one), nesting past
    // its cap, an unpaired surrogate escape (no string can hold it).
    let may_refuse = !text.trim_start_matches([' ', '\t', '\n', '\r']).starts_with('{')
        || nesting(&text) > MAX_NESTING
        || lone_surrogate(&text);
    let settings = Settings::default();
    for method in Method::all() {
        // Never panics (libFuzzer reports a panic as a crash).
        let report = analyze(&Request::new(&text, Some(method), None), &settings);
        assert_eq!(report.method, Some(method), "a method given is the method checked");
        // Every range an adapter will slice, underline or edit is a range of
        // the text, on character boundaries, and its line/column and LSP
        // positions lead back to it.
        for d in &report.diagnostics {
            t.check_range(d.range, format_args!("{method}: {} finding", d.rule.id()));
            for edit in d.fixes.iter().flat_map(|f| &f.edits) {
                t.check_range(edit.range, format_args!("{method}: an edit of a {} fix", d.rule.id()));
            }
        }
        // The engine's syntax verdict agrees with an independent strict
        // parser. One way is safety: text strict JSON refuses must never pass
        // as JSON (a BOM included: serde_json refuses it, the engine reports
        // it). The other way is false alarms, bar the refusals above.
        let invalid = report.diagnostics.iter().any(|d| d.rule == Rule::InvalidJson);
        if !strict {
            assert!(invalid, "{method}: strict JSON refuses the text, yet no invalid-json finding");
        } else if !may_refuse {
            let found: Vec<_> = report.diagnostics.iter().filter(|d| d.rule == Rule::InvalidJson).collect();
            assert!(!invalid, "{method}: invalid-json on text strict JSON accepts: {found:?}");
        }
    }
});
