//! What apply sends for a planned file: exactly the plan's changes, as the
//! API needs them. Pure, like the comparison: the remote side sends these.
//!
//! - `none`, `conflict`, `unknown`: nothing.
//! - `create`: a member by spaces.members.create; a space by the file's own
//!   request, as `--send` sends it (its requestId, the results file).
//! - `update` of a space: spaces.patch requests of the changed fields only,
//!   split where the API wants a path alone in its mask
//!   (`space_history_state`, `access_settings.audience`, the
//!   `access_settings.access_permission_settings` paths, the
//!   `permission_settings` paths, each group its own request), with
//!   `space_details` carrying both description and guidelines (the half the
//!   file does not set taken from the live space).
//! - `update` of a role: spaces.members.patch with the mask `role`.
//! - `delete`: spaces.delete or spaces.members.delete (destructive).
//! - completing an import: spaces.completeImport.

use crate::{Action, Change, Desired, Live, desired};
use chatlint_engine::mask::{self, Group};
use serde_json::{Map, Value, json};

/// One request apply sends in place of the file's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    /// The API method (`spaces.patch`).
    pub method: &'static str,
    /// The resource the URL names (`spaces/AAA`, `spaces/AAA/members/123`).
    pub name: String,
    /// The `updateMask`, for a patch.
    pub mask: Option<String>,
    /// The HTTP body, when the call has one.
    pub body: Option<Value>,
}

/// What apply does for one planned file.
#[derive(Clone, Debug, PartialEq)]
pub enum Apply {
    /// Nothing to send (`none`, `conflict`, `unknown`).
    Nothing,
    /// The file's own request, as `--send` sends it (a `create`).
    TheFile,
    /// These requests, in order.
    Requests(Vec<Write>),
    /// The change cannot be made by a request (why).
    Refused(String),
}

/// The requests that make the live state what the file says.
pub fn apply(desired: &Desired, live: &Live, action: &Action) -> Apply {
    match action {
        Action::None(_) | Action::Conflict(_) | Action::Unknown(_) => Apply::Nothing,
        // A member is added by apply itself: the results file may record
        // an earlier add of someone removed since, and --send skips those.
        Action::Create => match desired {
            Desired::Member { parent, membership, .. } => {
                one("spaces.members.create", parent, None, Some(membership.clone()))
            }
            _ => Apply::TheFile,
        },
        Action::Delete => match desired {
            Desired::DeleteSpace { name } => one("spaces.delete", name, None, None),
            Desired::RemoveMember { name } => one("spaces.members.delete", live_name(live, name), None, None),
            _ => Apply::Refused("only a delete file deletes".into()),
        },
        Action::Update(changes) => match (desired, live) {
            (Desired::Role { name, role }, _) => {
                one("spaces.members.patch", live_name(live, name), Some("role"), Some(json!({ "role": role })))
            }
            (Desired::CompleteImport { name }, _) => one("spaces.completeImport", name, None, Some(json!({}))),
            (Desired::NewSpace { space: file, members, .. }, Live::Space { space, .. }) => {
                // A setup's missing people are added one by one.
                let (people, fields): (Vec<Change>, Vec<Change>) =
                    changes.iter().cloned().partition(|c| c.field.starts_with("memberships["));
                let mut writes = Vec::new();
                if !fields.is_empty() {
                    match space_patches(file, space, &fields) {
                        Apply::Requests(w) => writes = w,
                        other => return other,
                    }
                }
                let parent = space.get("name").and_then(Value::as_str).unwrap_or_default();
                for m in members {
                    let wanted = desired::member_name(m)
                        .is_some_and(|who| people.iter().any(|c| c.field == crate::compare::member_field(who)));
                    if wanted {
                        writes.push(Write {
                            method: "spaces.members.create",
                            name: parent.to_string(),
                            mask: None,
                            body: Some(m.clone()),
                        });
                    }
                }
                Apply::Requests(writes)
            }
            (Desired::Patch { space: file, .. }, Live::Space { space, .. }) => space_patches(file, space, changes),
            _ => Apply::Refused("there is no live space to update".into()),
        },
    }
}

