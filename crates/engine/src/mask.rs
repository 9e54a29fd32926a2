//! `updateMask`: the field paths an update (spaces.patch,
//! spaces.members.patch) changes.
//!
//! The paths each update method accepts (from the discovery document's
//! `updateMask` text: [`SPACE`], [`MEMBERSHIP`]; the method table says which
//! a method takes) and what each means,
//! and a mask read from a request: each path with where it is in the file,
//! so a finding lands on the path inside the string, not on the whole
//! string. The documents write paths in snake_case and in lowerCamelCase
//! (`display_name`, `permission_settings.manageMembersAndGroups`); both are
//! accepted and compared segment by segment in snake_case.

use crate::diagnostic::TextRange;
use crate::model::to_snake_case;

/// Paths that must be alone in a mask (with their own kind), by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Combines with any other path of this group.
    Free,
    /// `space_history_state`: alone.
    History,
    /// `access_settings.audience`: alone.
    Audience,
    /// `access_settings.access_permission_settings…`: only with each other
    /// (and the view-membership pairing).
    AccessPermission,
    /// `permission_settings…`: only with each other (and the pairing).
    Permission,
}

/// A path an update method accepts.
#[derive(Debug)]
pub struct Path {
    /// Normalised: snake_case segments.
    pub path: &'static str,
    /// As the documents write it.
    pub documented: &'static str,
    /// The field it updates, as a JSON pointer below the updated resource
    /// (the Space, the Membership); `""` for `*`, every field.
    pub body: &'static str,
    pub group: Group,
    /// Allowed with `useAdminAccess` (in the current revision).
    pub admin: bool,
    /// A heading whose sub-paths the documents list; alone, whether it is
    /// accepted is not documented.
    pub heading: bool,
    /// What updating it does, from the documents.
    pub what: &'static str,
}

const fn path(
    path: &'static str,
    documented: &'static str,
    body: &'static str,
    group: Group,
    admin: bool,
    what: &'static str,
) -> Path {
    Path { path, documented, body, group, admin, heading: false, what }
}

const fn heading(path: &'static str, body: &'static str, group: Group, admin: bool, what: &'static str) -> Path {
    Path { path, documented: path, body, group, admin, heading: true, what }
}

const PERMISSION: &str = "Replaces this permission setting of an existing space (when updating permission settings, you can only specify `permissionSettings` field masks).";

/// Every path spaces.patch accepts (docs/constraints.md, "The update mask paths").
pub static PATHS: [Path; 18] = [
    path(
        "space_details",
        "space_details",
        "/spaceDetails",
        Group::Free,
        true,
        "Updates the space's description and guidelines. You must pass both description and guidelines in the update request as `SpaceDetails`.",
    ),
    path(
        "display_name",
        "display_name",
        "/displayName",
        Group::Free,
        true,
        "Only supports updating the display name for spaces where `spaceType` field is `SPACE`.",
    ),
    path(
        "space_type",
        "space_type",
        "/spaceType",
        Group::Free,
        false,
        "Only supports changing a `GROUP_CHAT` space type to `SPACE`. Include `display_name` together with `space_type` in the update mask. Not supported with `useAdminAccess`.",
    ),
    path(
        "space_history_state",
        "space_history_state",
        "/spaceHistoryState",
        Group::History,
        false,
        "Turns history on or off for the space. To update the space history state, you must omit all other field masks. Not supported with `useAdminAccess`.",
    ),
    path(
        "access_settings.audience",
        "access_settings.audience",
        "/accessSettings/audience",
        Group::Audience,
        false,
        "Updates who can discover the space, join it, and preview its messages. Omit all other field masks; omitting a value removes the audience. Not supported with `useAdminAccess`.",
    ),
    heading(
        "access_settings.access_permission_settings",
        "/accessSettings/accessPermissionSettings",
        Group::AccessPermission,
        false,
        "Updates who can discover and join the space; the documented field masks are its sub-paths. Omit all other field masks. Not supported with `useAdminAccess`.",
    ),
    path(
        "access_settings.access_permission_settings.discover_space_setting",
        "access_settings.access_permission_settings.discoverSpaceSetting",
        "/accessSettings/accessPermissionSettings/discoverSpaceSetting",
        Group::AccessPermission,
        false,
        "Who can discover the space. Principals allowed to join the space must also be allowed to discover it.",
    ),
    path(
        "access_settings.access_permission_settings.join_space_setting",
        "access_settings.access_permission_settings.joinSpaceSetting",
        "/accessSettings/accessPermissionSettings/joinSpaceSetting",
        Group::AccessPermission,
        false,
        "Who can join the space. Principals allowed to join the space must also be allowed to discover it.",
    ),
    path(
        "access_settings.access_permission_settings.view_space_membership_setting",
        "access_settings.access_permission_settings.viewSpaceMembershipSetting",
        "/accessSettings/accessPermissionSettings/viewSpaceMembershipSetting",
        Group::AccessPermission,
        false,
        "Who can view space membership. Must be specified together with `permission_settings.viewSpaceMembership` in the update mask and request body.",
    ),
    heading(
        "permission_settings",
        "/permissionSettings",
        Group::Permission,
        true,
        "Replaces the space's permission settings; the documented field masks are its sub-paths. When updating permission settings, you can only specify `permissionSettings` field masks.",
    ),
    path(
        "permission_settings.manage_members_and_groups",
        "permission_settings.manageMembersAndGroups",
        "/permissionSettings/manageMembersAndGroups",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.modify_space_details",
        "permission_settings.modifySpaceDetails",
        "/permissionSettings/modifySpaceDetails",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.toggle_history",
        "permission_settings.toggleHistory",
        "/permissionSettings/toggleHistory",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.use_at_mention_all",
        "permission_settings.useAtMentionAll",
        "/permissionSettings/useAtMentionAll",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.manage_apps",
        "permission_settings.manageApps",
        "/permissionSettings/manageApps",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.manage_webhooks",
        "permission_settings.manageWebhooks",
        "/permissionSettings/manageWebhooks",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.reply_messages",
        "permission_settings.replyMessages",
        "/permissionSettings/replyMessages",
        Group::Permission,
        true,
        PERMISSION,
    ),
    path(
        "permission_settings.view_space_membership",
        "permission_settings.viewSpaceMembership",
        "/permissionSettings/viewSpaceMembership",
        Group::Permission,
        true,
        "Who can view space membership. Must be specified together with `access_settings.access_permission_settings.viewSpaceMembershipSetting` in the update mask and request body.",
    ),
];

