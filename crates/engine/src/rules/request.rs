//! Rules about the request's own parameters.

use super::Ctx;
use crate::catalogue::Rule;
use crate::diagnostic::Fix;
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
