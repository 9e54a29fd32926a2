//! `--fix`: applies fixes until none is left, keeping every other byte of
//! the file as it was; writes atomically (temporary file, then rename).

use crate::diagnostic::{Applicability, Edit, Fix, apply_edits};
use crate::method::Method;
use crate::settings::Settings;
use crate::{FileReport, analyze};
use std::io::Write;
use std::path::Path;

/// Passes over a file at most; each pass applies every fix that does not
/// overlap another, and the next pass re-lints the result.
const MAX_PASSES: usize = 10;

/// The fixed text, how many fixes were applied, and the reports on the
/// original and on the fixed text.
pub struct Fixed {
    pub text: String,
    pub applied: usize,
    pub original: FileReport,
    pub report: FileReport,
}

/// Applies safe fixes (and unsafe ones when `unsafe_fixes`) to `text`.
pub fn fix_text(
    text: &str,
    method: Option<Method>,
    fallback: Option<Method>,
    settings: &Settings,
    unsafe_fixes: bool,
) -> Fixed {
    let mut current = text.to_string();
    let mut applied = 0;
    let original = analyze(&current, method, fallback, settings);
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
        // Later passes keep the method the first one settled on.
        report = analyze(&current, report.method.or(method), fallback, settings);
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

/// Replaces `path`'s contents with `text` atomically: a temporary file in
/// the same folder, given the original's permissions, renamed over it.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of a file's fix, as `--diff` prints it.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
