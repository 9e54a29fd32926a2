//! Rules about updates: the update mask and how it fits the body the
//! request sends. Most are spaces.patch's (documented in the discovery
//! document's `updateMask` text, docs/constraints.md section 5);
//! `update-mask-path` and `field-not-in-mask` hold for every method with a
//! mask (spaces.members.patch too), through the mask table the method's
//! row names.

use super::Ctx;
use crate::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Edit, Fix, Related};
use crate::mask::{self, Group, MaskPath, Source};
use crate::model::to_camel_case;
use crate::suggest::closest;
use crate::value::Value;

/// The mask's paths, when they are the request's own (from the file or
/// the config); an assumed mask only mirrors the body.
fn given_paths<'a>(ctx: &'a Ctx) -> impl Iterator<Item = &'a MaskPath> {
    ctx.mask().filter(|m| m.source != Source::Assumed).into_iter().flat_map(|m| &m.paths)
}

/// A finding about a mask path: on the path inside the file's string, or
/// (for a mask from the config) at the top of the file.
fn at_path(ctx: &Ctx, rule: Rule, p: &MaskPath, message: String) -> Diagnostic {
    let (pointer, from) = match ctx.mask().map(|m| &m.source) {
        Some(Source::File(ptr)) => (ptr.as_str(), ""),
        _ => ("", " (in the updateMask given by chatlint.toml or the command line)"),
    };
    Diagnostic::new(rule, pointer, p.range, format!("{message}{from}"))
}

/// The mask path that asks for a field, beside a finding on the body's
/// value of it.
fn mask_related(ctx: &Ctx, p: &MaskPath) -> Related {
    let (pointer, message) = match ctx.mask().map(|m| &m.source) {
        Some(Source::File(ptr)) => (ptr.clone(), format!("`{}` in the update mask", p.raw)),
        _ => (String::new(), format!("`{}` in the updateMask given by chatlint.toml or the command line", p.raw)),
    };
    Related { pointer, range: p.range, message }
}

/// Whether the file writes a value at `pointer`, even one the server
/// reads as unset (`""`, `null`, `*_UNSPECIFIED`).
fn written(ctx: &Ctx, pointer: &str) -> bool {
    ctx.doc.node(pointer).is_some()
}

/// A finding about the field a mask path asks for: on the body's value
/// when the file writes one (even one read as unset), with the mask path
/// beside it; on the mask path when the body leaves the field out.
fn at_value_or_path(ctx: &Ctx, rule: Rule, pointer: &str, p: &MaskPath, message: String) -> Diagnostic {
    if written(ctx, pointer) {
        ctx.at_value(rule, pointer, message).with_related(mask_related(ctx, p))
    } else {
        at_path(ctx, rule, p, message)
    }
}

/// The body's value for an accepted path (below the Space).
fn body_value<'a>(ctx: &Ctx<'a>, body: &str) -> Option<&'a Value> {
    ctx.get(&ctx.space_field(body.trim_start_matches('/')))
}

pub fn update_mask_path(ctx: &mut Ctx) {
    let Some(table) = ctx.mask().map(|m| m.table) else { return };
    let mut found = Vec::new();
    for p in given_paths(ctx) {
        let message = if p.raw.is_empty() {
            "an empty path in `updateMask`: remove the extra comma".to_string()
        } else if let Some(known) = p.known {
            match missing_in_profile(ctx, table, known.body) {
                Some(field) => format!(
                    "`{}` is not a path in the `{}` profile's API revision (it has no `{field}`)",
                    p.raw, ctx.profile.name
                ),
                None => continue,
            }
        } else if p.raw == "*" {
            format!("`*` is not documented for {}: list the paths to update", table.method)
        } else {
            format!("`{}` is not a path {} can update: {}", p.raw, table.method, why_not(ctx, table, &p.normalized))
        };
        let suggestion = closest(&p.raw, table.list.iter().map(|k| k.documented))
            .or_else(|| closest(&p.normalized, table.list.iter().map(|k| k.path)));
        let help = match suggestion {
            Some((s, _)) if !p.raw.is_empty() && p.known.is_none() => format!("did you mean `{s}`?"),
            _ => format!(
                "the paths are {}",
                table.list.iter().filter(|k| !k.heading).map(|k| k.documented).collect::<Vec<_>>().join(", ")
            ),
        };
        found.push(at_path(ctx, Rule::UpdateMaskPath, p, message).with_help(help));
    }
    ctx.diags.extend(found);
}

