//! The URL path of a request: the method table's template (`v1/{name}`,
//! `v1/{parent}/members`, `v1/{name}:completeImport`) with each placeholder
//! replaced by a checked resource name, and each id in it percent-encoded
//! as exactly one path segment. Nothing a file, a flag or chatlint.toml
//! says can change the path's shape: not `/`, `\`, `..`, `%2e%2e`, `?`,
//! `#` nor a `:verb`.
//!
//! Which resource a name must be follows Google's naming of methods and
//! resources (AIP-121/122): the method `spaces.members.create` works on the
//! collection `spaces/{id}/members/{id}`, so its `name` is
//! `spaces/*/members/*` and its `parent` is `spaces/*` — the discovery
//! document's patterns (`^spaces/[^/]+$`, `^spaces/[^/]+/members/[^/]+$`).

use chatlint_engine::method::{Location, ParamKey, Spec};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`)
/// is encoded: `:` too, so an id cannot add a `:verb`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A kind of resource name: its collections, each followed by one id
/// (`["spaces", "members"]` is `spaces/{id}/members/{id}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(pub Vec<&'static str>);

impl Pattern {
    /// The resource a method works on: its API name without the verb
    /// (`spaces.members.create` → `spaces/{id}/members/{id}`).
    pub fn resource(spec: &Spec) -> Pattern {
        let mut parts: Vec<&'static str> = spec.name.split('.').collect();
        parts.pop();
        Pattern(parts)
    }

    /// What a path parameter names: `name` the method's resource, `parent`
    /// the collection's owner; `None` for parameters that are no resource.
    pub fn of_param(spec: &Spec, key: ParamKey) -> Option<Pattern> {
        let Pattern(mut parts) = Pattern::resource(spec);
        match key {
            ParamKey::Name => Some(Pattern(parts)),
            ParamKey::Parent if parts.len() > 1 => {
                parts.pop();
                Some(Pattern(parts))
            }
            _ => None,
        }
    }

    /// The ids of `value` when it is a name of this kind, else why not.
    pub fn ids<'v>(&self, value: &'v str) -> Result<Vec<&'v str>, String> {
        let segments: Vec<&str> = value.split('/').collect();
        let shaped = segments.len() == 2 * self.0.len()
            && segments.iter().step_by(2).zip(&self.0).all(|(segment, collection)| segment == collection);
        if !shaped {
            return Err(format!("`{value}` is not of the form `{self}`"));
        }
        let ids: Vec<&str> = segments.into_iter().skip(1).step_by(2).collect();
        for id in &ids {
            if let Some(why) = id_problem(id) {
                return Err(format!("`{value}` is not of the form `{self}`: its id `{id}` {why}"));
            }
        }
        Ok(ids)
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|c| format!("{c}/{{id}}")).collect();
        f.write_str(&parts.join("/"))
    }
}

/// Why an id cannot be one path segment of a resource name, if it cannot:
/// the discovery document's `[^/]+`, and nothing a URL reader takes for a
/// separator (`\`), the end of the path (`?`, `#`), an escape (`%2F`,
/// `%2e`), a custom verb (`:`) or a dot-segment (`.`, `..`).
pub fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("is empty");
    }
    if id == "." || id == ".." {
        return Some("is a dot-segment");
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains a space or a control character");
    }
    ['/', '\\', '?', '#', '%', ':'].iter().find(|c| id.contains(**c)).map(|c| match c {
        '/' => "contains `/`",
        '\\' => "contains `\\`",
        '?' => "contains `?`",
        '#' => "contains `#`",
        '%' => "contains `%`",
        _ => "contains `:`",
    })
}

/// One id as one path segment.
pub fn encode(id: &str) -> String {
    utf8_percent_encode(id, SEGMENT).to_string()
}

