//! Rules about the request's own parameters.

use super::{Ctx, is_resource_name};
use crate::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Fix};
use crate::mask::Source;
use crate::method::ParamKey;

pub fn request_id_not_uuid(ctx: &mut Ctx) {
    // Only a request that carries its id in the body has one to judge.
    let Some(&(_, ptr)) = ctx.doc.layout.params.iter().find(|(k, _)| *k == ParamKey::RequestId) else { return };
    match ctx.str_at(ptr) {
        None => {
            let mut d = ctx
                .at_value(
                    Rule::RequestIdNotUuid,
                    ptr,
                    "no `requestId`: sending this request twice creates two spaces (unless the sender derives one, as `chatlint --send` does)",
                )
                .with_help(
                    "add `\"requestId\"` with a random UUID; a repeated request then returns the existing space",
                );
            // Derived from the body, so the same request always gets the same id.
            let id = ctx.doc.derived_request_id();
            let (parent, key) = ptr.rsplit_once('/').unwrap_or(("", ptr));
            if let Some(edit) = ctx.insert(parent, key, &format!("\"{id}\"")) {
                d = d.with_fix(Fix::unsafe_("Add a requestId", vec![edit]));
            }
            ctx.report(d);
        }
        Some(id) if !is_uuid(id) => {
            let d = ctx
                .at_value(Rule::RequestIdNotUuid, ptr, format!("\"{id}\" is not a UUID; a random UUID is recommended"))
                .with_help("any unique string works, but a random UUID avoids accidental reuse");
            ctx.report(d);
        }
        Some(_) => {}
    }
}

/// 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A required parameter the file does not carry and nothing gives: say
/// what chatlint assumes, and that `--send` will not.
pub fn parameter_not_given(ctx: &mut Ctx) {
    let spec = ctx.doc.method.spec();
    // In Google's request message the parameters are fields: required-field speaks for them.
    if ctx.doc.layout.root != spec.body.root {
        return;
    }
    let mut found = Vec::new();
    for param in spec.params.iter().filter(|p| p.required) {
        let name = param.key.name();
        let message = match param.key {
            ParamKey::UpdateMask => match ctx.mask() {
                Some(m) if m.source == Source::Assumed => format!(
                    "no `updateMask` is given: chatlint checks this body as if it were \"{}\" (the fields it sets), but --send will not assume it",
                    m.text()
                ),
                _ => continue,
            },
            _ if ctx.param(param.key).is_some() => continue,
            ParamKey::Parent => {
                "no `parent` is given: which space to add the member to is not known; --send cannot send it".to_string()
            }
            _ if ctx.doc.layout.space.is_none() => {
                format!(
                    "no `{name}` is given: which membership this request is for is not known; --send cannot send it"
                )
            }
            _ => format!("no `{name}` is given: which space this request is for is not known; --send cannot send it"),
        };
        let snake = crate::model::to_snake_case(name);
        // The command line's flag (`--update-mask PATHS`), with what it takes.
        let value = if param.key == ParamKey::UpdateMask { "PATHS" } else { "spaces/…" };
        let flag = format!("--{} {value}", snake.replace('_', "-"));
        found.push(
            Diagnostic::new(Rule::ParameterNotGiven, "", ctx.top(), message).with_help(format!(
                "use Google's request message ({}) with `{name}` in the file, give `{flag}` on the command line, or give `{snake}` for this file in chatlint.toml ([[requests]])",
                spec.message.map_or("", |m| m.root),
            )),
        );
    }
    ctx.diags.extend(found);
}

pub fn space_name_format(ctx: &mut Ctx) {
    name_format(ctx, ParamKey::Name, Rule::SpaceNameFormat);
}

pub fn parent_format(ctx: &mut Ctx) {
    name_format(ctx, ParamKey::Parent, Rule::ParentFormat);
}

