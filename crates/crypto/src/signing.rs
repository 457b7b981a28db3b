//! An organisation's signing key ([`OrgSigningKey`], Ed25519) and what others hold of it: the
//! [`OrgPublicKey`] and [`OrgSignature`]s.
//!
//! An organisation signs what it sends out (referral dossiers) so a receiver can tell that the
//! document is the organisation's and unaltered. The secret part is a 32-byte Ed25519 seed
//! (RFC 8032): it is made from the operating system's RNG, kept in memory that is wiped on drop,
//! and leaves memory only wrapped under the root key ([`RootKey::wrap_signing_key`]), bound to
//! the organisation's id. Signing and verifying are ring's.
//!
//! Text forms, for documents and for people:
//!
//! - a public key is 64 lowercase hex digits (its 32 bytes; upper case is accepted when read);
//! - a signature is 128 lowercase hex digits (its 64 bytes);
//! - a public key's **fingerprint** is the first 16 hex digits (64 bits) of the SHA-256 of its
//!   32 bytes: short enough to read out over the phone and compare with a printed one. It names
//!   a key for people; it is not a substitute for the key when verifying.
//!
//! The wrapped seed uses the same layout and the same key-wrapping purpose as a wrapped case key
//! ([`WrappedKey`], 73 bytes), at another address: `("org_signing_keys", "ed25519_seed",
//! organisation id)` rather than `("case_keys", "wrapped_key", case id)`. The associated-data
//! encoding is injective, so a wrapped case key never unwraps as a signing key, nor the other
//! way round, and a signing key wrapped for one organisation never unwraps for another.
//!
//! ring's own key pair (the expanded private scalar) is built for each signature and dropped at
//! once; ring does not wipe it.

use std::fmt;
use std::str::FromStr;

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use sha2::{Digest as _, Sha256};
use zeroize::ZeroizeOnDrop;

use crate::address::{Purpose, associated_data};
use crate::aead;
use crate::error::CryptoError;
use crate::keys::RootKey;
use crate::sealed::WrappedKey;
use crate::secret::KeyMaterial;

/// Table and column under which wrapped signing keys are stored; bound into the wrapping AD.
const WRAP_TABLE: &str = "org_signing_keys";
const WRAP_COLUMN: &str = "ed25519_seed";

/// Length of an Ed25519 public key in bytes.
pub const ORG_PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 signature in bytes.
pub const ORG_SIGNATURE_LEN: usize = 64;
/// Hex digits in a public key's fingerprint.
pub const FINGERPRINT_CHARS: usize = 16;

/// An organisation's Ed25519 signing key: a 32-byte seed, with its public key.
///
/// Not `Clone`, not `Serialize`; the seed is zeroized on drop. `Debug` shows the public key's
/// fingerprint only.
///
/// ```compile_fail,E0277
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<corridor_crypto::OrgSigningKey>();
/// ```
///
/// ```compile_fail,E0277
/// fn needs_serialize<T: serde::Serialize>() {}
/// needs_serialize::<corridor_crypto::OrgSigningKey>();
/// ```
///
/// ```
/// fn needs_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
/// needs_zeroize_on_drop::<corridor_crypto::OrgSigningKey>();
/// ```
#[derive(ZeroizeOnDrop)]
pub struct OrgSigningKey {
    seed: KeyMaterial,
    #[zeroize(skip)]
    public: OrgPublicKey,
}

impl OrgSigningKey {
    /// A fresh key from the operating system's RNG.
    pub fn generate() -> OrgSigningKey {
        OrgSigningKey::from_seed(KeyMaterial::random())
    }

    /// The key for a seed. Every 32-byte string is a valid Ed25519 seed.
    fn from_seed(seed: KeyMaterial) -> OrgSigningKey {
        let public = OrgPublicKey(
            key_pair(&seed)
                .public_key()
                .as_ref()
                .try_into()
                .expect("an Ed25519 public key is 32 bytes"),
        );
        OrgSigningKey { seed, public }
    }

    /// The public key, to publish and to put beside what is signed.
    pub fn public_key(&self) -> OrgPublicKey {
        self.public
    }

    /// Signs `message` (Ed25519, deterministic: the same message gives the same signature).
    pub fn sign(&self, message: &[u8]) -> OrgSignature {
        let signature = key_pair(&self.seed).sign(message);
        OrgSignature(
            signature
                .as_ref()
                .try_into()
                .expect("an Ed25519 signature is 64 bytes"),
        )
    }
}

fn key_pair(seed: &KeyMaterial) -> Ed25519KeyPair {
    Ed25519KeyPair::from_seed_unchecked(seed.bytes()).expect("every 32-byte seed is a valid key")
}

impl fmt::Debug for OrgSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgSigningKey(public {})", self.public.fingerprint())
    }
}

impl RootKey {
    /// Wraps an organisation's signing key for storage, bound to `organisation_id` (as the
    /// address `("org_signing_keys", "ed25519_seed", organisation_id)` under the key-wrapping
    /// purpose): it unwraps only for that organisation, never as a case key, and never opens
    /// as a sealed field.
    pub fn wrap_signing_key(&self, key: &OrgSigningKey, organisation_id: &str) -> WrappedKey {
        let ad = signing_key_associated_data(organisation_id);
        WrappedKey::from_sealed(aead::seal(self.material().bytes(), &ad, key.seed.bytes()))
    }