/// The path of a request under the endpoint (`v1/spaces/AAA/members`):
/// the template's literal text as the table has it, each `{param}` the
/// checked resource name `value(param)` with its ids encoded.
pub fn build(spec: &Spec, value: &dyn Fn(ParamKey) -> Option<String>) -> Result<String, String> {
    let mut path = String::new();
    let mut rest = spec.http.path;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').map(|c| open + c).ok_or("the method's path template is not closed")?;
        let placeholder = &rest[open + 1..close];
        let param = spec
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.key.name() == placeholder)
            .ok_or_else(|| format!("the method's path names `{placeholder}`, which is no path parameter"))?;
        let pattern = Pattern::of_param(spec, param.key)
            .ok_or_else(|| format!("`{placeholder}` is not a resource name chatlint can check"))?;
        let given = value(param.key).ok_or_else(|| format!("no `{placeholder}`"))?;
        let ids = pattern.ids(&given).map_err(|e| format!("`{placeholder}` {e}"))?;
        let segments: Vec<String> =
            pattern.0.iter().zip(ids).flat_map(|(collection, id)| [collection.to_string(), encode(id)]).collect();
        path.push_str(&segments.join("/"));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatlint_engine::Method;

    #[test]
    fn patterns_follow_the_method_names() {
        assert_eq!(Pattern::resource(Method::Setup.spec()).to_string(), "spaces/{id}");
        assert_eq!(Pattern::of_param(Method::Patch.spec(), ParamKey::Name).unwrap().to_string(), "spaces/{id}");
        let members = Method::MembersCreate.spec();
        assert_eq!(Pattern::resource(members).to_string(), "spaces/{id}/members/{id}");
        assert_eq!(Pattern::of_param(members, ParamKey::Parent).unwrap().to_string(), "spaces/{id}");
        assert_eq!(Pattern::of_param(members, ParamKey::UpdateMask), None);
    }

    #[test]
    fn a_name_is_its_collections_and_one_plain_id_each() {
        let member = Pattern(vec!["spaces", "members"]);
        assert_eq!(member.ids("spaces/A/members/b@example.com").unwrap(), ["A", "b@example.com"]);
        for bad in [
            "spaces/A",
            "spaces/A/messages/B",
            "spaces/A/members/B/x",
            "spaces//members/B",
            "spaces/../members/B",
            "spaces/A/members/.",
            "spaces/A\\x/members/B",
            "spaces/A/members/B?x=1",
            "spaces/A/members/B#f",
            "spaces/%2e%2e/members/B",
            "spaces/A/members/B:setup",
            "spaces/A/members/B C",
        ] {
            assert!(member.ids(bad).is_err(), "{bad}");
        }
    }

    /// The rows added after the path builder build their paths unchanged.
    #[test]
    fn new_rows_build_their_paths() {
        let given = |v: &'static str| move |_: ParamKey| Some(v.to_string());
        let delete = Method::MembersDelete.spec();
        assert_eq!(build(delete, &given("spaces/A/members/b@c.d")).unwrap(), "v1/spaces/A/members/b%40c.d");
        assert!(build(delete, &given("spaces/A")).unwrap_err().contains("`spaces/{id}/members/{id}`"));
        let complete = Method::CompleteImport.spec();
        assert_eq!(build(complete, &given("spaces/A")).unwrap(), "v1/spaces/A:completeImport");
        assert!(build(complete, &given("spaces/A:setup")).is_err());
        let members = Method::MembersCreate.spec();
        assert_eq!(
            build(members, &given("spaces/A B")).unwrap_err(),
            "`parent` `spaces/A B` is not of the form `spaces/{id}`: its id `A B` contains a space or a control character"
        );
    }

    #[test]
    fn ids_are_encoded_as_one_segment() {
        assert_eq!(encode("AAA-b_c.d~e"), "AAA-b_c.d~e");
        assert_eq!(encode("a/b\\c?d#e%f:g h"), "a%2Fb%5Cc%3Fd%23e%25f%3Ag%20h");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