/// The field a known path's body pointer passes that the profile's
/// revision does not have.
fn missing_in_profile(ctx: &Ctx, table: &mask::Paths, body: &str) -> Option<String> {
    let mut msg = ctx.model.find_message(table.message)?;
    for seg in body.trim_start_matches('/').split('/') {
        let (field, _) = msg.field(seg)?;
        if !ctx.profile.knows(&msg.name, &field.name) {
            return Some(format!("{}.{}", msg.name, field.name));
        }
        let crate::model::Kind::Message(next) = &field.kind else { return None };
        msg = ctx.model.find_message(next)?;
    }
    None
}

/// Why a path that names no accepted path cannot be updated (U20).
fn why_not(ctx: &Ctx, table: &mask::Paths, normalized: &str) -> String {
    let pointer: String = normalized.split('.').map(|s| format!("/{}", to_camel_case(s))).collect();
    let Some(field) = ctx.model.field_at_from(table.message, &pointer) else {
        return format!("{} has no such field", table.message);
    };
    let d = field.description.as_str();
    if field.name == "name" {
        let which = table.message.to_lowercase();
        format!("`name` says which {which} to update (the URL path); it cannot be changed")
    } else if field.read_only {
        format!("`{}` is output only", field.name)
    } else if d.contains("Immutable.") {
        format!("`{}` is immutable", field.name)
    } else if d.contains("Input only") || d.contains("input only") {
        format!("`{}` is input only: it can only be set when creating a space", field.name)
    } else {
        format!("the documents do not list `{}` among the fields you can update", field.name)
    }
}

pub fn update_mask_heading(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for p in given_paths(ctx) {
        let Some(known) = p.known.filter(|k| k.heading) else { continue };
        let subs: Vec<&str> = mask::SPACE
            .list
            .iter()
            .filter(|k| !k.heading && k.path.starts_with(&format!("{}.", known.path)))
            .map(|k| k.documented)
            .collect();
        found.push(
            at_path(
                ctx,
                Rule::UpdateMaskHeading,
                p,
                format!("whether `{}` alone is accepted is not documented: the documents list its sub-paths", p.raw),
            )
            .with_help(format!("list the settings to update: {}", subs.join(", "))),
        );
    }
    ctx.diags.extend(found);
}

/// What the documents say about a group that must be alone.
fn alone_because(group: Group) -> &'static str {
    match group {
        Group::Free => "",
        Group::History => "to update the space history state, you must omit all other field masks",
        Group::Audience => "to update access settings, you must omit all other field masks",
        Group::AccessPermission => {
            "to update access permission settings, you must omit all other field masks (only the view-membership pairing may join them)"
        }
        Group::Permission => {
            "when updating permission settings, you can only specify `permissionSettings` field masks (and the view-membership pairing)"
        }
    }
}

/// The view-membership pairing may cross the two permission groups.
fn paired(a: &str, b: &str) -> bool {
    (a == mask::VIEW_SETTING || a == mask::VIEW_PERMISSION) && (b == mask::VIEW_SETTING || b == mask::VIEW_PERMISSION)
}

