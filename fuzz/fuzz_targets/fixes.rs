//! Any text, fixed as every method (`chatlint check --fix`, and with
//! `--unsafe-fixes`): fixing never breaks what it was given.
#![no_main]

use chatlint_engine::fix::{apply_fixes, duplicate_keys, fix_text};
use chatlint_engine::{Applicability, Method, Request, Settings};
use chatlint_fuzz::is_strict_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let strict = is_strict_json(&text);
    let duplicates = duplicate_keys(&text);
    let settings = Settings::default();
    for method in Method::all() {
        for unsafe_fixes in [false, true] {
            let what = format!("{method}, unsafe fixes {unsafe_fixes}");
            // Never panics, and ends (fix_text stops after a bounded number
            // of passes; libFuzzer's -timeout catches a pass that hangs).
            let fixed = fix_text(&Request::new(&text, Some(method), None), &settings, unsafe_fixes);
            if fixed.applied == 0 {
                assert_eq!(fixed.text, text, "{what}: no fix applied, yet the text changed");
            }
            // A fix never adds a duplicate key (Google's parser refuses
            // them): counted as fix::choose counts them, whole text.
            if let Some(before) = duplicates {
                let after = duplicate_keys(&fixed.text);
                assert!(
                    after.is_some_and(|after| after <= before),
                    "{what}: {before} duplicate keys before the fixes, {after:?} after:\n{}",
                    fixed.text
                );
            }
            // JSON in, JSON out: a fix never breaks the syntax.
            if strict {
                assert!(is_strict_json(&fixed.text), "{what}: the fixes broke the JSON:\n{}", fixed.text);
            }
            // Fixing reaches a fixed point: what is left offers no fix that
            // could still be applied (else `--fix` leaves fixable findings,
            // or two fixes undo each other pass after pass).
            let allowed = |a: Applicability| unsafe_fixes || a == Applicability::Safe;
            let left: Vec<_> = fixed
                .report
                .diagnostics
                .iter()
                .filter_map(|d| d.fixes.iter().find(|f| allowed(f.applicability)))
                .collect();
            let (_, n) = apply_fixes(&fixed.text, &left);
            assert_eq!(n, 0, "{what}: {n} fixes still apply after fixing:\n{}\n{left:?}", fixed.text);
        }
    }
});
