//! The one error type of the crate.
//!
//! Messages are fixed strings: they never carry key bytes, plaintext, ciphertext, passphrases or
//! addresses, so an error can be logged or shown without leaking anything.

/// Why a cryptographic operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The passphrase does not unlock the keyring (or the keyring header was altered: the two
    /// cannot be told apart, by design).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Authentication failed: wrong key, wrong address, or the value was moved or altered.
    #[error("a sealed value failed to open: wrong key, or it was moved or altered")]
    OpenFailed,
    /// The bytes are not shaped like a sealed value (too short, wrong length).
    #[error("malformed sealed value")]
    Malformed,
    /// The format version byte (of a sealed value, wrapped key or keyring header) is unknown.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u8),
    /// Key-derivation or password-hashing parameters or salt are out of range, or a stored
    /// password hash is not one this crate makes.
    #[error("invalid key-derivation parameters: {0}")]
    InvalidParams(&'static str),
    /// An input cannot be processed (for example, too long for a QR code).
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
}
