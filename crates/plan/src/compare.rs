//! The file against the live object: what sending the file would change.
//! What the API normalises is [`crate::api`]'s; this module only walks.

use crate::api;
use crate::{Action, Change, Desired, Found, Live};
use chatlint_engine::mask;
use chatlint_engine::model::to_camel_case;
use serde_json::Value;

/// What sending the file would do, given what is live.
pub fn compare(desired: &Desired, live: &Live) -> Action {
    if let Live::Unreadable(why) = live {
        return Action::Unknown(why.clone());
    }
    match desired {
        Desired::NewSpace { space, members, .. } => new_space(space, members, live),
        Desired::Patch { name, mask, space } => patch(name, mask, space, live),
        Desired::Member { member, .. } => member_create(member, live),
        Desired::Role { name, role } => role_change(name, role, live),
        Desired::RemoveMember { name } | Desired::DeleteSpace { name } => match live {
            Live::Missing => Action::None(format!("{name} is already gone")),
            _ => Action::Delete,
        },
        Desired::CompleteImport { name } => match live {
            Live::Space { space, .. } if space.get("importMode").and_then(Value::as_bool) == Some(true) => {
                Action::Update(vec![Change { field: "importMode".into(), live: Some(true.into()), desired: None }])
            }
            Live::Space { .. } => Action::None(format!("{name} is not in import mode")),
            Live::Missing => Action::Conflict(format!("{name} does not exist: there is no import to complete")),
            other => Action::Unknown(format!("expected a space, read {}", what(other))),
        },
    }
}

/// spaces.members.patch: the role, live → file.
fn role_change(name: &str, role: &str, live: &Live) -> Action {
    match live {
        Live::Membership(m) if api::member_is_present(m) => {
            let have = api::role_of(m);
            if have == role {
                Action::None(member_state(name, m))
            } else {
                Action::Update(vec![Change {
                    field: "role".into(),
                    live: Some(have.into()),
                    desired: Some(role.into()),
                }])
            }
        }
        Live::Membership(_) | Live::Missing => {
            Action::Conflict(format!("{name} is not a member: a role can only be changed for a member"))
        }
        other => Action::Unknown(format!("expected a membership, read {}", what(other))),
    }
}

/// setup / create: every field the file sets that a live space keeps.
fn new_space(file: &Value, file_members: &[Value], live: &Live) -> Action {
    let (space, found, live_members) = match live {
        Live::Missing => return Action::Create,
        Live::NameTaken { by, made: Some(made) } => {
            return Action::Conflict(format!(
                "this file made {made}, but its displayName belongs to {by}: a space's displayName is unique in an organisation"
            ));
        }
        Live::NameTaken { by, made: None } => {
            return Action::Conflict(format!(
                "the space this file made is gone, and its displayName belongs to {by}: creating it would answer ALREADY_EXISTS"
            ));
        }
        Live::Space { space, found, members } => (space, found, members),
        other => return Action::Unknown(format!("expected a space, read {}", what(other))),
    };
    let mut changes = Vec::new();
    let mut fields: Vec<(String, Option<Value>)> = Vec::new();
    leaves("", file, &mut fields);
    for (field, desired) in fields {
        if field == api::PRESET {
            if let Some(c) = preset(desired.as_ref(), space) {
                changes.push(c);
            }
            continue;
        }
        if api::SPACE_NOT_COMPARED.iter().any(|f| field == *f || field.starts_with(&format!("{f}."))) {
            continue;
        }
        let live_value = at(space, &field);
        if live_value != desired {
            changes.push(Change { field, live: live_value, desired });
        }
    }
    // A setup's people: each there (joined or invited), or missing.
    for m in file_members {
        let Some(who) = crate::desired::member_name(m) else { continue };
        let Some((_, state)) = live_members.iter().find(|(w, _)| w == who) else { continue };
        if !state.as_ref().is_some_and(api::member_is_present) {
            changes.push(Change { field: member_field(who), live: None, desired: Some("JOINED".into()) });
        }
    }
    settled(changes, space, found)
}

/// A preset against the permission settings it made. `None`: equal, or
/// not comparable because the live space does not show its settings
/// (then the preset is all a file can say, and nothing contradicts it).
fn preset(desired: Option<&Value>, space: &Value) -> Option<Change> {
    let wanted = desired?.as_str()?;
    api::preset_members_post(wanted)?;
    let live = api::live_preset(space)?;
    (live != wanted).then(|| Change {
        field: api::PRESET.into(),
        live: Some(live.into()),
        desired: Some(wanted.into()),
    })
}

