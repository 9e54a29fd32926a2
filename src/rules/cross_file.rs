//! Rules that compare request files with each other: a `requestId` reused
//! for different requests, and named spaces that share a display name.

use crate::diagnostic::{Diagnostic, TextRange};

/// What one file contributes to the cross-file rules.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `requestId`, its range, and a fingerprint (hash) of the rest of the body.
    pub request_id: Option<(String, TextRange, u64)>,
    /// A named space's `displayName`, its pointer and range.
    pub space_name: Option<(String, String, TextRange)>,
}

/// For each file (by index), the findings that involve other files.
/// `names[i]` is how file `i` is shown in messages.
pub fn check(files: &[(&str, &Facts)]) -> Vec<Vec<Diagnostic>> {
    let mut out = vec![Vec::new(); files.len()];
    let mut by_id: std::collections::HashMap<&str, (usize, u64)> = Default::default();
    let mut by_name: std::collections::HashMap<String, usize> = Default::default();
    for (i, (_, facts)) in files.iter().enumerate() {
        if let Some((id, range, body)) = &facts.request_id {
            match by_id.get(id.as_str()) {
                Some(&(j, other_body)) if other_body != *body => out[i].push(
                    Diagnostic::new("request-id-reused", "/requestId", *range, format!("requestId \"{id}\" is also used by {} for a different request", files[j].0))
                        .with_help("a reused requestId returns the space created first and ignores this request's details: give each request its own id"),
                ),
                Some(_) => {}
                None => {
                    by_id.insert(id, (i, *body));
                }
            }
        }
        if let Some((name, ptr, range)) = &facts.space_name {
            let key = name.clone();
            match by_name.get(&key) {
                Some(&j) => out[i].push(
                    Diagnostic::new("display-name-reused", ptr, *range, format!("{} also sets up a space named \"{name}\"", files[j].0))
                        .with_help("display names must be unique in the organisation: the second request fails with ALREADY_EXISTS"),
                ),
                None => {
                    by_name.insert(key, i);
                }
            }
        }
    }
    out
}