/// A membership's name as the server gave it (`spaces/A/members/123`),
/// which every method takes, rather than the file's email alias, which
/// Google documents for reading.
fn live_name<'a>(live: &'a Live, file: &'a str) -> &'a str {
    match live {
        Live::Membership(m) => m.get("name").and_then(Value::as_str).unwrap_or(file),
        _ => file,
    }
}

fn one(method: &'static str, name: &str, mask: Option<&str>, body: Option<Value>) -> Apply {
    Apply::Requests(vec![Write { method, name: name.to_string(), mask: mask.map(str::to_string), body }])
}

/// The mask path that updates a changed field: the deepest accepted path
/// whose body field holds it (`permissionSettings.manageApps.membersAllowed`
/// → `permission_settings.manage_apps`).
fn mask_path_of(field: &str) -> Option<&'static mask::Path> {
    let pointer: String = field.split('.').map(|s| format!("/{s}")).collect();
    mask::PATHS
        .iter()
        .filter(|p| !p.heading && (pointer == p.body || pointer.starts_with(&format!("{}/", p.body))))
        .max_by_key(|p| p.body.len())
}

/// Patches of the live space: the changed fields' mask paths, grouped as
/// the API allows them together, each body holding the file's values.
fn space_patches(file: &Value, live: &Value, changes: &[Change]) -> Apply {
    let Some(name) = live.get("name").and_then(Value::as_str) else {
        return Apply::Refused("the live space has no name".into());
    };
    let mut paths: Vec<&'static mask::Path> = Vec::new();
    for c in changes {
        if c.field == crate::api::PRESET {
            return Apply::Refused(
                "predefinedPermissionSettings is input only, at creation: change the space's permissionSettings with a \
                 spaces.patch file"
                    .into(),
            );
        }
        let Some(p) = mask_path_of(&c.field) else {
            return Apply::Refused(format!("no updateMask path changes `{}`", c.field));
        };
        if !paths.iter().any(|q| q.path == p.path) {
            paths.push(p);
        }
    }
    // The view-membership pairing goes with the access permission settings.
    let paired = paths.iter().any(|p| p.path == mask::VIEW_SETTING);
    let group_of = |p: &mask::Path| match p.group {
        Group::Permission if paired && p.path == mask::VIEW_PERMISSION => Group::AccessPermission,
        g => g,
    };
    let order = [Group::Free, Group::Permission, Group::AccessPermission, Group::History, Group::Audience];
    let mut writes = Vec::new();
    for group in order {
        let in_group: Vec<&mask::Path> = paths.iter().copied().filter(|p| group_of(p) == group).collect();
        // History and audience stand alone: one request each.
        let batches: Vec<Vec<&mask::Path>> = match group {
            Group::History | Group::Audience => in_group.into_iter().map(|p| vec![p]).collect(),
            _ if in_group.is_empty() => Vec::new(),
            _ => vec![in_group],
        };
        for batch in batches {
            let mut body = json!({ "name": name });
            for p in &batch {
                let value = if p.path == "space_details" {
                    // Both halves: the file's, else the live one.
                    let half = |k: &str| {
                        let at = format!("/spaceDetails/{k}");
                        file.pointer(&at).or_else(|| live.pointer(&at)).cloned()
                    };
                    let both: Map<String, Value> =
                        ["description", "guidelines"].iter().filter_map(|k| Some((k.to_string(), half(k)?))).collect();
                    Some(Value::Object(both))
                } else {
                    file.pointer(p.body).cloned()
                };
                if let Some(v) = value {
                    set(&mut body, p.body, v);
                }
            }
            let mask = batch.iter().map(|p| p.path).collect::<Vec<_>>().join(",");
            writes.push(Write { method: "spaces.patch", name: name.to_string(), mask: Some(mask), body: Some(body) });
        }
    }
    Apply::Requests(writes)
}

