//! Property tests: no input makes the linter panic, and every finding's
//! range (and every fix's edit) lies inside the text on character
//! boundaries, so every adapter can turn it into a position.

use chatlint_engine::diagnostic::apply_edits;
use chatlint_engine::{Method, Request, Settings, analyze};
mod common;

use common::json_value;
use proptest::prelude::*;

fn assert_sound(text: &str) {
    let settings = Settings::default();
    for method in [Some(Method::Setup), Some(Method::Create), None] {
        let report = analyze(&Request::new(text, method, Some(Method::Setup)), &settings);
        for d in &report.diagnostics {
            let r = d.range;
            assert!(
                r.start <= r.end && r.end <= text.len(),
                "{} range {r:?} outside text of {} bytes",
                d.rule,
                text.len()
            );
            assert!(
                text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                "{} range {r:?} splits a character",
                d.rule
            );
            for fix in &d.fixes {
                for e in &fix.edits {
                    assert!(
                        e.range.end <= text.len()
                            && text.is_char_boundary(e.range.start)
                            && text.is_char_boundary(e.range.end)
                    );
                }
                let (_, applied) = apply_edits(text, &fix.edits);
                assert_eq!(applied, fix.edits.len(), "{}: fix edits overlap", d.rule);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        assert_sound(&text);
    }

    #[test]
    fn request_shaped_json_never_panics(v in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
        assert_sound(&text);
    }

    #[test]
    fn damaged_examples_never_panic(cut in 0usize..2000, len in 0usize..40, insert in "\\PC{0,3}") {
        for text in [
            include_str!("../../../examples/invalid/typos.setup.json"),
            include_str!("../../../examples/valid/announcements.create.json"),
        ] {
            let start = cut.min(text.len());
            let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap();
            let damaged = format!("{}{insert}{}", &text[..start], &text[end..]);
            assert_sound(&damaged);
        }
    }
}
