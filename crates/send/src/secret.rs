//! A string that must never be shown: access tokens, refresh tokens, client
//! secrets, private keys, signed assertions.
//!
//! `Secret` has no `Display` and no `Serialize`; its `Debug` prints a fixed
//! placeholder, so a `{:?}` of any struct holding one stays clean. The only
//! way to the text is [`Secret::expose`], used where the secret is written
//! into a request.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret text, for putting it in a request. Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Replaces every occurrence of this secret in `text` (for messages
    /// built from what a server answered, which might echo a secret back).
    pub fn redact_in(&self, text: &str) -> String {
        if self.0.len() < 4 || !text.contains(&self.0) {
            return text.to_string();
        }
        text.replace(&self.0, "[redacted]")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_text() {
        let s = Secret::new("ya29.very_secret_value");
        let shown = format!("{s:?} {:#?}", Some(&s));
        assert!(!shown.contains("very_secret"), "{shown}");
    }

    #[test]
    fn redacts_echoes() {
        let s = Secret::new("abcdef123");
        assert_eq!(s.redact_in("token abcdef123 refused"), "token [redacted] refused");
    }
}
