//! The one finding type every stage produces and every adapter consumes.

use crate::catalogue::Rule;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Hint < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "hint" | "info" => Ok(Severity::Hint),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!("unknown severity `{s}` (expected hint, warning or error)")),
        }
    }
}

/// A half-open byte range `[start, end)` into the file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        TextRange { start, end }
    }
    pub fn len(self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Whether a fix can be applied without a person looking at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the request's meaning, or makes it say what it evidently meant.
    Safe,
    /// Changes what the request asks for; a person should review it.
    Unsafe,
}

/// Replace the bytes in `range` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

impl Edit {
    /// An edit that deletes `range`.
    pub fn delete(range: TextRange) -> Edit {
        Edit { range, new_text: String::new() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), applicability: Applicability::Safe, edits }
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), applicability: Applicability::Unsafe, edits }
    }
}

/// Another place in the same file that a finding is about: for a wrong
/// value in an update's body, the mask path that asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// RFC 6901 pointer of the value holding it (empty for the top).
    pub pointer: String,
    pub range: TextRange,
    pub message: String,
}

/// One finding: which rule, how bad, where (JSON pointer and byte range).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: Rule,
    /// Set by [`crate::settle`] from the settings (the configured level, or
    /// the rule's default): the one place severities are decided.
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// RFC 6901 pointer of the value concerned; for a missing field, the
    /// pointer the field would have.
    pub pointer: String,
    pub range: TextRange,
    pub fixes: Vec<Fix>,
    /// Other places the finding is about, shown beside it.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A finding; its severity is decided when the engine settles the
    /// findings ([`crate::settle`]).
    pub fn new(rule: Rule, pointer: impl Into<String>, range: TextRange, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            pointer: pointer.into(),
            range,
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}

/// Applies non-overlapping edits to `text`; overlapping ones after the
/// first are skipped (a later run picks them up). Returns the new text and
/// how many edits were applied.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut applied = 0;
    for e in sorted {
        if e.range.start < pos
            || e.range.end > text.len()
            || !text.is_char_boundary(e.range.start)
            || !text.is_char_boundary(e.range.end)
        {
            continue;
        }
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.new_text);
        pos = e.range.end;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}
