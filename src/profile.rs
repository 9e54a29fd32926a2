//! Profiles: the documented limits of one API revision, loaded from
//! `rules/profiles.toml`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    #[serde(skip)]
    pub name: String,
    pub summary: String,
    pub source: String,
    pub max_memberships: usize,
    pub display_name_max: usize,
    pub description_max: usize,
    pub guidelines_max: usize,
    /// `users/{email}` is accepted as well as user IDs.
    pub email_aliases: bool,
    /// Google groups can be added to named spaces.
    pub google_groups: bool,
    /// Users outside the organisation can be invited (by email).
    pub external_users: bool,
    /// Fields (`Message.field`) this revision does not know.
    pub missing_fields: Vec<String>,
}

#[derive(Deserialize)]
struct ProfileFile {
    default: String,
    profile: BTreeMap<String, Profile>,
}

static PROFILES: LazyLock<ProfileFile> = LazyLock::new(|| {
    let mut file: ProfileFile =
        toml::from_str(include_str!("../rules/profiles.toml")).expect("rules/profiles.toml is valid");
    for (name, p) in file.profile.iter_mut() {
        p.name = name.clone();
    }
    file
});

impl Profile {
    pub fn by_name(name: &str) -> Result<&'static Profile, String> {
        PROFILES.profile.get(name).ok_or_else(|| {
            format!(
                "unknown profile `{name}` (known: {})",
                PROFILES.profile.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }

    pub fn default_profile() -> &'static Profile {
        &PROFILES.profile[&PROFILES.default]
    }

    pub fn all() -> impl Iterator<Item = &'static Profile> {
        PROFILES.profile.values()
    }

    pub fn knows(&self, message: &str, field: &str) -> bool {
        !self.missing_fields.iter().any(|f| f.split_once('.') == Some((message, field)))
    }
}
