//! Rules that compare requests with each other: a `requestId` reused for
//! different requests, and named spaces that share a display name. Each
//! request contributes small [`Facts`]; the findings go to the later file
//! of a pair, in the order the caller gives.

use crate::catalogue::Rule;
use crate::diagnostic::{Diagnostic, TextRange};
use crate::settings::RuleSet;

/// What one request contributes to the cross-file rules.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `requestId`, its pointer, its range, and a fingerprint (hash) of the
    /// rest of the body.
    pub request_id: Option<(String, String, TextRange, u64)>,
    /// A named space's `displayName`, its pointer and range.
    pub space_name: Option<(String, String, TextRange)>,
    /// The rules that run for this request (the cross-file ones report only
    /// when enabled here).
    pub enabled: RuleSet,
}

/// Remembers the requests seen so far and reports each new one's clashes
/// with them: the whole pass never holds more than these small facts.
#[derive(Debug, Default)]
pub struct CrossFile {
    by_id: std::collections::HashMap<String, (String, u64)>,
    by_name: std::collections::HashMap<String, String>,
}

impl CrossFile {
    /// The findings for the request `name` (how it is shown in messages),
    /// against every request seen before it; then remembers it.
    pub fn next(&mut self, name: &str, facts: &Facts) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some((id, ptr, range, body)) = &facts.request_id {
            match self.by_id.get(id) {
                Some((first, other_body)) if other_body != body => {
                    if facts.enabled.contains(Rule::RequestIdReused) {
                        out.push(
                            Diagnostic::new(
                                Rule::RequestIdReused,
                                ptr,
                                *range,
                                format!("requestId \"{id}\" is also used by {first} for a different request"),
                            )
                            .with_help("a reused requestId returns the space created first and ignores this request's details: give each request its own id"),
                        );
                    }
                }
                Some(_) => {}
                None => {
                    self.by_id.insert(id.clone(), (name.to_string(), *body));
                }
            }
        }
        if let Some((display_name, ptr, range)) = &facts.space_name {
            match self.by_name.get(display_name) {
                Some(first) => {
                    if facts.enabled.contains(Rule::DisplayNameReused) {
                        out.push(
                            Diagnostic::new(
                                Rule::DisplayNameReused,
                                ptr,
                                *range,
                                format!("{first} also sets up a space named \"{display_name}\""),
                            )
                            .with_help("display names must be unique in the organisation: the second request fails with ALREADY_EXISTS"),
                        );
                    }
                }
                None => {
                    self.by_name.insert(display_name.clone(), name.to_string());
                }
            }
        }
        out
    }
}

/// For each request (by index), the findings that involve the others.
/// `files[i].0` is how request `i` is shown in messages.
pub fn check(files: &[(&str, &Facts)]) -> Vec<Vec<Diagnostic>> {
    let mut pass = CrossFile::default();
    files.iter().map(|(name, facts)| pass.next(name, facts)).collect()
}