/// spaces.patch: only the masked fields, each as the file sets it (a field
/// in the mask that the file leaves out clears it, except inside
/// `space_details`).
fn patch(name: &str, mask_paths: &[String], file: &Value, live: &Live) -> Action {
    let space = match live {
        Live::Space { space, .. } => space,
        Live::Missing => return Action::Conflict(format!("{name} does not exist: there is nothing to patch")),
        other => return Action::Unknown(format!("expected a space, read {}", what(other))),
    };
    let mut changes = Vec::new();
    for path in mask_paths {
        let pointer = match mask::find(path) {
            Some(known) => known.body.to_string(),
            // `*` and paths the table lacks: the field the path spells.
            None if path == "*" => return Action::Unknown("an updateMask of `*` is not planned yet".into()),
            None => path.split('.').map(|s| format!("/{}", to_camel_case(s))).collect(),
        };
        let field = pointer.trim_start_matches('/').replace('/', ".");
        let (mut want, mut have) = (Vec::new(), Vec::new());
        leaves(&field, file.pointer(&pointer).unwrap_or(&Value::Null), &mut want);
        leaves(&field, space.pointer(&pointer).unwrap_or(&Value::Null), &mut have);
        // space_details carries description and guidelines together: the one
        // the file leaves out is sent as it is live (apply reads it), so it
        // stays; any other masked field the file leaves out is cleared.
        let keeps_live = path == "space_details";
        let from_live = have.iter().filter(|_| !keeps_live);
        let mut names: Vec<&String> = want.iter().chain(from_live).map(|(f, _)| f).collect();
        names.sort();
        names.dedup();
        for f in names {
            let pick =
                |list: &[(String, Option<Value>)]| list.iter().find(|(g, _)| g == f).and_then(|(_, v)| v.clone());
            let (d, l) = (pick(&want), pick(&have));
            if d != l && !changes.iter().any(|c: &Change| &c.field == f) {
                changes.push(Change { field: f.clone(), live: l, desired: d });
            }
        }
    }
    settled(changes, space, &Found::Name)
}

/// spaces.members.create: there or not. A JOINED or an INVITED member is
/// there; the role is not the create's to set.
fn member_create(member: &str, live: &Live) -> Action {
    match live {
        Live::Missing => Action::Create,
        Live::Membership(m) if api::member_is_present(m) => Action::None(member_state(member, m)),
        Live::Membership(_) => Action::Create,
        other => Action::Unknown(format!("expected a membership, read {}", what(other))),
    }
}

fn member_state(member: &str, m: &Value) -> String {
    let state = m.get("state").and_then(Value::as_str).unwrap_or("present");
    let role = api::role_of(m);
    let ui = api::role_in_ui(role).map(|u| format!(" ({u})")).unwrap_or_default();
    let id = m.get("name").and_then(Value::as_str).map(|n| format!(", {n}")).unwrap_or_default();
    format!("{member} is {state} as {role}{ui}{id}")
}

/// The field of a setup's member in a plan: `memberships[users/ana@example.com]`.
pub fn member_field(who: &str) -> String {
    format!("memberships[{who}]")
}

fn settled(changes: Vec<Change>, space: &Value, found: &Found) -> Action {
    if !changes.is_empty() {
        return Action::Update(changes);
    }
    let name = space.get("name").and_then(Value::as_str).unwrap_or("the space");
    Action::None(format!("{name} is as the file says ({})", found.words()))
}

/// Every set leaf under `prefix` (`spaceDetails.description`), an object
/// being a leaf only when it is empty; ProtoJSON's defaults are unset.
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Option<Value>)>) {
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match api::set_value(v) {
        Some(Value::Object(map)) => {
            for (k, v) in &map {
                leaves(&join(k), v, out);
            }
        }
        Some(other) if !prefix.is_empty() => out.push((prefix.to_string(), Some(other))),
        _ => {}
    }
}

/// The set value at a dotted field path.
fn at(v: &Value, field: &str) -> Option<Value> {
    let pointer: String = field.split('.').map(|s| format!("/{s}")).collect();
    v.pointer(&pointer).and_then(api::set_value)
}

