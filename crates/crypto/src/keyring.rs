//! The keyring header and creating or unlocking the root key from a passphrase.
//!
//! The header is public: it is stored in the database and holds the salt, the Argon2id
//! parameters and a verifier — a seal of a fixed constant under the root key — so that a wrong
//! passphrase is reported as such instead of producing a key that silently fails to open
//! anything. It never holds the key.

use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use crate::address::{Purpose, associated_data};
use crate::aead::{self, OVERHEAD};
use crate::error::CryptoError;
use crate::kdf::{self, KdfParams, MIN_SALT_LEN};
use crate::keys::RootKey;

/// The fixed plaintext of the verifier.
const VERIFIER_PLAINTEXT: &[u8; 32] = b"corridor keyring verifier v1....";

/// What is stored about the root key: salt, parameters, and a verifier (an AEAD seal of a
/// fixed constant, so a wrong passphrase is detected). Never the key itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyringHeader {
    /// Header format version; [`KeyringHeader::CURRENT_VERSION`].
    pub version: u8,
    /// Argon2id parameters the key was derived with.
    pub params: KdfParams,
    /// Argon2id salt (16 random bytes when created here).
    pub salt: Vec<u8>,
    /// Seal of a fixed constant under the root key, bound to version, parameters and salt.
    pub verifier: Vec<u8>,
}

impl KeyringHeader {
    /// The only header version this crate writes and reads.
    pub const CURRENT_VERSION: u8 = 1;

    /// Length of the verifier in bytes.
    const VERIFIER_LEN: usize = OVERHEAD + VERIFIER_PLAINTEXT.len();
}

/// Associated data of the verifier: binds it to the header's version, parameters and salt.
fn verifier_associated_data(version: u8, params: &KdfParams, salt: &[u8]) -> Vec<u8> {
    let mut encoded_params = [0u8; 12];
    encoded_params[0..4].copy_from_slice(&params.memory_kib.to_be_bytes());
    encoded_params[4..8].copy_from_slice(&params.iterations.to_be_bytes());
    encoded_params[8..12].copy_from_slice(&params.parallelism.to_be_bytes());
    associated_data(
        Purpose::KeyringVerifier,
        &[&[version], &encoded_params, salt],
    )
}

impl RootKey {
    /// Creates a new root key: a new random 16-byte salt, Argon2id over the passphrase with
    /// `params`, and the header to store. Fails only with [`CryptoError::InvalidParams`].
    ///
    /// Whether the passphrase is strong enough is the caller's policy.
    pub fn create(
        passphrase: &[u8],
        params: KdfParams,
    ) -> Result<(RootKey, KeyringHeader), CryptoError> {
        params.validate()?;
        let mut salt = vec![0u8; MIN_SALT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);

        let key = RootKey::from_material(kdf::derive_key(passphrase, &salt, &params)?);
        let version = KeyringHeader::CURRENT_VERSION;
        let verifier = aead::seal(
            key.material().bytes(),
            &verifier_associated_data(version, &params, &salt),
            VERIFIER_PLAINTEXT,
        );
        let header = KeyringHeader {
            version,
            params,
            salt,
            verifier,
        };
        Ok((key, header))
    }

    /// Re-derives the root key from the passphrase and checks it against the header's verifier.
    ///
    /// Errors: [`CryptoError::UnsupportedVersion`] for an unknown header version (or verifier
    /// format), [`CryptoError::InvalidParams`] for out-of-range parameters or salt,
    /// [`CryptoError::Malformed`] for a verifier of the wrong length, and
    /// [`CryptoError::WrongPassphrase`] when the passphrase is wrong — or the salt, parameters
    /// or verifier were altered, which is indistinguishable. The cheap checks run before
    /// Argon2id.
    pub fn unlock(passphrase: &[u8], header: &KeyringHeader) -> Result<RootKey, CryptoError> {
        if header.version != KeyringHeader::CURRENT_VERSION {
            return Err(CryptoError::UnsupportedVersion(header.version));
        }
        header.params.validate()?;
        kdf::check_salt(&header.salt)?;
        aead::check_envelope(&header.verifier)?;
        if header.verifier.len() != KeyringHeader::VERIFIER_LEN {
            return Err(CryptoError::Malformed);
        }

        let key =
            RootKey::from_material(kdf::derive_key(passphrase, &header.salt, &header.params)?);
        let mut check = [0u8; VERIFIER_PLAINTEXT.len()];
        match aead::open_into(
            key.material().bytes(),
            &verifier_associated_data(header.version, &header.params, &header.salt),
            &header.verifier,
            &mut check,
        ) {
            // The tag already authenticates the constant; comparing is belt and braces.
            Ok(()) if &check == VERIFIER_PLAINTEXT => Ok(key),
            Ok(()) | Err(CryptoError::OpenFailed) => Err(CryptoError::WrongPassphrase),
            Err(other) => Err(other),
        }
    }
}
