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

    /// Replaces every occurrence of this secret in `text` with
    /// `[redacted]` (for messages built from what a server answered, which
    /// might echo a secret back), in any encoding it may have been sent or
    /// echoed in: raw, `application/x-www-form-urlencoded` (`%XX` in either
    /// case, `+` for a space), JSON-escaped (`\/`, `\n`, `\uXXXX`…), and
    /// any mix of these (a form body echoed inside a JSON string).
    pub fn redact_in(&self, text: &str) -> String {
        let secret = self.0.as_bytes();
        if secret.len() < 4 {
            return text.to_string();
        }
        let t = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let (mut copied, mut p) = (0, 0);
        while p < t.len() {
            let c = t[p];
            let may_start = c == secret[0] || matches!(c, b'%' | b'\\' | b'+');
            if may_start
                && text.is_char_boundary(p)
                && let Some(end) = match_encoded(t, p, secret, 0)
                && text.is_char_boundary(end)
            {
                out.push_str(&text[copied..p]);
                out.push_str("[redacted]");
                copied = end;
                p = end;
            } else {
                p += 1;
            }
        }
        out.push_str(&text[copied..]);
        out
    }
}

/// Where an encoding of `secret[j..]` that starts at `t[p]` ends, if one
/// does. Each secret byte may appear literally, as `%XX`, as `+` (for a
/// space), or inside a JSON escape; only `%` and `\` are ambiguous (a
/// literal or the start of an escape), and only they try both.
fn match_encoded(t: &[u8], mut p: usize, secret: &[u8], mut j: usize) -> Option<usize> {
    while j < secret.len() {
        let b = secret[j];
        let c = *t.get(p)?;
        if c == b'%'
            && let Some(v) = hex_byte(t.get(p + 1..p + 3)?)
            && v == b
        {
            if b != b'%' {
                p += 3;
                j += 1;
                continue;
            }
            if let Some(end) = match_encoded(t, p + 3, secret, j + 1) {
                return Some(end);
            }
        }
        if c == b'\\'
            && let Some((decoded, len)) = json_escape(t, p)
            && secret[j..].starts_with(decoded.as_bytes())
        {
            if b != b'\\' {
                p += len;
                j += decoded.len();
                continue;
            }
            if let Some(end) = match_encoded(t, p + len, secret, j + decoded.len()) {
                return Some(end);
            }
        }
        if c == b || (b == b' ' && c == b'+') {
            p += 1;
            j += 1;
            continue;
        }
        return None;
    }
    Some(p)
}

/// `2F` or `2f` → 0x2F.
fn hex_byte(two: &[u8]) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(two[0])? * 16 + digit(two[1])?) as u8)
}

/// The character a JSON escape at `t[p]` (a backslash) stands for, and the
/// escape's length: `\/`, `\n`…, `\uXXXX`, or a `\uD83D\uDE00` pair.
fn json_escape(t: &[u8], p: usize) -> Option<(String, usize)> {
    let letter = *t.get(p + 1)?;
    let simple = match letter {
        b'u' => {
            let unit = |at: usize| -> Option<u32> {
                let hex = std::str::from_utf8(t.get(at..at + 4)?).ok()?;
                u32::from_str_radix(hex, 16).ok()
            };
            let first = unit(p + 2)?;
            if (0xD800..0xDC00).contains(&first) && t.get(p + 6..p + 8) == Some(b"\\u") {
                let second = unit(p + 8)?;
                let c = char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second.checked_sub(0xDC00)?))?;
                return Some((c.to_string(), 12));
            }
            return Some((char::from_u32(first)?.to_string(), 6));
        }
        _ => chatlint_engine::json::simple_escape(letter)?,
    };
    Some((simple.to_string(), 2))
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

    #[test]
    fn redacts_every_encoding() {
        let s = Secret::new("1//ab+c d=é😀%\\x\n");
        for echo in [
            "1//ab+c d=é😀%\\x\n",
            // form-encoded, upper and lower case
            "1%2F%2Fab%2Bc+d%3D%C3%A9%F0%9F%98%80%25%5Cx%0A",
            "1%2f%2fab%2bc+d%3d%c3%a9%f0%9f%98%80%25%5cx%0a",
            // JSON-escaped: serde's, with `\/`, and every character as \u
            "1//ab+c d=é😀%\\\\x\\n",
            "1\\/\\/ab+c d=é😀%\\\\x\\n",
            "\\u0031\\u002f\\u002Fab\\u002bc\\u0020d\\u003d\\u00e9\\ud83d\\ude00\\u0025\\u005cx\\u000a",
            // a form body echoed in a JSON string
            "1%2F%2Fab%2Bc+d%3D\\u00e9😀%25%5Cx%0A",
        ] {
            let text = format!("<{echo}>");
            assert_eq!(s.redact_in(&text), "<[redacted]>", "{echo}");
        }
        assert_eq!(s.redact_in("1//ab+c d=é😀% x"), "1//ab+c d=é😀% x", "a near miss stays");
        let jwt = Secret::new("eyJhbGci.eyJpc3Mi.c2lnbmF0dXJl-_");
        assert_eq!(
            jwt.redact_in("assertion=eyJhbGci.eyJpc3Mi.c2lnbmF0dXJl-_&x=eyJhbGci.eyJpc3Mi.c2lnbmF0dXJl-_"),
            "assertion=[redacted]&x=[redacted]"
        );
        let pem = Secret::new("-----BEGIN PRIVATE KEY-----\nMIIE+/w==\n-----END PRIVATE KEY-----\n");
        let echoed = serde_json::to_string(pem.expose()).unwrap();
        assert_eq!(pem.redact_in(&echoed), "\"[redacted]\"");
        assert_eq!(Secret::new("%%%%%%%%").redact_in(&"%25".repeat(1000)), "[redacted]".repeat(125));
    }
}
