//! Output formats for a check run.

pub mod human;
pub mod json;

use crate::diagnostic::Severity;
use crate::runner::FileResult;

/// Counts over a run, shared by every format.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
    /// Files that could not be checked (IO, size limit, config).
    pub failed: usize,
}

impl Summary {
    pub fn of(results: &[FileResult]) -> Summary {
        let mut s = Summary { files: results.len(), ..Summary::default() };
        for r in results {
            if r.error.is_some() {
                s.failed += 1;
            }
            for d in &r.diagnostics {
                match d.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Hint => s.hints += 1,
                }
            }
        }
        s
    }
}
