//! Ed25519 signatures over bundles (`runtime.md` §10.3).
//!
//! What is signed is the SHA-256 digest — the 32 raw bytes — of the exact `.tar.gz`.
//! Verification is strict (non-canonical and small-order encodings are rejected). A
//! signature is written as 128 hex characters; it is read as hex or standard base64, bare
//! or inside the JSON detached-signature document of §10.3.

use std::collections::BTreeMap;

use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::Deserialize;

use crate::{sha256, Bundle, BundleError, MANIFEST_PATH};

/// Why a key could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

/// An Ed25519 signing key. Its text form (the `.key` file) is the 32-byte seed in hex.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A new key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| KeyError(format!("no randomness available: {e}")))?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    /// Parses the text form: 64 hex characters, surrounding whitespace ignored.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Ok(SecretKey(SigningKey::from_bytes(&hex32(
            text,
            "secret key",
        )?)))
    }

    /// The text form: the seed in lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs the bundle `bytes`: Ed25519 over their SHA-256 digest.
    pub fn sign(&self, bytes: &[u8]) -> Signature {
        Signature(self.0.sign(&sha256(bytes)))
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SecretKey")
            .field(&self.public_key())
            .finish()
    }
}

/// An Ed25519 public key: exactly 32 bytes, written in hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses 64 hex characters (surrounding whitespace ignored) that encode a valid point
    /// canonically; small-order (weak) keys are refused.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let bytes = hex32(text, "public key")?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| KeyError("the public key is not a valid Ed25519 point".to_string()))?;
        if key.to_bytes() != bytes {
            return Err(KeyError(
                "the public key is not canonically encoded".to_string(),
            ));
        }
        if key.is_weak() {
            return Err(KeyError("the public key has small order".to_string()));
        }
        Ok(PublicKey(key))
    }

    /// The key in lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

fn hex32(text: &str, what: &str) -> Result<[u8; 32], KeyError> {
    let text = text.trim();
    let bytes = hex::decode(text).map_err(|_| KeyError(format!("the {what} is not hex")))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        KeyError(format!(
            "the {what} must be 32 bytes (64 hex characters), not {}",
            bytes.len()
        ))
    })
}

/// A 64-byte Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Signature(ed25519_dalek::Signature);

impl Signature {
    /// Parses a bare signature: 128 hex characters, otherwise standard base64 of 64 bytes;
    /// surrounding whitespace ignored.
    pub fn parse(text: &str) -> Result<Self, BundleError> {
        let text = text.trim();
        let bytes = if text.len() == 128 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| malformed("not hex"))?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| malformed("neither 128 hex characters nor base64"))?
        };
        let bytes = <[u8; 64]>::try_from(bytes.as_slice())
            .map_err(|_| malformed("a signature is 64 bytes"))?;
        Ok(Signature(ed25519_dalek::Signature::from_bytes(&bytes)))
    }

    /// The signature in lowercase hex (the `.sig` file format this crate writes).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }
}

fn malformed(why: &str) -> BundleError {
    BundleError::SignatureInvalid(format!("malformed signature: {why}"))
}

/// Verifies `signature` over the bundle `bytes` with `key`.
pub fn verify(key: &PublicKey, bytes: &[u8], signature: &Signature) -> Result<(), BundleError> {
    verify_digest(std::slice::from_ref(key), &sha256(bytes), signature)
}

/// Verifies `signature` over a bundle's SHA-256 `digest`; any of the trusted `keys` may
/// have made it.
pub fn verify_digest(
    keys: &[PublicKey],
    digest: &[u8; 32],
    signature: &Signature,
) -> Result<(), BundleError> {
    if keys
        .iter()
        .any(|key| key.0.verify_strict(digest, &signature.0).is_ok())
    {
        Ok(())
    } else {
        Err(BundleError::SignatureInvalid(
            "the signature does not verify with any trusted key".to_string(),
        ))
    }
}

/// A detached signature (the install upload's `signature` field): a bare signature or the
/// JSON document of §10.3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detached {
    /// The signature.
    pub signature: Signature,
    /// The signer's key identifier, informational.
    pub key_id: Option<String>,
    /// The bundle digest the document states (hex).
    pub digest: Option<String>,
    /// Entry path → hex SHA-256, when the document lists them.
    pub checksums: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct Document {
    algorithm: String,
    key_id: Option<String>,
    digest: Option<String>,
    value: String,
    checksums: Option<BTreeMap<String, String>>,
}