/// The pairing the documents allow across the two exclusive groups.
/// The paths one update method accepts, and the message they update.
#[derive(Debug)]
pub struct Paths {
    pub method: &'static str,
    /// The updated message (`Space`).
    pub message: &'static str,
    pub list: &'static [Path],
}

impl Paths {
    /// The accepted path with this normalised spelling.
    pub fn find(&self, normalized: &str) -> Option<&'static Path> {
        self.list.iter().find(|p| p.path == normalized)
    }

    /// The accepted path that updates the field at `pointer`.
    pub fn for_body(&self, pointer: &str) -> Option<&'static Path> {
        self.list.iter().find(|p| p.body == pointer)
    }
}

/// spaces.patch's paths.
pub static SPACE: Paths = Paths { method: "spaces.patch", message: "Space", list: &PATHS };

/// spaces.members.patch's paths: "Currently supported field paths: - `role`",
/// and "use `*` to update all field paths".
pub static MEMBERSHIP: Paths = Paths { method: "spaces.members.patch", message: "Membership", list: &MEMBERSHIP_PATHS };

static MEMBERSHIP_PATHS: [Path; 2] = [
    path(
        "role",
        "role",
        "/role",
        Group::Free,
        true,
        "Changes the member's role in the space: `ROLE_MEMBER` (Member), `ROLE_ASSISTANT_MANAGER` (Manager) or `ROLE_MANAGER` (Owner).",
    ),
    path("*", "*", "", Group::Free, true, "Updates all field paths (for a membership, `role` is the only one)."),
];

pub const VIEW_SETTING: &str = "access_settings.access_permission_settings.view_space_membership_setting";
pub const VIEW_PERMISSION: &str = "permission_settings.view_space_membership";

/// `displayName.x` → `display_name.x`; a segment already in snake_case
/// stays as it is.
pub fn normalize(path: &str) -> String {
    path.split('.').map(to_snake_case).collect::<Vec<_>>().join(".")
}

/// The accepted path a normalised path names.
pub fn find(normalized: &str) -> Option<&'static Path> {
    SPACE.find(normalized)
}

/// The accepted path whose body field is at `pointer` (below the Space).
pub fn for_body(pointer: &str) -> Option<&'static Path> {
    SPACE.for_body(pointer)
}

/// Where a mask came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The file: the string at this pointer.
    File(String),
    /// The config or the command line.
    Given,
    /// Nowhere: chatlint assumes the fields the body sets.
    Assumed,
}

/// One path of a mask.
#[derive(Clone, Debug)]
pub struct MaskPath {
    /// As written.
    pub raw: String,
    /// Normalised (snake_case).
    pub normalized: String,
    /// Where it is in the file; for a mask from elsewhere, where the
    /// mask's findings go.
    pub range: TextRange,
    /// The accepted path it names, if any.
    pub known: Option<&'static Path>,
}

/// A request's update mask.
#[derive(Clone, Debug)]
pub struct Mask {
    pub paths: Vec<MaskPath>,
    pub source: Source,
    /// The paths its method accepts.
    pub table: &'static Paths,
}