pub fn update_mask_exclusive(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let known: Vec<(&MaskPath, &mask::Path)> = m.paths.iter().filter_map(|p| p.known.map(|k| (p, k))).collect();
    let mut found = Vec::new();
    for (q, qk) in &known {
        let clash = known.iter().find(|(e, ek)| {
            ek.group != Group::Free && e.normalized != q.normalized && ek.group != qk.group && !paired(ek.path, qk.path)
        });
        if let Some((e, ek)) = clash {
            let msg = format!("`{}` cannot be updated together with `{}`: {}", q.raw, e.raw, alone_because(ek.group));
            found.push(at_path(ctx, Rule::UpdateMaskExclusive, q, msg).with_help("send it in a request of its own"));
        }
    }
    ctx.diags.extend(found);
}

pub fn view_membership_pairing(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let covers = |path: &str| m.covers(mask::find(path).map_or("", |p| p.body));
    let mut found = Vec::new();
    for (this, other) in [(mask::VIEW_SETTING, mask::VIEW_PERMISSION), (mask::VIEW_PERMISSION, mask::VIEW_SETTING)] {
        let Some(p) = m.paths.iter().find(|p| p.normalized == this) else { continue };
        let other_doc = mask::find(other).map_or(other, |k| k.documented);
        if !covers(other) {
            let msg = format!("`{}` must be specified together with `{other_doc}` in the update mask", p.raw);
            found.push(
                at_path(ctx, Rule::ViewMembershipPairing, p, msg).with_help(format!("add `{other_doc}` to updateMask")),
            );
        } else if let Some(other_body) = mask::find(other).map(|k| k.body)
            && body_value(ctx, other_body).is_none()
            && let Some(this_body) = mask::find(this).map(|k| k.body)
            && body_value(ctx, this_body).is_some()
        {
            let field = other_body.trim_start_matches('/').replace('/', ".");
            let msg =
                format!("`{}` and `{other_doc}` must both be in the request body, but it has no `{field}`", p.raw);
            found.push(
                at_path(ctx, Rule::ViewMembershipPairing, p, msg).with_help(format!("set `{field}` in the body")),
            );
        }
    }
    ctx.diags.extend(found);
}

pub fn view_membership_members(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let setting = "/accessSettings/accessPermissionSettings/viewSpaceMembershipSetting";
    let principals = ctx.space_field(&format!("{}/principals", setting.trim_start_matches('/')));
    let granted = ctx.get(&principals).and_then(Value::as_array).is_some_and(|p| !p.is_empty());
    if !m.covers(setting) || !granted {
        return;
    }
    let members = ctx.space_field("permissionSettings/viewSpaceMembership/membersAllowed");
    if ctx.is_true(&members) {
        return;
    }
    let d = ctx
        .at_value(
            Rule::ViewMembershipMembers,
            &members,
            "granting a target audience view access to space membership requires granting it to all members too: `permissionSettings.viewSpaceMembership.membersAllowed` must be true",
        )
        .with_help("set `permissionSettings.viewSpaceMembership.membersAllowed` to true in the same request");
    ctx.report(d);
}

/// The settings of `accessSettings.accessPermissionSettings`, each a list
/// of principals.
pub(super) const ACCESS_PERMISSION_SETTINGS: [&str; 3] =
    ["discoverSpaceSetting", "joinSpaceSetting", "viewSpaceMembershipSetting"];

/// The audiences of an access permission setting's principals.
pub(super) fn audiences<'a>(ctx: &Ctx<'a>, setting: &str) -> Vec<(usize, &'a str)> {
    let ptr = ctx.space_field(&format!("accessSettings/accessPermissionSettings/{setting}/principals"));
    ctx.get(&ptr)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter().enumerate().filter_map(|(i, p)| Some((i, p.get("audience")?.get("name")?.as_str()?))).collect()
        })
        .unwrap_or_default()
}