impl Detached {
    /// Parses a detached signature: a JSON object, otherwise a bare signature.
    pub fn parse(text: &str) -> Result<Self, BundleError> {
        let trimmed = text.trim();
        if !trimmed.starts_with('{') {
            return Ok(Detached {
                signature: Signature::parse(trimmed)?,
                key_id: None,
                digest: None,
                checksums: None,
            });
        }
        let document: Document = serde_json::from_str(trimmed)
            .map_err(|e| malformed(&format!("not a signature document: {e}")))?;
        if !document.algorithm.eq_ignore_ascii_case("ed25519") {
            return Err(BundleError::SignatureInvalid(format!(
                "unsupported algorithm `{}`",
                document.algorithm
            )));
        }
        Ok(Detached {
            signature: Signature::parse(&document.value)?,
            key_id: document.key_id,
            digest: document.digest,
            checksums: document.checksums,
        })
    }

    /// Checks the stated digest, when present, then the signature over the bundle's
    /// `digest` with the trusted `keys`. Runs before the archive is parsed.
    pub fn verify(&self, keys: &[PublicKey], digest: &[u8; 32]) -> Result<(), BundleError> {
        if let Some(claimed) = &self.digest {
            let computed = hex::encode(digest);
            if !claimed.trim().eq_ignore_ascii_case(&computed) {
                return Err(BundleError::DigestMismatch {
                    claimed: claimed.clone(),
                    computed,
                });
            }
        }
        verify_digest(keys, digest, &self.signature)
    }

    /// Checks the listed `checksums`, when present, against the read bundle: every listed
    /// path exists with that hash, and every entry except `manifest.json` is listed.
    pub fn check_checksums(&self, bundle: &Bundle) -> Result<(), BundleError> {
        let Some(checksums) = &self.checksums else {
            return Ok(());
        };
        for (path, hash) in checksums {
            let entry = bundle
                .entry(path)
                .ok_or_else(|| mismatch(path, "not in the bundle"))?;
            if !hash.trim().eq_ignore_ascii_case(&hex::encode(entry.sha256)) {
                return Err(mismatch(path, "the hash differs"));
            }
        }
        match bundle
            .entries()
            .iter()
            .find(|e| e.path != MANIFEST_PATH && !checksums.contains_key(&e.path))
        {
            Some(unlisted) => Err(mismatch(&unlisted.path, "not listed in the checksums")),
            None => Ok(()),
        }
    }
}