/// A space's resource name, wherever the request has it.
fn name_format(ctx: &mut Ctx, key: ParamKey, rule: Rule) {
    let Some(value) = ctx.param(key) else { return };
    let id_problem = value.text.strip_prefix("spaces/").and_then(url_segment_problem);
    if is_resource_name(&value.text, "spaces/") && id_problem.is_none() {
        return;
    }
    let why = id_problem.map(|w| format!(": the ID {w}")).unwrap_or_default();
    let msg = format!("`{}` must look like `spaces/{{space}}`, found \"{}\"{why}", key.name(), value.text);
    let d = ctx
        .at_param(rule, &value, msg)
        .with_help("use the space's resource name: `spaces/` followed by its ID (from spaces.list or the space's URL)");
    ctx.report(d);
}

/// Why a space's ID cannot be one segment of the URL path it travels in
/// (`v1/spaces/{space}`), if it cannot: URL readers take `\\` for `/`, `?`
/// and `#` end the path, `%` starts an escape (`%2e%2e`, `%2F`), `:` a
/// custom verb (`:setup`), and `.` and `..` are dot-segments that move up.
pub(crate) fn url_segment_problem(id: &str) -> Option<&'static str> {
    if id == "." || id == ".." {
        return Some("is a dot-segment (`.` or `..`)");
    }
    if id.chars().any(char::is_control) {
        return Some("contains a control character");
    }
    ['\\', '?', '#', '%', ':'].into_iter().find(|&c| id.contains(c)).map(|c| match c {
        '\\' => "contains `\\`, which a URL reader takes for `/`",
        '?' => "contains `?`, which ends a URL path",
        '#' => "contains `#`, which ends a URL path",
        '%' => "contains `%`, which starts an escape in a URL path",
        _ => "contains `:`, which starts a custom method in a URL path",
    })
}

/// Admin access is a privilege of an administrator's user authentication.
pub fn admin_access_app_auth(ctx: &mut Ctx) {
    if ctx.context.auth != Some(crate::settings::Auth::App) {
        return;
    }
    let Some(admin) = ctx.param(ParamKey::UseAdminAccess).filter(|v| v.text == "true") else { return };
    let message = "`useAdminAccess` grants an administrator's privileges to user authentication, not to an app";
    let d = ctx.at_param(Rule::AdminAccessAppAuth, &admin, message);
    ctx.report(
        d.with_help("send it as an administrator with the method's `chat.admin.*` scope, or without `useAdminAccess`"),
    );
}

#[cfg(test)]
mod tests {
    use crate::{Method, Params, Request, Settings, analyze};

    /// The rule ids found in a patch and a member request naming `name`,
    /// in the file and given from outside it.
    fn found(name: &str) -> Vec<String> {
        let quoted = serde_json::to_string(name).unwrap();
        let patch = format!(r#"{{"space": {{"name": {quoted}, "displayName": "x"}}, "updateMask": "displayName"}}"#);
        let member =
            format!(r#"{{"parent": {quoted}, "membership": {{"member": {{"name": "users/1", "type": "HUMAN"}}}}}}"#);
        let bare = r#"{"member": {"name": "users/1", "type": "HUMAN"}}"#;
        let mut given = Request::new(bare, Some(Method::MembersCreate), None);
        given.params = Params { parent: Some(name.to_string()), ..Params::default() };
        let runs = [
            Request::new(&patch, Some(Method::Patch), None),
            Request::new(&member, Some(Method::MembersCreate), None),
            given,
        ];
        runs.iter()
            .flat_map(|r| analyze(r, &Settings::default()).diagnostics)
            .map(|d| d.rule.to_string())
            .filter(|r| r.ends_with("-format"))
            .collect()
    }

    #[test]
    fn a_space_id_that_would_reshape_the_url_is_an_error() {
        for name in [
            "spaces/AAA\\messages\\BBB",
            "spaces/..\\spaces:setup",
            "spaces/AAA\\messages?",
            "spaces/%2e%2e",
            "spaces/..",
            "spaces/.",
            "spaces/AAA?useAdminAccess=true&x=",
            "spaces/AAA#frag",
            "spaces/AAA:setup",
            "spaces/AAA\u{7f}",
        ] {
            assert_eq!(found(name), ["space-name-format", "parent-format", "parent-format"], "{name}");
        }
        assert!(found("spaces/AAAA-b_c.d~1").is_empty());
    }
}