pub fn join_without_discover(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let base = "/accessSettings/accessPermissionSettings";
    if !m.covers(&format!("{base}/joinSpaceSetting")) || !m.covers(&format!("{base}/discoverSpaceSetting")) {
        return;
    }
    let discover: Vec<&str> = audiences(ctx, "discoverSpaceSetting").into_iter().map(|(_, a)| a).collect();
    let mut found = Vec::new();
    for (i, audience) in audiences(ctx, "joinSpaceSetting") {
        if discover.contains(&audience) {
            continue;
        }
        let ptr = ctx.space_field(&format!(
            "accessSettings/accessPermissionSettings/joinSpaceSetting/principals/{i}/audience/name"
        ));
        found.push(
            ctx.at_value(
                Rule::JoinWithoutDiscover,
                &ptr,
                format!("`{audience}` may join the space but not discover it: principals allowed to join must also be allowed to discover it"),
            )
            .with_help(format!("add `{audience}` to `discoverSpaceSetting.principals`, or remove it here")),
        );
    }
    ctx.diags.extend(found);
}

pub fn space_type_update(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let Some(p) = m.paths.iter().find(|p| p.normalized == "space_type") else { return };
    let mut missing = Vec::new();
    if !m.has("display_name") {
        missing.push("`display_name` in the update mask".to_string());
    }
    match ctx.space_type() {
        Some("SPACE") => {}
        Some(other) => missing.push(format!("`spaceType: SPACE` in the body (it says `{other}`)")),
        None => missing.push("`spaceType: SPACE` in the body".to_string()),
    }
    if ctx.str_at(&ctx.space_field("displayName")).is_none_or(|n| n.trim().is_empty()) {
        missing.push("a non-empty `displayName` in the body".to_string());
    }
    if missing.is_empty() {
        return;
    }
    // "a", "a and b", "a, b and c".
    let needs = match missing.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => missing.join(""),
    };
    let msg = format!("`{}` only changes a group chat into a named space, and needs {needs}", p.raw);
    // On the body's wrong value when there is one, with the mask path
    // beside it; on the mask path when the body lacks the field.
    let (space_type, name) = (ctx.space_field("spaceType"), ctx.space_field("displayName"));
    let wrong_type =
        ctx.space_type().is_some_and(|t| t != "SPACE") || (ctx.space_type().is_none() && written(ctx, &space_type));
    let blank_name = written(ctx, &name) && ctx.str_at(&name).is_none_or(|n| n.trim().is_empty());
    let d = match (wrong_type, blank_name) {
        (true, _) => at_value_or_path(ctx, Rule::SpaceTypeUpdate, &space_type, p, msg),
        (false, true) => at_value_or_path(ctx, Rule::SpaceTypeUpdate, &name, p, msg),
        (false, false) => at_path(ctx, Rule::SpaceTypeUpdate, p, msg),
    };
    let d = d.with_help(
        "include `display_name` with `space_type` in the mask and set `spaceType: SPACE` and a `displayName`",
    );
    ctx.report(d);
}

pub fn display_name_update_non_space(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let Some(p) = m.paths.iter().find(|p| p.normalized == "display_name") else { return };
    let Some(st) = ctx.space_type().filter(|t| *t != "SPACE") else { return };
    // On the body's spaceType, which says what kind of space this is.
    let d = ctx
        .at_value(
            Rule::DisplayNameUpdateNonSpace,
            &ctx.space_field("spaceType"),
            format!("`{}` only updates the name of a named space, but this space is a `{st}`", p.raw),
        )
        .with_help("group chats and direct messages have no name; to turn a group chat into a named space, also update `space_type`")
        .with_related(mask_related(ctx, p));
    ctx.report(d);
}

pub fn space_details_partial(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let details = ctx.space_field("spaceDetails");
    if !m.covers("/spaceDetails") || ctx.get(&details).is_none() {
        return;
    }
    let missing: Vec<&str> =
        ["description", "guidelines"].into_iter().filter(|f| ctx.get(&format!("{details}/{f}")).is_none()).collect();
    if missing.is_empty() {
        return;
    }
    let d = ctx
        .at_key(
            Rule::SpaceDetailsPartial,
            &details,
            format!(
                "`spaceDetails` has no `{}`: updating `space_details` replaces the description and the guidelines together",
                missing.join("` or `")
            ),
        )
        .with_help("pass the existing value of the field you do not mean to change (or \"\" to clear it on purpose)");
    ctx.report(d);
}

