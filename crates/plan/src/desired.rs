//! What a request file asks for, read from its document (the canonical
//! value the server would see) and the method's row: the target to read
//! live and the values to compare. Where a file keeps a parameter, or
//! whether it has a Space or a membership, is the row's layout's to say;
//! this module never asks for a method by name.

use chatlint_engine::method::{Answer, Memberships, ParamKey, Phase};
use chatlint_engine::{Document, Params, mask};
use serde_json::Value;

/// What one request file asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Desired {
    /// spaces.setup / spaces.create: a space with these settings. Its
    /// identity is the requestId it sends (the results file maps it to the
    /// space it made), else its `displayName`.
    /// `members`: the memberships a setup lists.
    NewSpace { space: Value, request_id: String, members: Vec<Value> },
    /// spaces.patch: these masked fields (snake_case mask paths) of `name`.
    Patch { name: String, mask: Vec<String>, space: Value },
    /// spaces.members.create: `member` (`users/…` or `groups/…`) in
    /// `parent`; `membership` is the Membership the file sends.
    Member { parent: String, member: String, membership: Value },
    /// spaces.members.patch: the membership `name` with this role.
    Role { name: String, role: String },
    /// spaces.members.delete: the membership `name` gone.
    RemoveMember { name: String },
    /// spaces.delete: the space `name` gone.
    DeleteSpace { name: String },
    /// spaces.completeImport: the space `name` out of import mode.
    CompleteImport { name: String },
}

impl Desired {
    /// Reads a checked file's document with the parameters given from
    /// outside it. `Err` says what the file lacks to be planned.
    pub fn read(doc: &Document, params: &Params) -> Result<Desired, String> {
        let spec = doc.method.spec();
        let layout = &doc.layout;
        let value = doc.value.to_json();
        let at = |pointer: &str| value.pointer(pointer).cloned().unwrap_or(Value::Null);
        let param = |key: ParamKey| -> Option<String> {
            let in_file = layout.param(key).and_then(|p| value.pointer(p)).and_then(Value::as_str);
            in_file.map(str::to_string).or_else(|| params.get(key)).filter(|s| !s.is_empty())
        };
        let needs = |key: ParamKey| param(key).ok_or_else(|| format!("no `{}` is given", key.name()));
        match (spec.phase, layout.space, layout.memberships) {
            (Phase::Create, Some(space), memberships) => Ok(Desired::NewSpace {
                space: at(space),
                request_id: param(ParamKey::RequestId).unwrap_or_else(|| doc.derived_request_id()),
                members: match memberships {
                    Memberships::List(list) => at(list).as_array().cloned().unwrap_or_default(),
                    _ => Vec::new(),
                },
            }),
            (Phase::Update, Some(space), _) => {
                let mask = needs(ParamKey::UpdateMask)?;
                let mask = mask.split(',').map(|p| mask::normalize(p.trim())).filter(|p| !p.is_empty()).collect();
                Ok(Desired::Patch { name: needs(ParamKey::Name)?, mask, space: at(space) })
            }
            (Phase::Create, None, Memberships::One(m)) => {
                let m = at(m);
                let member = member_name(&m).ok_or("the membership names no member")?.to_string();
                Ok(Desired::Member { parent: needs(ParamKey::Parent)?, member, membership: m })
            }
            (Phase::Update, None, Memberships::One(m)) => {
                let role = at(m).get("role").and_then(Value::as_str).map(str::to_string);
                Ok(Desired::Role { name: needs(ParamKey::Name)?, role: role.ok_or("the membership sets no role")? })
            }
            (Phase::Update, None, Memberships::None) => Ok(Desired::CompleteImport { name: needs(ParamKey::Name)? }),
            // What is removed is what the call answers with: a Membership, or
            // nothing (a space, with everything in it).
            (Phase::Delete, None, _) if spec.answer == Answer::Membership => {
                Ok(Desired::RemoveMember { name: needs(ParamKey::Name)? })
            }
            (Phase::Delete, None, _) => Ok(Desired::DeleteSpace { name: needs(ParamKey::Name)? }),
            _ => Err(format!("chatlint cannot plan {} requests yet", spec.name)),
        }
    }