    /// Unwraps a signing key wrapped by [`RootKey::wrap_signing_key`]. Fails with
    /// [`CryptoError::OpenFailed`] under another root key, for another organisation, for a
    /// wrapped case key, or if the bytes were altered.
    pub fn unwrap_signing_key(
        &self,
        wrapped: &WrappedKey,
        organisation_id: &str,
    ) -> Result<OrgSigningKey, CryptoError> {
        let ad = signing_key_associated_data(organisation_id);
        let mut seed = KeyMaterial::zeroed();
        aead::open_into(
            self.material().bytes(),
            &ad,
            wrapped.as_bytes(),
            seed.bytes_mut(),
        )?;
        Ok(OrgSigningKey::from_seed(seed))
    }
}

fn signing_key_associated_data(organisation_id: &str) -> Vec<u8> {
    associated_data(
        Purpose::WrappedCaseKey,
        &[
            WRAP_TABLE.as_bytes(),
            WRAP_COLUMN.as_bytes(),
            organisation_id.as_bytes(),
        ],
    )
}

/// Why a public key or signature was not read, or a signature did not verify. Messages are
/// fixed strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The text or bytes are not a public key (64 hex digits, 32 bytes).
    #[error("malformed public key: expected 64 hex digits")]
    MalformedPublicKey,
    /// The text or bytes are not a signature (128 hex digits, 64 bytes).
    #[error("malformed signature: expected 128 hex digits")]
    MalformedSignature,
    /// The signature is not this key's over this message.
    #[error("the signature does not verify: another key, or the message was altered")]
    BadSignature,
}

/// An organisation's Ed25519 public key: 32 bytes; as text, 64 lowercase hex digits
/// ([`Display`](fmt::Display) and [`FromStr`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrgPublicKey([u8; ORG_PUBLIC_KEY_LEN]);

impl OrgPublicKey {
    /// The key from its 32 bytes. Any 32 bytes are accepted here; a string that is not a point
    /// on the curve simply verifies nothing.
    pub fn from_bytes(bytes: &[u8]) -> Result<OrgPublicKey, SignatureError> {
        bytes
            .try_into()
            .map(OrgPublicKey)
            .map_err(|_| SignatureError::MalformedPublicKey)
    }

    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; ORG_PUBLIC_KEY_LEN] {
        &self.0
    }

    /// The first 16 lowercase hex digits of the SHA-256 of the key's bytes: a name for the key
    /// that people can compare.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0);
        let mut text = hex(&digest);
        text.truncate(FINGERPRINT_CHARS);
        text
    }

    /// Checks that `signature` is this key's over `message`.
    pub fn verify(&self, message: &[u8], signature: &OrgSignature) -> Result<(), SignatureError> {
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(message, &signature.0)
            .map_err(|_| SignatureError::BadSignature)
    }
}

impl fmt::Display for OrgPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for OrgPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgPublicKey({})", self.fingerprint())
    }
}

impl FromStr for OrgPublicKey {
    type Err = SignatureError;

    /// 64 hex digits, either case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; ORG_PUBLIC_KEY_LEN];
        unhex(text, &mut bytes)
            .then_some(OrgPublicKey(bytes))
            .ok_or(SignatureError::MalformedPublicKey)
    }
}

/// An Ed25519 signature: 64 bytes; as text, 128 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OrgSignature([u8; ORG_SIGNATURE_LEN]);

impl OrgSignature {
    /// The signature from its 64 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<OrgSignature, SignatureError> {
        bytes
            .try_into()
            .map(OrgSignature)
            .map_err(|_| SignatureError::MalformedSignature)
    }

    /// The signature's 64 bytes.
    pub fn as_bytes(&self) -> &[u8; ORG_SIGNATURE_LEN] {
        &self.0
    }
}

impl fmt::Display for OrgSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for OrgSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgSignature({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

impl FromStr for OrgSignature {
    type Err = SignatureError;

    /// 128 hex digits, either case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; ORG_SIGNATURE_LEN];
        unhex(text, &mut bytes)
            .then_some(OrgSignature(bytes))
            .ok_or(SignatureError::MalformedSignature)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// Fills `out` from exactly `2 * out.len()` hex digits; false if `text` is not that.
fn unhex(text: &str, out: &mut [u8]) -> bool {
    let digits = text.as_bytes();
    if digits.len() != 2 * out.len() {
        return false;
    }
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (Some(high), Some(low)) = (nibble(pair[0]), nibble(pair[1])) else {
            return false;
        };
        *byte = (high << 4) | low;
    }
    true
}

fn nibble(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        let mut out = [0u8; 2];
        assert!(unhex("0aFf", &mut out));
        assert_eq!(out, [0x0a, 0xff]);
        assert_eq!(hex(&out), "0aff");
        for bad in ["", "0af", "0aff0", "0ag0", " aff", "+aff", "0a\u{ff}"] {
            assert!(!unhex(bad, &mut out), "{bad:?}");
        }
    }

    #[test]
    fn the_public_key_is_the_seeds() {
        // RFC 8032 §7.1, test 1: the seed's public key and the signature of the empty message.
        let mut seed = KeyMaterial::zeroed();
        assert!(unhex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            seed.bytes_mut()
        ));
        let key = OrgSigningKey::from_seed(seed);
        assert_eq!(
            key.public_key().to_string(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            key.sign(b"").to_string(),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }
}
