//! The signed assertion of the OAuth 2.0 JWT bearer grant (RFC 7523), with
//! which a service account (with domain-wide delegation) acts as a user:
//! an RS256 JSON Web Token signed with the key's private key.

use super::secret::Secret;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::json;

/// What the assertion claims.
pub struct Claims<'a> {
    /// The service account's email (`iss`).
    pub issuer: &'a str,
    /// The user to act as (`sub`); none for the app's own identity.
    pub subject: Option<&'a str>,
    /// Space-separated scopes.
    pub scope: &'a str,
    /// The token URI (`aud`).
    pub audience: &'a str,
    /// Unix seconds.
    pub issued_at: u64,
}

/// Signs the assertion with a PEM private key (PKCS#8 `PRIVATE KEY`, as in
/// Google's key files, or PKCS#1 `RSA PRIVATE KEY`). Errors never contain
/// key material.
pub fn sign(claims: &Claims, key_pem: &Secret, key_id: Option<&str>) -> Result<Secret, String> {
    let key = parse_key(key_pem)?;
    let mut header = json!({ "alg": "RS256", "typ": "JWT" });
    if let Some(kid) = key_id {
        header["kid"] = json!(kid);
    }
    let mut payload = json!({
        "iss": claims.issuer,
        "scope": claims.scope,
        "aud": claims.audience,
        "iat": claims.issued_at,
        "exp": claims.issued_at + 3600,
    });
    if let Some(sub) = claims.subject {
        payload["sub"] = json!(sub);
    }
    let signing_input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(payload.to_string().as_bytes()));
    let mut sig = vec![0; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), signing_input.as_bytes(), &mut sig)
        .map_err(|_| "could not sign the service account assertion".to_string())?;
    Ok(Secret::new(format!("{signing_input}.{}", b64url(&sig))))
}

fn parse_key(pem: &Secret) -> Result<RsaKeyPair, String> {
    let text = pem.expose();
    let block = |label: &str| {
        let begin = format!("-----BEGIN {label}-----");
        let end = format!("-----END {label}-----");
        let start = text.find(&begin)? + begin.len();
        let stop = start + text[start..].find(&end)?;
        Some(&text[start..stop])
    };
    let bad = "the service account's `private_key` is not a PEM RSA private key".to_string();
    if let Some(body) = block("PRIVATE KEY") {
        let der = b64_decode(body).ok_or_else(|| bad.clone())?;
        RsaKeyPair::from_pkcs8(&der).map_err(|e| format!("{bad} ({e})"))
    } else if let Some(body) = block("RSA PRIVATE KEY") {
        let der = b64_decode(body).ok_or_else(|| bad.clone())?;
        RsaKeyPair::from_der(&der).map_err(|e| format!("{bad} ({e})"))
    } else {
        Err(bad)
    }
}

/// base64url without padding (RFC 4648 §5), as JWTs use.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64 (standard or url alphabet, padded or not), ignoring
/// whitespace, as PEM bodies and JWT parts come.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '=').collect();
    if compact.contains(['-', '_']) { URL_SAFE_NO_PAD.decode(&compact) } else { STANDARD_NO_PAD.decode(&compact) }.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

    #[test]
    fn base64_round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "\u{ff}\u{fe}?>"] {
            assert_eq!(b64_decode(&b64url(s.as_bytes())).unwrap(), s.as_bytes());
        }
        assert_eq!(b64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64_decode("Zm9v\nYmE=").unwrap(), b"fooba");
        assert_eq!(b64_decode("Zm9*"), None);
    }

    #[test]
    fn signs_a_verifiable_rs256_token() {
        let key = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&key).unwrap();
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64url(der.as_ref()));
        let claims = Claims {
            issuer: "ci@project.iam.gserviceaccount.com",
            subject: Some("alex@example.com"),
            scope: "https://www.googleapis.com/auth/chat.spaces.create",
            audience: "http://127.0.0.1:1/token",
            issued_at: 1_700_000_000,
        };
        let jwt = sign(&claims, &Secret::new(pem), Some("kid1")).unwrap();
        let parts: Vec<&str> = jwt.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value = serde_json::from_slice(&b64_decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], "kid1");
        let payload: serde_json::Value = serde_json::from_slice(&b64_decode(parts[1]).unwrap()).unwrap();
        assert_eq!(payload["sub"], "alex@example.com");
        assert_eq!(payload["exp"], 1_700_003_600u64);
        let public = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.public_key().as_ref());
        let signed = format!("{}.{}", parts[0], parts[1]);
        public.verify(signed.as_bytes(), &b64_decode(parts[2]).unwrap()).unwrap();
        assert!(format!("{jwt:?}").contains("redacted"));
    }

    #[test]
    fn a_bad_key_is_reported_without_its_text() {
        let err = sign(
            &Claims { issuer: "a", subject: None, scope: "s", audience: "u", issued_at: 0 },
            &Secret::new("-----BEGIN PRIVATE KEY-----\nSECRETSTUFF\n-----END PRIVATE KEY-----"),
            None,
        )
        .unwrap_err();
        assert!(!err.contains("SECRETSTUFF"), "{err}");
    }
}
