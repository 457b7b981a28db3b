//! Corridor's key hierarchy and field sealing.
//!
//! ```text
//! passphrase ──Argon2id──► root key ──wraps──► per-case data key ──seals──► fields
//!  (operator)   (salt +     (memory only,      (stored only wrapped,        (stored sealed,
//!                params in   never stored)      bound to its case id)        bound to table,
//!                the header)                                                 column, record)
//! ```
//!
//! - The **root key** ([`RootKey`]) is derived from the operator's passphrase with Argon2id.
//!   Only a [`KeyringHeader`] is stored: the salt, the parameters and a verifier that detects a
//!   wrong passphrase. The key itself exists only in the memory of an unsealed server.
//! - Each case has its own random **data key** ([`CaseKey`]). It is stored wrapped under the
//!   root key ([`WrappedKey`]), bound to the case id, so a wrapped key copied to another case
//!   does not unwrap.
//! - Sensitive **fields** are sealed under their case's key with XChaCha20-Poly1305 and a
//!   random nonce ([`Sealed`]). The [`FieldAddress`] — table, column, record — is the
//!   associated data, so a ciphertext moved to another place fails to open. Values owned by no
//!   case are sealed the same way under the root key.
//! - **Crypto-shredding**: destroying a case's wrapped key makes every field of that case
//!   unreadable wherever its ciphertext was copied. A backup that still holds the wrapped key
//!   can still be opened with the root key: shredding reaches such a backup only when the backup
//!   expires, or when the root key it was wrapped under is retired.
//! - Each stored file (blob) of a case is sealed under a [`BlobKey`] derived from the case key
//!   and the blob's id ([`CaseKey::blob_key`]), so shredding the case key shreds its files too.
//!
//! Account credentials live here too: Argon2id password hashes ([`hash_password`],
//! [`PasswordPolicy`]), TOTP ([`TotpSecret`], RFC 6238), single-use [`RecoveryCode`]s, and
//! bearer tokens ([`SecretToken`]) that are stored only as a [`TokenDigest`].
//!
//! Key types are neither `Clone`, `Debug`, `Display` nor `Serialize`, and are zeroized on drop;
//! opened plaintext is returned in [`Zeroizing`] buffers. Errors and `Debug` output never carry
//! key bytes, plaintext or passphrases.
//!
//! ```
//! use corridor_crypto::{CaseKey, FieldAddress, KdfParams, RootKey};
//!
//! # fn main() -> Result<(), corridor_crypto::CryptoError> {
//! // Once, at `corridor init`: store the header, never the key.
//! let (root, header) = RootKey::create(b"correct horse", KdfParams::DEFAULT)?;
//!
//! // A new case: generate its key and store it wrapped.
//! let case_key = CaseKey::generate();
//! let wrapped = root.wrap(&case_key, "case-42");
//! let name = case_key.seal(FieldAddress::new("persons", "native_name", "person-7"), "Иван".as_bytes());
//!
//! // Later, at unseal: re-derive the root key, unwrap, open.
//! let root = RootKey::unlock(b"correct horse", &header)?;
//! let case_key = root.unwrap(&wrapped, "case-42")?;
//! let plain = case_key.open(FieldAddress::new("persons", "native_name", "person-7"), &name)?;
//! assert_eq!(&plain[..], "Иван".as_bytes());
//! # Ok(())
//! # }
//! ```

mod address;
mod aead;
mod blob_key;
mod error;
mod kdf;
mod keyring;
mod keys;
mod password;
mod recovery;
mod sealed;
mod secret;
mod signing;
mod token;
mod totp;

pub use address::FieldAddress;
pub use blob_key::BlobKey;
pub use error::CryptoError;
pub use kdf::KdfParams;
pub use keyring::KeyringHeader;
pub use keys::{CaseKey, RootKey};
pub use password::{
    PasswordHash, PasswordParams, PasswordPolicy, PasswordPolicyError, hash_password,
    verify_password, waste_password_work,
};
pub use recovery::{RECOVERY_CODE_COUNT, RecoveryCode, RecoveryCodeHash, generate_recovery_codes};
pub use sealed::{Sealed, WrappedKey};
pub use signing::{
    FINGERPRINT_CHARS, ORG_PUBLIC_KEY_LEN, ORG_SIGNATURE_LEN, OrgPublicKey, OrgSignature,
    OrgSigningKey, SignatureError,
};
pub use token::{SecretToken, TOKEN_CHARS, TokenDigest, TokenPurpose};
pub use totp::{TOTP_DIGITS, TOTP_SECRET_LEN, TOTP_STEP_SECONDS, TotpSecret, step_at, totp_qr_svg};
pub use zeroize::Zeroizing;