/// Sets `v` at a JSON pointer below an object, making the objects on the
/// way (a member that is no object is replaced).
fn set(target: &mut Value, pointer: &str, v: Value) {
    let keys: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, path)) = keys.split_last() else { return };
    let mut at = target;
    for k in path {
        let Some(obj) = at.as_object_mut() else { return };
        let next = obj.entry(k.to_string()).or_insert_with(|| json!({}));
        if !next.is_object() {
            *next = json!({});
        }
        at = next;
    }
    if let Some(obj) = at.as_object_mut() {
        obj.insert(last.to_string(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Found, compare};

    fn live(space: Value) -> Live {
        Live::Space { space, found: Found::Name, members: Vec::new() }
    }

    fn patch(mask: &[&str], space: Value) -> Desired {
        Desired::Patch { name: "spaces/A".into(), mask: mask.iter().map(|m| m.to_string()).collect(), space }
    }

    fn writes(d: &Desired, l: &Live) -> Apply {
        apply(d, l, &compare(d, l))
    }

    #[test]
    fn nothing_is_sent_for_none_and_the_file_for_create() {
        let membership = json!({"member": {"name": "users/ana@example.com", "type": "HUMAN"}});
        let d = Desired::Member { parent: "spaces/A".into(), member: "users/ana@example.com".into(), membership };
        assert_eq!(writes(&d, &Live::Membership(json!({"state": "INVITED"}))), Apply::Nothing);
        let add = Write {
            method: "spaces.members.create",
            name: "spaces/A".into(),
            mask: None,
            body: Some(json!({"member": {"name": "users/ana@example.com", "type": "HUMAN"}})),
        };
        assert_eq!(writes(&d, &Live::Missing), Apply::Requests(vec![add]));
        let new_space =
            Desired::NewSpace { space: json!({"displayName": "Eng"}), request_id: "r".into(), members: Vec::new() };
        assert_eq!(writes(&new_space, &Live::Missing), Apply::TheFile);
        assert_eq!(writes(&d, &Live::Unreadable("403".into())), Apply::Nothing);
    }

    #[test]
    fn a_patch_sends_only_its_changed_paths_and_splits_what_must_stand_alone() {
        let d = patch(
            &["display_name", "space_history_state", "access_settings.audience"],
            json!({"displayName": "Eng", "spaceHistoryState": "HISTORY_OFF", "accessSettings": {"audience": "audiences/default"}}),
        );
        let l = live(json!({"name": "spaces/A", "displayName": "Eng", "spaceHistoryState": "HISTORY_ON"}));
        let Apply::Requests(w) = writes(&d, &l) else { panic!() };
        let masks: Vec<_> = w.iter().map(|w| w.mask.clone().unwrap()).collect();
        // display_name is as live: not sent; the other two each alone.
        assert_eq!(masks, ["space_history_state", "access_settings.audience"]);
        assert_eq!(w[0].body, Some(json!({"name": "spaces/A", "spaceHistoryState": "HISTORY_OFF"})));
    }

    #[test]
    fn space_details_go_with_both_halves() {
        let d = patch(&["space_details"], json!({"spaceDetails": {"description": "new"}}));
        let l = live(json!({"name": "spaces/A", "spaceDetails": {"description": "old", "guidelines": "be kind"}}));
        let Apply::Requests(w) = writes(&d, &l) else { panic!() };
        assert_eq!(w.len(), 1);
        let body = json!({"name": "spaces/A", "spaceDetails": {"description": "new", "guidelines": "be kind"}});
        assert_eq!((w[0].mask.as_deref(), w[0].body.clone()), (Some("space_details"), Some(body)));
    }

    #[test]
    fn a_drifted_space_of_a_setup_file_is_patched_back() {
        let d = Desired::NewSpace {
            space: json!({"spaceType": "SPACE", "displayName": "Eng", "spaceDetails": {"guidelines": "g"}}),
            request_id: "r".into(),
            members: Vec::new(),
        };
        let l = live(json!({"name": "spaces/A", "spaceType": "SPACE", "displayName": "Old",
            "spaceDetails": {"description": "d", "guidelines": "old"},
            "permissionSettings": {"manageApps": {"managersAllowed": true}}}));
        let Apply::Requests(w) = writes(&d, &l) else { panic!() };
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].mask.as_deref(), Some("display_name,space_details"));
        let body =
            json!({"name": "spaces/A", "displayName": "Eng", "spaceDetails": {"description": "d", "guidelines": "g"}});
        assert_eq!(w[0].body, Some(body));
    }

    #[test]
    fn permission_settings_and_access_permissions_go_in_their_own_requests() {
        let d = patch(
            &[
                "permission_settings.manage_apps",
                "access_settings.access_permission_settings.join_space_setting",
                "display_name",
            ],
            json!({"displayName": "New", "permissionSettings": {"manageApps": {"managersAllowed": true}},
                "accessSettings": {"accessPermissionSettings": {"joinSpaceSetting": {"principals": ["audiences/default"]}}}}),
        );
        let l = live(json!({"name": "spaces/A", "displayName": "Old"}));
        let Apply::Requests(w) = writes(&d, &l) else { panic!() };
        let masks: Vec<_> = w.iter().map(|w| w.mask.clone().unwrap()).collect();
        let access = "access_settings.access_permission_settings.join_space_setting";
        assert_eq!(masks, ["display_name", "permission_settings.manage_apps", access], "{w:?}");
    }

    #[test]
    fn a_setup_s_missing_person_is_added_to_the_live_space() {
        let ana = json!({"member": {"name": "users/ana@example.com", "type": "HUMAN"}});
        let bo = json!({"member": {"name": "users/bo@example.com", "type": "HUMAN"}});
        let d = Desired::NewSpace {
            space: json!({"displayName": "Eng"}),
            request_id: "r".into(),
            members: vec![ana.clone(), bo.clone()],
        };
        let l = Live::Space {
            space: json!({"name": "spaces/A", "displayName": "Eng"}),
            found: Found::Journal { request_id: "r".into() },
            members: vec![
                ("users/ana@example.com".into(), Some(json!({"state": "INVITED"}))),
                ("users/bo@example.com".into(), None),
            ],
        };
        let action = compare(&d, &l);
        let missing =
            Change { field: "memberships[users/bo@example.com]".into(), live: None, desired: Some("JOINED".into()) };
        assert_eq!(action, Action::Update(vec![missing]));
        let add = Write { method: "spaces.members.create", name: "spaces/A".into(), mask: None, body: Some(bo) };
        assert_eq!(apply(&d, &l, &action), Apply::Requests(vec![add]));
    }

    #[test]
    fn a_preset_cannot_be_changed_after_creation() {
        let d = Desired::NewSpace {
            space: json!({"predefinedPermissionSettings": "ANNOUNCEMENT_SPACE"}),
            request_id: "r".into(),
            members: Vec::new(),
        };
        let l = live(json!({"name": "spaces/A", "permissionSettings": {"postMessages": {"membersAllowed": true}}}));
        assert!(matches!(writes(&d, &l), Apply::Refused(why) if why.contains("input only")));
    }

    #[test]
    fn roles_deletes_and_imports_are_one_request_each() {
        let role = Desired::Role { name: "spaces/A/members/ana@example.com".into(), role: "ROLE_MANAGER".into() };
        let m = Live::Membership(json!({"name": "spaces/A/members/1", "state": "JOINED"}));
        let w = Write {
            method: "spaces.members.patch",
            // The name the server gave, not the file's email alias.
            name: "spaces/A/members/1".into(),
            mask: Some("role".into()),
            body: Some(json!({"role": "ROLE_MANAGER"})),
        };
        assert_eq!(writes(&role, &m), Apply::Requests(vec![w]));
        let gone = Desired::DeleteSpace { name: "spaces/A".into() };
        assert_eq!(writes(&gone, &Live::Missing), Apply::Nothing);
        let Apply::Requests(w) = writes(&gone, &live(json!({"name": "spaces/A"}))) else { panic!() };
        assert_eq!((w[0].method, w[0].body.is_none()), ("spaces.delete", true));
    }
}