impl Mask {
    /// Reads a mask string. `raw` is its JSON string token as written in the
    /// file (quotes included) and `start` the token's offset, so that each
    /// path gets its own range even when the string has escapes; for a mask
    /// from elsewhere, `raw` is `None` and every path gets `anchor`.
    pub fn read(
        text: &str,
        raw: Option<(&str, usize)>,
        anchor: TextRange,
        source: Source,
        table: &'static Paths,
    ) -> Mask {
        // (decoded character, byte range in the file) of the string's characters.
        let chars: Vec<(char, TextRange)> = match raw {
            Some((token, start)) => decode_with_offsets(token, start),
            None => text.chars().map(|c| (c, anchor)).collect(),
        };
        let mut paths = Vec::new();
        let mut begin = 0;
        for i in 0..=chars.len() {
            if i < chars.len() && chars[i].0 != ',' {
                continue;
            }
            let part = &chars[begin..i];
            let raw_path: String = part.iter().map(|(c, _)| *c).collect();
            let range = match (part.first(), part.last()) {
                (Some(first), Some(last)) if raw.is_some() => TextRange::new(first.1.start, last.1.end),
                // An empty path: the comma (or the string's end) it sits at.
                _ if raw.is_some() => chars.get(i).or(chars.last()).map_or(anchor, |(_, r)| *r),
                _ => anchor,
            };
            let normalized = normalize(&raw_path);
            let known = table.find(&normalized);
            paths.push(MaskPath { raw: raw_path, normalized, range, known });
            begin = i + 1;
        }
        // `""` is no mask at all, not one empty path.
        if text.is_empty() {
            paths.clear();
        }
        Mask { paths, source, table }
    }

    /// Whether the mask has this accepted path (normalised).
    pub fn has(&self, normalized: &str) -> bool {
        self.paths.iter().any(|p| p.normalized == normalized)
    }

    /// Whether the mask covers the Space field at `pointer`: a path names it
    /// or one of its parents.
    pub fn covers(&self, pointer: &str) -> bool {
        self.paths
            .iter()
            .filter_map(|p| p.known)
            .any(|k| pointer.strip_prefix(k.body).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
    }

    /// The mask as it is written, comma-separated.
    pub fn text(&self) -> String {
        self.paths.iter().map(|p| p.raw.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// The characters of a JSON string token (quotes included) with the file
/// range each comes from (an escape's whole `\uXXXX` for one character).
fn decode_with_offsets(token: &str, start: usize) -> Vec<(char, TextRange)> {
    let inner = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(token);
    let base = start + usize::from(token.starts_with('"'));
    let mut out = Vec::new();
    let mut iter = inner.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c != '\\' {
            out.push((c, TextRange::new(base + i, base + i + c.len_utf8())));
            continue;
        }
        let Some((_, e)) = iter.next() else { break };
        let (decoded, end) = match e {
            'u' => {
                let hex: String = (0..4).filter_map(|_| iter.next().map(|(_, h)| h)).collect();
                let end = i + 2 + hex.len();
                (u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}'), end)
            }
            'n' => ('\n', i + 2),
            't' => ('\t', i + 2),
            'r' => ('\r', i + 2),
            'b' => ('\u{8}', i + 2),
            'f' => ('\u{c}', i + 2),
            other => (other, i + 2),
        };
        out.push((decoded, TextRange::new(base + i, base + end)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_both_spellings_with_their_ranges() {
        let token = r#""displayName,space_details,permission_settings.manageApps,""#;
        let m = Mask::read(
            "displayName,space_details,permission_settings.manageApps,",
            Some((token, 10)),
            TextRange::default(),
            Source::Given,
            &SPACE,
        );
        let names: Vec<&str> = m.paths.iter().map(|p| p.normalized.as_str()).collect();
        assert_eq!(names, ["display_name", "space_details", "permission_settings.manage_apps", ""]);
        assert!(m.paths[..3].iter().all(|p| p.known.is_some()));
        assert_eq!(m.paths[0].range, TextRange::new(11, 22));
        assert_eq!(m.paths[1].range, TextRange::new(23, 36));
        assert!(
            m.covers("/permissionSettings/manageApps/membersAllowed")
                && !m.covers("/permissionSettings/manageWebhooks")
        );
    }

    #[test]
    fn escapes_keep_ranges_on_the_file() {
        // `\u002c` is a comma: two paths.
        let token = r#""displayName\u002cspaceDetails""#;
        let m = Mask::read("displayName,spaceDetails", Some((token, 0)), TextRange::default(), Source::Given, &SPACE);
        assert_eq!(m.paths.len(), 2);
        assert_eq!(m.paths[1].range, TextRange::new(18, 30));
        assert_eq!(&token[18..30], "spaceDetails");
    }

    #[test]
    fn every_path_is_normalised_and_unique() {
        for p in &PATHS {
            assert_eq!(normalize(p.documented), p.path);
            assert_eq!(PATHS.iter().filter(|q| q.path == p.path).count(), 1);
        }
    }
}
