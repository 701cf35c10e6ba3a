//! The addon-bound HMAC scheme of outbound calls to an addon's webhooks (`runtime.md` §6.1).
//!
//! Key: the installation secret, 64 lowercase hex characters whose **ASCII bytes** are the
//! HMAC-SHA256 key. Message: `<timestamp>.<METHOD>.<path>.<nonce>.<hex(sha256(body))>`, where
//! `path` is the request path as sent (`/` when empty) followed by `?query` when there is one.
//! The header value is `sha256=<lowercase hex>`. [`verify`] is the receiver side, in constant
//! time, for tests and for applications that receive such calls.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Prefix of the `X-Metacore-Signature` value.
const SIGNATURE_PREFIX: &str = "sha256=";

/// What a signature covers, apart from the key.
#[derive(Debug, Clone, Copy)]
pub struct SignedParts<'a> {
    /// Unix seconds, as sent in `X-Metacore-Timestamp`.
    pub timestamp: i64,
    /// HTTP method (upper-cased when signing).
    pub method: &'a str,
    /// Path and raw query as sent (`/v1/hook?x=1`).
    pub path_and_query: &'a str,
    /// The nonce sent in `X-Metacore-Nonce`.
    pub nonce: &'a str,
    /// The exact body bytes sent.
    pub body: &'a [u8],
}

impl SignedParts<'_> {
    /// The message that is MAC'd.
    pub fn message(&self) -> String {
        let path = if self.path_and_query.is_empty() {
            "/"
        } else {
            self.path_and_query
        };
        format!(
            "{}.{}.{}.{}.{}",
            self.timestamp,
            self.method.to_ascii_uppercase(),
            path,
            self.nonce,
            hex::encode(Sha256::digest(self.body)),
        )
    }
}

fn mac(secret: &str, parts: &SignedParts<'_>) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(parts.message().as_bytes());
    mac
}

/// The `X-Metacore-Signature` header value: `sha256=<lowercase hex HMAC-SHA256>`.
pub fn sign(secret: &str, parts: &SignedParts<'_>) -> String {
    format!(
        "{SIGNATURE_PREFIX}{}",
        hex::encode(mac(secret, parts).finalize().into_bytes())
    )
}

/// True when `header` is the valid signature of `parts` under `secret` (constant time).
pub fn verify(secret: &str, parts: &SignedParts<'_>, header: &str) -> bool {
    let Some(hex_mac) = header.strip_prefix(SIGNATURE_PREFIX) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_mac) else {
        return false;
    };
    mac(secret, parts).verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn parts(body: &[u8]) -> SignedParts<'_> {
        SignedParts {
            timestamp: 1_700_000_000,
            method: "post",
            path_and_query: "/hooks/escalate?x=1",
            nonce: "7f0c1c1e-4b7a-4d6e-9a53-0d2b1f2a3c4d",
            body,
        }
    }

    #[test]
    fn message_has_the_documented_layout() {
        let message = parts(b"").message();
        assert_eq!(
            message,
            "1700000000.POST./hooks/escalate?x=1.7f0c1c1e-4b7a-4d6e-9a53-0d2b1f2a3c4d.\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn signatures_verify_and_tampering_is_detected() {
        let signature = sign(SECRET, &parts(b"{}"));
        assert!(signature.starts_with("sha256="));
        assert!(verify(SECRET, &parts(b"{}"), &signature));
        assert!(!verify(SECRET, &parts(b"{ }"), &signature));
        assert!(!verify("other", &parts(b"{}"), &signature));
        assert!(!verify(SECRET, &parts(b"{}"), "sha256=zz"));
        assert!(!verify(SECRET, &parts(b"{}"), &signature[7..]));
    }
}