fn what(live: &Live) -> &'static str {
    match live {
        Live::Space { .. } => "a space",
        Live::Membership(_) => "a membership",
        Live::Missing => "nothing",
        Live::NameTaken { .. } => "a space of another name",
        Live::Unreadable(_) => "nothing readable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn new_space_file(space: Value) -> Desired {
        Desired::NewSpace { space, request_id: "r-1".into(), members: Vec::new() }
    }

    fn live_space(space: Value) -> Live {
        Live::Space { space, found: Found::Journal { request_id: "r-1".into() }, members: Vec::new() }
    }

    fn ana() -> Desired {
        let membership = json!({"member": {"name": "users/ana@example.com", "type": "HUMAN"}});
        Desired::Member { parent: "spaces/A".into(), member: "users/ana@example.com".into(), membership }
    }

    fn change(field: &str, live: Option<Value>, desired: Option<Value>) -> Change {
        Change { field: field.into(), live, desired }
    }

    #[test]
    fn a_new_space_not_yet_made_is_created() {
        assert_eq!(compare(&new_space_file(json!({"displayName": "Eng"})), &Live::Missing), Action::Create);
    }

    #[test]
    fn a_renamed_space_shows_the_name_live_then_in_the_file() {
        let file = new_space_file(json!({"spaceType": "SPACE", "displayName": "Eng"}));
        let live = live_space(json!({"name": "spaces/A", "spaceType": "SPACE", "displayName": "Eng (old)"}));
        assert_eq!(
            compare(&file, &live),
            Action::Update(vec![change("displayName", Some(json!("Eng (old)")), Some(json!("Eng")))])
        );
    }

    #[test]
    fn output_only_fields_and_the_identity_are_not_compared() {
        let file = new_space_file(json!({"spaceType": "SPACE", "displayName": "Eng", "externalUserAllowed": true}));
        let live = live_space(json!({
            "name": "spaces/A", "spaceType": "SPACE", "displayName": "Eng", "type": "ROOM",
            "spaceUri": "https://chat.google.com/room/A", "membershipCount": {"joinedDirectHumanUserCount": 3},
            "createTime": "2026-01-01T00:00:00Z", "externalUserAllowed": false,
        }));
        let action = compare(&file, &live);
        assert_eq!(
            action,
            Action::None("spaces/A is as the file says (found by the results file's requestId r-1)".into())
        );
    }

    #[test]
    fn defaults_on_either_side_mean_unset() {
        let file =
            new_space_file(json!({"displayName": "Eng", "spaceDetails": {"description": "d", "guidelines": ""}}));
        let live = live_space(json!({"name": "spaces/A", "displayName": "Eng", "spaceDetails": {"description": "d"}}));
        assert!(matches!(compare(&file, &live), Action::None(_)));
    }

    #[test]
    fn a_preset_is_compared_with_the_permission_settings_it_made() {
        let file = new_space_file(json!({"displayName": "News", "predefinedPermissionSettings": "ANNOUNCEMENT_SPACE"}));
        let announcing = json!({"name": "spaces/A", "displayName": "News", "permissionSettings": {"postMessages": {"managersAllowed": true}}});
        assert!(matches!(compare(&file, &live_space(announcing)), Action::None(_)));
        let everyone = json!({"name": "spaces/A", "displayName": "News", "permissionSettings": {"postMessages": {"managersAllowed": true, "membersAllowed": true}}});
        assert_eq!(
            compare(&file, &live_space(everyone)),
            Action::Update(vec![change(
                "predefinedPermissionSettings",
                Some(json!("COLLABORATION_SPACE")),
                Some(json!("ANNOUNCEMENT_SPACE"))
            )])
        );
        // Settings the credentials do not show: nothing to contradict the preset.
        assert!(matches!(
            compare(&file, &live_space(json!({"name": "spaces/A", "displayName": "News"}))),
            Action::None(_)
        ));
    }

    #[test]
    fn a_display_name_held_by_another_space_is_a_conflict() {
        let file = new_space_file(json!({"displayName": "Eng"}));
        let action = compare(&file, &Live::NameTaken { by: "spaces/B".into(), made: Some("spaces/A".into()) });
        assert!(
            matches!(&action, Action::Conflict(r) if r.contains("spaces/A") && r.contains("spaces/B")),
            "{action:?}"
        );
    }

    #[test]
    fn a_patch_compares_only_its_masked_fields() {
        let file = Desired::Patch {
            name: "spaces/A".into(),
            mask: vec!["display_name".into()],
            space: json!({"name": "spaces/A", "displayName": "Eng", "spaceDetails": {"description": "new"}}),
        };
        let live = Live::Space {
            space: json!({"name": "spaces/A", "displayName": "Old", "spaceDetails": {"description": "old"}}),
            found: Found::Name,
            members: Vec::new(),
        };
        assert_eq!(
            compare(&file, &live),
            Action::Update(vec![change("displayName", Some(json!("Old")), Some(json!("Eng")))])
        );
    }

    #[test]
    fn a_masked_field_the_file_leaves_out_is_cleared() {
        let file = Desired::Patch {
            name: "spaces/A".into(),
            mask: vec!["access_settings.audience".into()],
            space: json!({"displayName": "Eng"}),
        };
        let live = Live::Space {
            space: json!({"accessSettings": {"audience": "audiences/default"}}),
            found: Found::Name,
            members: Vec::new(),
        };
        let cleared = change("accessSettings.audience", Some(json!("audiences/default")), None);
        assert_eq!(compare(&file, &live), Action::Update(vec![cleared]));
    }

    #[test]
    fn space_details_keep_the_live_half_the_file_leaves_out() {
        // Description and guidelines travel together: apply sends the live
        // guidelines with the file's description.
        let file = Desired::Patch {
            name: "spaces/A".into(),
            mask: vec!["space_details".into()],
            space: json!({"spaceDetails": {"description": "new"}}),
        };
        let live = json!({"spaceDetails": {"description": "old", "guidelines": "g"}});
        let live = Live::Space { space: live, found: Found::Name, members: Vec::new() };
        let described = change("spaceDetails.description", Some(json!("old")), Some(json!("new")));
        assert_eq!(compare(&file, &live), Action::Update(vec![described]));
    }

    #[test]
    fn a_patch_of_a_space_that_is_gone_is_a_conflict() {
        let file = Desired::Patch { name: "spaces/A".into(), mask: vec!["display_name".into()], space: json!({}) };
        assert!(matches!(compare(&file, &Live::Missing), Action::Conflict(_)));
    }

    #[test]
    fn an_invited_member_is_already_there() {
        let file = ana();
        let invited =
            Live::Membership(json!({"name": "spaces/A/members/123", "state": "INVITED", "role": "ROLE_MEMBER"}));
        assert_eq!(
            compare(&file, &invited),
            Action::None("users/ana@example.com is INVITED as ROLE_MEMBER (Member), spaces/A/members/123".into())
        );
        let owner =
            Live::Membership(json!({"name": "spaces/A/members/123", "state": "JOINED", "role": "ROLE_MANAGER"}));
        assert!(matches!(compare(&file, &owner), Action::None(s) if s.contains("ROLE_MANAGER (Owner)")));
        assert_eq!(compare(&file, &Live::Missing), Action::Create);
        assert_eq!(compare(&file, &Live::Membership(json!({"state": "NOT_A_MEMBER"}))), Action::Create);
    }

    #[test]
    fn a_promoted_member_shows_both_role_names() {
        let file = Desired::Role { name: "spaces/A/members/ana@example.com".into(), role: "ROLE_MEMBER".into() };
        let owner =
            Live::Membership(json!({"name": "spaces/A/members/123", "state": "JOINED", "role": "ROLE_MANAGER"}));
        let action = compare(&file, &owner);
        assert_eq!(
            action,
            Action::Update(vec![change("role", Some(json!("ROLE_MANAGER")), Some(json!("ROLE_MEMBER")))])
        );
        let c = &action.changes_list()[0];
        assert_eq!(
            (c.show(&c.live), c.show(&c.desired)),
            ("\"ROLE_MANAGER\" (Owner)".into(), "\"ROLE_MEMBER\" (Member)".into())
        );
        let member = Live::Membership(json!({"name": "spaces/A/members/123", "state": "JOINED"}));
        assert!(matches!(compare(&file, &member), Action::None(_)));
        assert!(matches!(compare(&file, &Live::Missing), Action::Conflict(_)));
    }

    #[test]
    fn a_removal_of_what_is_gone_is_none() {
        let file = Desired::RemoveMember { name: "spaces/A/members/ana@example.com".into() };
        assert_eq!(
            compare(&file, &Live::Missing),
            Action::None("spaces/A/members/ana@example.com is already gone".into())
        );
        assert_eq!(compare(&file, &Live::Membership(json!({"state": "JOINED"}))), Action::Delete);
        let space = Desired::DeleteSpace { name: "spaces/A".into() };
        assert_eq!(compare(&space, &live_space(json!({"name": "spaces/A"}))), Action::Delete);
    }

    #[test]
    fn an_import_is_complete_once_the_space_leaves_import_mode() {
        let file = Desired::CompleteImport { name: "spaces/A".into() };
        assert!(matches!(compare(&file, &live_space(json!({"importMode": true}))), Action::Update(_)));
        assert!(matches!(compare(&file, &live_space(json!({"importMode": false}))), Action::None(_)));
    }

    #[test]
    fn what_cannot_be_read_is_unknown_with_its_reason() {
        let file = ana();
        let action = compare(&file, &Live::Unreadable("403 PERMISSION_DENIED".into()));
        assert_eq!(action, Action::Unknown("403 PERMISSION_DENIED".into()));
    }
}
