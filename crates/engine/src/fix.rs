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

/// Applies whole fixes whose edits overlap no fix taken before; returns the
/// new text and how many fixes were applied.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut count = 0;
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.range.end && t.range.start < e.range.end
                    // Two insertions at one point, or an insertion at a deletion's edge, also clash.
                    || e.range.start == t.range.start
            })
        });
        if !overlaps {
            taken.extend(&fix.edits);
            count += 1;
        }
    }
    let edits: Vec<Edit> = taken.into_iter().cloned().collect();
    let (out, _) = apply_edits(text, &edits);
    (out, count)
}