pub fn history_state_required(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let Some(p) = m.paths.iter().find(|p| p.normalized == "space_history_state") else { return };
    if ctx.get(&ctx.space_field("spaceHistoryState")).is_some() {
        return;
    }
    let msg = format!("`{}` is in the update mask, but the body sets no `spaceHistoryState`", p.raw);
    // A value the server reads as unset (HISTORY_STATE_UNSPECIFIED, null)
    // is where the mistake is: the finding goes there, the mask path beside.
    let state = ctx.space_field("spaceHistoryState");
    let d = at_value_or_path(ctx, Rule::HistoryStateRequired, &state, p, msg)
        .with_help("set `spaceHistoryState` to HISTORY_ON or HISTORY_OFF");
    ctx.report(d);
}

/// Paths other rules speak for when the body has no value.
const CLEARED_ELSEWHERE: [&str; 4] =
    ["space_history_state", "access_settings.audience", mask::VIEW_SETTING, mask::VIEW_PERMISSION];

pub fn update_mask_clears(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for p in given_paths(ctx) {
        let Some(known) = p.known.filter(|k| !k.heading && !CLEARED_ELSEWHERE.contains(&k.path)) else { continue };
        if body_value(ctx, known.body).is_some() {
            continue;
        }
        let field = known.body.trim_start_matches('/').replace('/', ".");
        let msg = format!("`{}` is in the update mask, but the body sets no `{field}`: the update clears it", p.raw);
        // A value written but read as unset (`""`) is where it clears.
        let at = ctx.space_field(known.body.trim_start_matches('/'));
        let d = at_value_or_path(ctx, Rule::UpdateMaskClears, &at, p, msg);
        found.push(d.with_help(format!("set `{field}` in the body, or remove `{}` from the mask", p.raw)));
    }
    ctx.diags.extend(found);
}

pub fn audience_removed(ctx: &mut Ctx) {
    let Some(p) = given_paths(ctx).find(|p| p.normalized == "access_settings.audience") else { return };
    if ctx.get(&ctx.space_field("accessSettings/audience")).is_some() {
        return;
    }
    let msg = format!(
        "`{}` is in the update mask with no `accessSettings.audience` in the body: this removes the space's target audience",
        p.raw
    );
    // An audience written as "" (read as unset) is where it is removed.
    let audience = ctx.space_field("accessSettings/audience");
    let d = at_value_or_path(ctx, Rule::AudienceRemoved, &audience, p, msg)
        .with_help("that restricts access to people added or invited; set an audience to keep one");
    ctx.report(d);
}

pub fn field_not_in_mask(ctx: &mut Ctx) {
    let Some(m) = ctx.mask() else { return };
    let Some(space) = ctx.updated() else { return };
    let Some(body) = ctx.get(space).and_then(Value::as_object) else { return };
    let mut ignored = Vec::new();
    ignored_fields(ctx, m, "", body, &mut ignored);
    let mut found = Vec::new();
    for rel in ignored {
        let ptr = format!("{space}{rel}");
        let field = rel.trim_start_matches('/').replace('/', ".");
        let mut d = ctx
            .at_key(
                Rule::FieldNotInMask,
                &ptr,
                format!("`{field}` is not in the update mask, so the server ignores it"),
            )
            .with_help(if m.table.for_body(&rel).is_some() {
                "add its path to `updateMask` if it should change, or remove it from the body".to_string()
            } else {
                format!("{} cannot change it: remove it from the body", m.table.method)
            });
        if let (Some(path), Source::File(mask_ptr)) = (m.table.for_body(&rel), &m.source)
            && let Some(edit) = append_path(ctx, mask_ptr, path.documented)
        {
            d = d.with_fix(Fix::unsafe_(format!("Add `{}` to updateMask", path.documented), vec![edit]));
        }
        if let Some(removal) = ctx.doc.removal(&ptr) {
            d = d.with_fix(Fix::unsafe_(format!("Remove `{field}`"), vec![removal]));
        }
        found.push(d);
    }
    ctx.diags.extend(found);
}

