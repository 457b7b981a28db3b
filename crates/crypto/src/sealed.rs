//! Ciphertexts as stored: [`Sealed`] fields and [`WrappedKey`]s.
//!
//! Both are opaque byte strings in the layout described in the `aead` module
//! (`version || nonce || ciphertext || tag`). Their `Debug` output shows only the length.

use std::fmt;

use crate::aead::{OVERHEAD, check_envelope};
use crate::error::CryptoError;
use crate::secret::KEY_LEN;

/// A sealed field value, as stored: format byte (version 1) || 24-byte XChaCha20 nonce ||
/// ciphertext and tag.
///
/// Made by `CaseKey::seal` or `RootKey::seal`, or read back from storage with
/// [`Sealed::from_bytes`]. `Debug` prints only `Sealed(<n> bytes)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

impl Sealed {
    /// Takes stored bytes back. Checks the format version and the minimum length (41 bytes:
    /// an empty plaintext); whether they open is only known when they are opened.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Sealed, CryptoError> {
        check_envelope(&bytes)?;
        Ok(Sealed(bytes))
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes to store, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Wraps bytes just produced by the sealing primitive.
    pub(crate) fn from_sealed(bytes: Vec<u8>) -> Sealed {
        debug_assert!(check_envelope(&bytes).is_ok());
        Sealed(bytes)
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

/// A case data key wrapped (sealed) under the root key, bound to its case id. Same layout as
/// [`Sealed`], always 73 bytes (the plaintext is a 32-byte key).
///
/// Deleting every copy of a case's wrapped key crypto-shreds the case. `Debug` prints only
/// `WrappedKey(<n> bytes)`.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey(Vec<u8>);

impl WrappedKey {
    /// Length of every wrapped key in bytes.
    pub const LEN: usize = OVERHEAD + KEY_LEN;

    /// Takes stored bytes back. Checks the format version and the length.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<WrappedKey, CryptoError> {
        check_envelope(&bytes)?;
        if bytes.len() != Self::LEN {
            return Err(CryptoError::Malformed);
        }
        Ok(WrappedKey(bytes))
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes to store, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Wraps bytes just produced by the sealing primitive.
    pub(crate) fn from_sealed(bytes: Vec<u8>) -> WrappedKey {
        debug_assert_eq!(bytes.len(), Self::LEN);
        WrappedKey(bytes)
    }
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WrappedKey({} bytes)", self.0.len())
    }
}