    /// The resource the file acts on, as far as the file says
    /// (`spaces/AAA`, `spaces/AAA/members/ana@example.com`; a new space by
    /// its display name).
    pub fn target(&self) -> String {
        match self {
            Desired::NewSpace { space, .. } => match space.get("displayName").and_then(Value::as_str) {
                Some(name) => format!("space {}", serde_json::Value::from(name)),
                None => "a space without a display name".into(),
            },
            Desired::Patch { name, .. } => name.clone(),
            Desired::Member { parent, member, .. } => format!("{parent}/members/{}", member_alias(member)),
            Desired::Role { name, .. }
            | Desired::RemoveMember { name }
            | Desired::DeleteSpace { name }
            | Desired::CompleteImport { name } => name.clone(),
        }
    }
}

/// Who a membership names: `member.name` (`users/…`) or
/// `groupMember.name` (`groups/…`).
pub fn member_name(membership: &Value) -> Option<&str> {
    membership.pointer("/member/name").or_else(|| membership.pointer("/groupMember/name")).and_then(Value::as_str)
}

/// The id `spaces.members.get` takes for a member: `users/ana@example.com`
/// → `ana@example.com` (the email alias), `users/123` → `123`; a group keeps
/// its `groups/` name.
pub fn member_alias(member: &str) -> &str {
    member.strip_prefix("users/").unwrap_or(member)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatlint_engine::{Method, parse_document};

    fn read(text: &str, method: Method, params: Params) -> Result<Desired, String> {
        Desired::read(&parse_document(text, method).unwrap(), &params)
    }

    #[test]
    fn a_patch_request_message_carries_its_name_and_mask() {
        let text =
            r#"{"space": {"name": "spaces/AAA", "displayName": "Eng"}, "updateMask": "displayName, space_details"}"#;
        let d = read(text, Method::Patch, Params::default()).unwrap();
        let Desired::Patch { name, mask, space } = d else { panic!("{d:?}") };
        assert_eq!((name.as_str(), mask), ("spaces/AAA", vec!["display_name".to_string(), "space_details".into()]));
        assert_eq!(space["displayName"], "Eng");
    }

    #[test]
    fn a_bare_body_takes_its_parameters_from_outside() {
        let params = Params { parent: Some("spaces/AAA".into()), ..Params::default() };
        let d =
            read(r#"{"member": {"name": "users/ana@example.com", "type": "HUMAN"}}"#, Method::MembersCreate, params);
        let membership = serde_json::json!({"member": {"name": "users/ana@example.com", "type": "HUMAN"}});
        let member = "users/ana@example.com".to_string();
        assert_eq!(d, Ok(Desired::Member { parent: "spaces/AAA".into(), member, membership }));
        let none = read(r#"{"member": {"name": "users/ana@example.com"}}"#, Method::MembersCreate, Params::default());
        assert_eq!(none, Err("no `parent` is given".into()));
    }

    #[test]
    fn role_removal_deletion_and_import_files_say_their_target() {
        let role = r#"{"membership": {"name": "spaces/A/members/ana@example.com", "role": "ROLE_MANAGER"}, "updateMask": "role"}"#;
        let d = read(role, Method::MembersPatch, Params::default());
        assert_eq!(
            d,
            Ok(Desired::Role { name: "spaces/A/members/ana@example.com".into(), role: "ROLE_MANAGER".into() })
        );
        let gone = r#"{"name": "spaces/A/members/ana@example.com"}"#;
        let d = read(gone, Method::MembersDelete, Params::default());
        assert_eq!(d, Ok(Desired::RemoveMember { name: "spaces/A/members/ana@example.com".into() }));
        let d = read(r#"{"name": "spaces/A"}"#, Method::Delete, Params::default());
        assert_eq!(d, Ok(Desired::DeleteSpace { name: "spaces/A".into() }));
        let d = read(r#"{"name": "spaces/A"}"#, Method::CompleteImport, Params::default());
        assert_eq!(d, Ok(Desired::CompleteImport { name: "spaces/A".into() }));
    }

    #[test]
    fn a_new_space_is_known_by_its_request_id() {
        let text = r#"{"space": {"spaceType": "SPACE", "displayName": "Eng"}, "requestId": "r-1"}"#;
        let Ok(Desired::NewSpace { request_id, .. }) = read(text, Method::Setup, Params::default()) else { panic!() };
        assert_eq!(request_id, "r-1");
        // Without one, the id --send derives and sends.
        let doc = parse_document(r#"{"spaceType": "SPACE", "displayName": "Eng"}"#, Method::Create).unwrap();
        let Ok(Desired::NewSpace { request_id, .. }) = Desired::read(&doc, &Params::default()) else { panic!() };
        assert_eq!(request_id, doc.derived_request_id());
    }
}