/// The fields of the updated Space or Membership below `rel` that no mask
/// path covers (output-only ones are output-only-field's, the name says
/// which one is updated).
fn ignored_fields(ctx: &Ctx, m: &mask::Mask, rel: &str, obj: &crate::value::Map, out: &mut Vec<String>) {
    // A misspelt path meant this field: update-mask-path says so.
    let meant: Vec<&str> = m
        .paths
        .iter()
        .filter(|p| p.known.is_none() && !p.raw.is_empty())
        .filter_map(|p| closest(&p.normalized, m.table.list.iter().map(|k| k.path)))
        .filter_map(|(s, _)| m.table.find(s).map(|k| k.body))
        .collect();
    for (key, value) in obj {
        let child = format!("{rel}/{}", crate::document::escape_pointer(key));
        let field = ctx.model.field_at_from(m.table.message, &child);
        let meant_here =
            meant.iter().any(|b| child.strip_prefix(b).is_some_and(|r| r.is_empty() || r.starts_with('/')));
        if child == "/name" || field.is_none_or(|f| f.read_only) || m.covers(&child) || meant_here {
            continue;
        }
        let masked_below = m.paths.iter().filter_map(|p| p.known).any(|k| k.body.starts_with(&format!("{child}/")));
        match value.as_object() {
            Some(inner) if masked_below => ignored_fields(ctx, m, &child, inner, out),
            _ => out.push(child),
        }
    }
}

/// An edit that appends `path` to the mask string at `mask_ptr`.
fn append_path(ctx: &Ctx, mask_ptr: &str, path: &str) -> Option<Edit> {
    let node = ctx.doc.node(mask_ptr)?;
    let end = node.value.end.checked_sub(1)?; // before the closing quote
    let camel = ctx.str_at(mask_ptr).is_some_and(|m| !m.contains('_'));
    let spelled =
        if camel { path.split('.').map(to_camel_case).collect::<Vec<_>>().join(".") } else { path.to_string() };
    Some(Edit { range: crate::diagnostic::TextRange::new(end, end), new_text: format!(",{spelled}") })
}

/// A Space field the length rules and audience-format judge on an update
/// only when the mask covers it: the rest is ignored (field-not-in-mask).
pub fn masked_or_not_update(ctx: &Ctx, rel: &str) -> bool {
    ctx.doc.method.spec().phase != crate::method::Phase::Update || ctx.mask().is_some_and(|m| m.covers(rel))
}

pub fn space_name_differs(ctx: &mut Ctx) {
    let Some(given) = ctx.params.name.as_deref() else { return };
    let Some(ptr) = ctx.doc.layout.param(crate::method::ParamKey::Name) else { return };
    let Some(body) = ctx.str_at(ptr) else { return };
    if body == given {
        return;
    }
    let d = ctx
        .at_value(
            Rule::SpaceNameDiffers,
            ptr,
            format!("the body names \"{body}\", but the config gives \"{given}\": chatlint uses the body's, which the URL path will carry"),
        )
        .with_help("keep one of them");
    ctx.report(d);
}

pub fn admin_access_mask(ctx: &mut Ctx) {
    if ctx.param(crate::method::ParamKey::UseAdminAccess).is_none_or(|v| v.text != "true") {
        return;
    }
    let legacy_permissions = !ctx.profile.admin_permission_settings;
    let mut found = Vec::new();
    for p in given_paths(ctx) {
        let Some(known) = p.known else { continue };
        if known.admin && !(legacy_permissions && known.group == Group::Permission) {
            continue;
        }
        let msg = format!("`{}` is not supported with `useAdminAccess`", p.raw);
        found.push(
            at_path(ctx, Rule::AdminAccessMask, p, msg)
                .with_help("send this update without admin access, as a space manager, or leave the path out"),
        );
    }
    ctx.diags.extend(found);
}
