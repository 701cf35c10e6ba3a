//! Bearer tokens: HS256 JWTs carrying the caller's identity (`http-api.md` §1.2).
//!
//! The server verifies tokens with the key from `METACORE_JWT_SECRET`; `metacore-app token`
//! mints development tokens with the same key. Only HS256 is accepted (the `alg` header is
//! checked, so `none` and asymmetric algorithms are refused). Clock leeway is 60 s.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: i64 = 60;

/// The signing key of tokens.
#[derive(Clone)]
pub struct JwtKey(Vec<u8>);

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKey(<redacted>)")
    }
}

impl JwtKey {
    /// A key from secret bytes.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        JwtKey(secret.into())
    }

    /// A random key for this process only (tokens die with it).
    pub fn random() -> Self {
        let mut bytes = Vec::with_capacity(32);
        bytes.extend_from_slice(Uuid::new_v4().as_bytes());
        bytes.extend_from_slice(Uuid::new_v4().as_bytes());
        JwtKey(bytes)
    }

    /// The key from `METACORE_JWT_SECRET`, or — with a loud warning — a random one.
    pub fn from_env() -> Self {
        match std::env::var("METACORE_JWT_SECRET") {
            Ok(secret) if !secret.is_empty() => JwtKey::new(secret),
            _ => {
                tracing::warn!(
                    "METACORE_JWT_SECRET is not set: using a random per-process secret; \
                     tokens minted elsewhere will be refused and every token dies with this process"
                );
                JwtKey::random()
            }
        }
    }

    fn mac(&self, signed: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(signed);
        mac
    }

    /// Signs `claims` as a compact HS256 JWT.
    pub fn sign(&self, claims: &Claims) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialise"));
        let signed = format!("{header}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(self.mac(signed.as_bytes()).finalize().into_bytes());
        format!("{signed}.{signature}")
    }

    /// Verifies `token` at time `now` (Unix seconds) and returns its claims.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let header: Header = decode_part(header)?;
        if header.alg != "HS256" {
            return Err(TokenError::Malformed);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        let signed = &token[..header_payload_len(token)];
        self.mac(signed.as_bytes())
            .verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let claims: Claims = decode_part(payload)?;
        // Saturating: an `exp` near `i64::MAX` (or an `nbf` near `i64::MIN`) is simply far
        // away, never wrapped around into the past (or future).
        if claims.exp.saturating_add(LEEWAY_SECS) < now {
            return Err(TokenError::Expired);
        }
        if claims
            .nbf
            .is_some_and(|nbf| nbf.saturating_sub(LEEWAY_SECS) > now)
        {
            return Err(TokenError::NotYetValid);
        }
        Ok(claims)
    }
}

fn header_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

fn decode_part<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// The claims of a metacore token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: Uuid,
    /// The organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    /// The role (compared trimmed and lowercased).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Optional e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Extra capabilities of this user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    /// Expiry (Unix seconds).
    pub exp: i64,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not three base64url parts of JSON, or not HS256.
    Malformed,
    /// The signature does not match.
    BadSignature,
    /// `exp` is past.
    Expired,
    /// `nbf` is in the future.
    NotYetValid,
}

impl TokenError {
    /// The `error.code` of the 401.
    pub fn code(self) -> &'static str {
        match self {
            TokenError::Expired => "token_expired",
            _ => "unauthorized",
        }
    }

    /// A message for the 401.
    pub fn message(self) -> &'static str {
        match self {
            TokenError::Malformed => "malformed token",
            TokenError::BadSignature => "invalid token signature",
            TokenError::Expired => "token expired",
            TokenError::NotYetValid => "token not valid yet",
        }
    }
}

/// The current Unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: Uuid::from_u128(1),
            org: Some(Uuid::from_u128(2)),
            role: Some("agent".into()),
            email: None,
            grants: vec!["tickets.index".into()],
            exp,
            iat: None,
            nbf: None,
        }
    }

    #[test]
    fn a_signed_token_verifies_and_round_trips_its_claims() {
        let key = JwtKey::new("secret");
        let token = key.sign(&claims(1_000));
        assert_eq!(key.verify(&token, 900), Ok(claims(1_000)));
    }

    #[test]
    fn expiry_honours_the_leeway() {
        let key = JwtKey::new("secret");
        let token = key.sign(&claims(1_000));
        assert!(key.verify(&token, 1_060).is_ok());
        assert_eq!(key.verify(&token, 1_061), Err(TokenError::Expired));
    }

    #[test]
    fn extreme_exp_and_nbf_neither_overflow_nor_wrap() {
        let key = JwtKey::new("secret");
        let now = 1_700_000_000;
        let far = key.sign(&claims(i64::MAX));
        assert!(key.verify(&far, now).is_ok());
        assert!(key.verify(&far, i64::MAX).is_ok());
        assert_eq!(
            key.verify(&key.sign(&claims(i64::MIN)), now),
            Err(TokenError::Expired)
        );
        assert_eq!(
            key.verify(&key.sign(&claims(0)), now),
            Err(TokenError::Expired)
        );
        assert!(key.verify(&key.sign(&claims(0)), 0).is_ok());
        assert!(key.verify(&key.sign(&claims(i64::MIN)), i64::MIN).is_ok());
        for (nbf, expected) in [
            (i64::MIN, Ok(())),
            (0, Ok(())),
            (i64::MAX, Err(TokenError::NotYetValid)),
        ] {
            let token = key.sign(&Claims {
                nbf: Some(nbf),
                ..claims(i64::MAX)
            });
            assert_eq!(key.verify(&token, now).map(|_| ()), expected, "nbf {nbf}");
        }
    }

    #[test]
    fn another_key_tampering_and_alg_none_are_refused() {
        let token = JwtKey::new("secret").sign(&claims(1_000));
        assert_eq!(
            JwtKey::new("other").verify(&token, 0),
            Err(TokenError::BadSignature)
        );
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(
            br#"{"sub":"00000000-0000-0000-0000-000000000001","role":"admin","exp":9999999999}"#,
        );
        parts[1] = &forged;
        assert_eq!(
            JwtKey::new("secret").verify(&parts.join("."), 0),
            Err(TokenError::BadSignature)
        );
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let unsigned = format!("{none}.{}.", parts[1]);
        assert_eq!(
            JwtKey::new("secret").verify(&unsigned, 0),
            Err(TokenError::Malformed)
        );
        assert_eq!(
            JwtKey::new("secret").verify("abc", 0),
            Err(TokenError::Malformed)
        );
    }
}
