//! Profiles: the documented limits of one API revision, from
//! `rules/profiles.toml` (turned into Rust by `build.rs`).

/// One API revision's limits.
#[derive(Debug)]
pub struct Profile {
    pub name: &'static str,
    pub summary: &'static str,
    pub source: &'static str,
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
    /// spaces.patch's `permission_settings` paths work with `useAdminAccess`
    /// (the older reference: "`permissionSettings` is not supported with
    /// `useAdminAccess`").
    pub admin_permission_settings: bool,
    /// Fields (message, field) this revision does not know.
    pub missing_fields: &'static [(&'static str, &'static str)],
}

include!(concat!(env!("OUT_DIR"), "/profiles.rs"));

impl Profile {
    pub fn by_name(name: &str) -> Result<&'static Profile, String> {
        PROFILES.iter().find(|p| p.name == name).ok_or_else(|| {
            let known: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
            format!("unknown profile `{name}` (known: {})", known.join(", "))
        })
    }

    pub fn default_profile() -> &'static Profile {
        &PROFILES[DEFAULT_PROFILE]
    }

    /// Every profile, by name.
    pub fn all() -> impl Iterator<Item = &'static Profile> {
        PROFILES.iter()
    }

    pub fn knows(&self, message: &str, field: &str) -> bool {
        !self.missing_fields.contains(&(message, field))
    }
}

impl PartialEq for Profile {
    fn eq(&self, other: &Profile) -> bool {
        self.name == other.name
    }
}
