//! Fixing a text: applies fixes until none is left, keeping every other
//! byte as it was. Writing files is the adapters' business.

use crate::diagnostic::{Applicability, Edit, Fix, apply_edits};
use crate::method::Method;
use crate::request::Request;
use crate::settings::Settings;
use crate::{Report, analyze};

/// Passes over a file at most; each pass applies every fix that does not
/// overlap another, and the next pass re-lints the result.
const MAX_PASSES: usize = 10;

/// The fixed text, how many fixes were applied, and the reports on the
/// original and on the fixed text.
pub struct Fixed {
    pub text: String,
    pub applied: usize,
    pub original: Report,
    pub report: Report,
}

/// Applies safe fixes (and unsafe ones when `unsafe_fixes`) to a request's text.
pub fn fix_text(request: &Request, settings: &Settings, unsafe_fixes: bool) -> Fixed {
    fix_with(request.text, unsafe_fixes, |text, settled| {
        let mut next = request.clone();
        next.text = text;
        next.method = settled.or(request.method);
        analyze(&next, settings)
    })
}

/// Applies fixes to `text`, judging each pass with `check`, which is given
/// the text and the method the first pass settled on (later passes keep it).
/// Adapters pass a `check` that also drops the findings they accept, so an
/// accepted finding is never fixed.
pub fn fix_with(text: &str, unsafe_fixes: bool, mut check: impl FnMut(&str, Option<Method>) -> Report) -> Fixed {
    let mut current = text.to_string();
    let mut applied = 0;
    let original = check(&current, None);
    let mut report = original.clone();
    for _ in 0..MAX_PASSES {
        let allowed = |f: &&Fix| unsafe_fixes || f.applicability == Applicability::Safe;
        let fixes: Vec<&Fix> = report.diagnostics.iter().filter_map(|d| d.fixes.iter().find(allowed)).collect();
        let (next, n) = apply_fixes(&current, &fixes);
        if n == 0 {
            break;
        }
        applied += n;
        current = next;
        report = check(&current, report.method);
    }
    Fixed { text: current, applied, original, report }
}

/// Applies the fixes [`choose`] picks; returns the new text and how many
/// fixes were applied.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let chosen = choose(text, fixes);
    (apply(text, &chosen), chosen.len())
}

/// Whole fixes that can be applied together, in the order given: none
/// overlaps one taken before, and together they add no duplicate key the
/// text did not have (two fixes can each be right alone and clash, such as
/// renaming `Type` to `type` and inserting `type`; Google's parser rejects
/// the duplicate).
pub fn choose<'f>(text: &str, fixes: &[&'f Fix]) -> Vec<&'f Fix> {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut chosen = Vec::new();
    for fix in fixes {
        let valid = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        });
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.range.end && t.range.start < e.range.end
                    // Two insertions at one point, or an insertion at a deletion's edge, also clash.
                    || e.range.start == t.range.start
            })
        });
        if valid && !overlaps && !fix.edits.is_empty() {
            taken.extend(&fix.edits);
            chosen.push(*fix);
        }
    }
    let Some(before) = duplicate_keys(text) else { return chosen };
    let adds_duplicates = |set: &[&Fix]| duplicate_keys(&apply(text, set)).is_some_and(|after| after > before);
    if !adds_duplicates(&chosen) {
        return chosen;
    }
    // Rare: find the clash by taking the fixes one at a time.
    let mut safe: Vec<&'f Fix> = Vec::new();
    for fix in chosen {
        safe.push(fix);
        if adds_duplicates(&safe) {
            safe.pop();
        }
    }
    safe
}

fn apply(text: &str, fixes: &[&Fix]) -> String {
    let edits: Vec<Edit> = fixes.iter().flat_map(|f| f.edits.iter().cloned()).collect();
    apply_edits(text, &edits).0
}

/// How many keys repeat an earlier key of the same object, in the whole
/// text; `None` when it is not JSON.
pub fn duplicate_keys(text: &str) -> Option<usize> {
    fn count(v: &crate::json::Json<'_>) -> usize {
        use crate::json::Json;
        match v {
            Json::Object(o) => {
                let mut seen = std::collections::HashSet::new();
                o.members.iter().map(|m| usize::from(!seen.insert(m.key.as_ref())) + count(&m.value)).sum()
            }
            Json::Array(a) => a.elements.iter().map(count).sum(),
            _ => 0,
        }
    }
    let blanked = text.strip_prefix('\u{feff}').map(|rest| format!("   {rest}"));
    let root = crate::json::parse(blanked.as_deref().unwrap_or(text)).ok()?;
    Some(root.as_ref().map_or(0, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::TextRange;

    fn edit(start: usize, end: usize, new_text: &str) -> Fix {
        Fix::safe("t", vec![Edit { range: TextRange::new(start, end), new_text: new_text.into() }])
    }

    #[test]
    fn fixes_that_together_add_a_duplicate_key_are_not_taken_together() {
        let text = r#"{"Type": "HUMAN", "name": "users/1"}"#;
        let rename = edit(1, 7, "\"type\"");
        let at = text.find("\"name\"").unwrap();
        let insert = edit(at, at, "\"type\": \"HUMAN\", ");
        let chosen = choose(text, &[&rename, &insert]);
        assert_eq!(chosen.len(), 1);
        let (fixed, n) = apply_fixes(text, &[&rename, &insert]);
        assert_eq!((fixed.as_str(), n), (r#"{"type": "HUMAN", "name": "users/1"}"#, 1));
        assert_eq!(duplicate_keys(r#"{"a": 1, "a": {"b": 1, "b": 2}}"#), Some(2));
        assert_eq!(duplicate_keys("{"), None);
    }
}