fn mismatch(path: &str, problem: &'static str) -> BundleError {
    BundleError::ChecksumMismatch {
        path: path.to_string(),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SecretKey {
        SecretKey::from_hex(&hex::encode([seed; 32])).unwrap()
    }

    #[test]
    fn signs_the_digest_of_the_exact_bytes() {
        let secret = key(1);
        let signature = secret.sign(b"bundle bytes");
        // The message is the 32-byte digest, so a plain Ed25519 check over it passes.
        secret
            .public_key()
            .0
            .verify_strict(&sha256(b"bundle bytes"), &signature.0)
            .unwrap();
        verify(&secret.public_key(), b"bundle bytes", &signature).unwrap();
        let err = verify(&secret.public_key(), b"bundle byteS", &signature).unwrap_err();
        assert_eq!(err.code(), "signature_invalid");
        let err = verify(&key(2).public_key(), b"bundle bytes", &signature).unwrap_err();
        assert_eq!(err.code(), "signature_invalid");
    }

    #[test]
    fn keys_round_trip_and_parse_strictly() {
        let secret = SecretKey::generate().unwrap();
        let again = SecretKey::from_hex(&format!("  {}\n", secret.to_hex())).unwrap();
        assert_eq!(again.public_key(), secret.public_key());
        let public = PublicKey::from_hex(&secret.public_key().to_hex()).unwrap();
        assert_eq!(public, secret.public_key());
        assert!(PublicKey::from_hex("abcd").is_err());
        assert!(PublicKey::from_hex(&"zz".repeat(32)).is_err());
        assert!(SecretKey::from_hex(&"00".repeat(33)).is_err());
        // y = p + 1: a non-canonical encoding of the point y = 1.
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert!(PublicKey::from_hex(&hex::encode(non_canonical)).is_err());
        assert_ne!(SecretKey::generate().unwrap().to_hex(), secret.to_hex());
    }

    #[test]
    fn small_order_keys_are_refused_by_strict_verification() {
        // The identity point: a small-order key that "verifies" the all-identity signature
        // under lax rules.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut sig = [0u8; 64];
        sig[0] = 1;
        assert!(PublicKey::from_hex(&hex::encode(identity)).is_err());
        let key = PublicKey(VerifyingKey::from_bytes(&identity).unwrap());
        let signature = Signature(ed25519_dalek::Signature::from_bytes(&sig));
        let digest = sha256(b"anything");
        assert!(ed25519_dalek::Verifier::verify(&key.0, &digest, &signature.0).is_ok());
        assert!(verify(&key, b"anything", &signature).is_err());
    }

    #[test]
    fn signatures_parse_as_hex_or_base64() {
        let signature = key(3).sign(b"x");
        let hex_text = signature.to_hex();
        assert_eq!(
            Signature::parse(&format!("{hex_text}\n")).unwrap(),
            signature
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode(signature.0.to_bytes());
        assert_eq!(Signature::parse(&b64).unwrap(), signature);
        for bad in ["", "abc", &hex_text[..126]] {
            assert_eq!(
                Signature::parse(bad).unwrap_err().code(),
                "signature_invalid"
            );
        }
    }

    #[test]
    fn detached_documents_check_algorithm_and_digest() {
        let secret = key(4);
        let bytes = b"tarball";
        let digest = sha256(bytes);
        let value = secret.sign(bytes).to_hex();
        let keys = [secret.public_key()];
        let doc = format!(
            r#"{{"algorithm": "Ed25519", "key_id": "k1", "digest": "{}", "value": "{value}"}}"#,
            hex::encode(digest)
        );
        let detached = Detached::parse(&doc).unwrap();
        assert_eq!(detached.key_id.as_deref(), Some("k1"));
        detached.verify(&keys, &digest).unwrap();
        Detached::parse(&value)
            .unwrap()
            .verify(&keys, &digest)
            .unwrap();

        let wrong_digest = format!(
            r#"{{"algorithm": "ed25519", "digest": "{}", "value": "{value}"}}"#,
            "00".repeat(32)
        );
        let err = Detached::parse(&wrong_digest)
            .unwrap()
            .verify(&keys, &digest);
        assert_eq!(err.unwrap_err().code(), "digest_mismatch");
        let rsa = format!(r#"{{"algorithm": "rsa", "value": "{value}"}}"#);
        assert_eq!(
            Detached::parse(&rsa).unwrap_err().code(),
            "signature_invalid"
        );
    }

    #[test]
    fn checksums_must_cover_every_entry_but_the_manifest() {
        let inputs = vec![
            crate::Input {
                path: "manifest.json".into(),
                bytes: b"{}".to_vec(),
            },
            crate::Input {
                path: "README.md".into(),
                bytes: b"hi".to_vec(),
            },
        ];
        let bundle = crate::read(crate::write(&inputs).unwrap().as_slice()).unwrap();
        let sig = key(5).sign(b"").to_hex();
        let with = |checksums: &str| {
            Detached::parse(&format!(
                r#"{{"algorithm": "ed25519", "value": "{sig}", "checksums": {checksums}}}"#
            ))
            .unwrap()
            .check_checksums(&bundle)
        };
        let readme = hex::encode(sha256(b"hi"));
        with(&format!(r#"{{"README.md": "{readme}"}}"#)).unwrap();
        let err = with("{}").unwrap_err();
        assert_eq!(err.code(), "checksum_mismatch");
        assert!(err.to_string().contains("README.md"));
        let err = with(&format!(r#"{{"README.md": "{}"}}"#, "00".repeat(32))).unwrap_err();
        assert_eq!(err.code(), "checksum_mismatch");
        let err = with(&format!(
            r#"{{"README.md": "{readme}", "x.txt": "{readme}"}}"#
        ));
        assert!(err.unwrap_err().to_string().contains("x.txt"));
    }
}
