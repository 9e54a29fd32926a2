//! "Did you mean": the closest known name to a misspelt one.

/// How close a suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closeness {
    /// Same letters, other case or separators (`displayname`, `DISPLAY_NAME`).
    SameLetters,
    /// A small edit away.
    Near,
}

/// The candidate closest to `word`, if any is close enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<(&'c str, Closeness)> {
    let fold = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect::<String>();
    let w = fold(word);
    let mut best: Option<(&str, usize)> = None;
    for c in candidates {
        let f = fold(c);
        if f == w {
            return Some((c, Closeness::SameLetters));
        }
        // A shortened name (`ANNOUNCEMENT` for `ANNOUNCEMENT_SPACE`) counts as near.
        let d = if w.len() >= 4 && (f.starts_with(&w) || w.starts_with(&f)) { 1 } else { strsim::levenshtein(&w, &f) };
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((c, d));
        }
    }
    let (c, d) = best?;
    let limit = (w.chars().count() / 3).max(1);
    (d <= limit).then_some((c, Closeness::Near))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_case_and_typo_neighbours_but_not_strangers() {
        let names = ["displayName", "spaceType", "spaceDetails"];
        assert_eq!(closest("displayname", names), Some(("displayName", Closeness::SameLetters)));
        assert_eq!(closest("spaceTyp", names), Some(("spaceType", Closeness::Near)));
        assert_eq!(closest("colour", names), None);
    }
}
