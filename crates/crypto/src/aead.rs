//! The sealing primitive: XChaCha20-Poly1305 with a random 24-byte nonce per seal.
//!
//! Stored layout (shared by [`Sealed`](crate::Sealed), [`WrappedKey`](crate::WrappedKey) and the
//! keyring verifier):
//!
//! ```text
//! format version (1 byte, = 1) || nonce (24 bytes) || ciphertext || Poly1305 tag (16 bytes)
//! ```
//!
//! A 192-bit random nonce makes collisions negligible however many values one key seals, so
//! nonces need no counter or coordination between servers.

use chacha20poly1305::aead::{AeadInPlace as _, KeyInit as _};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use rand::RngCore as _;
use zeroize::{Zeroize as _, Zeroizing};

use crate::error::CryptoError;
use crate::secret::KEY_LEN;

/// The only format version this crate writes and reads.
pub(crate) const FORMAT_VERSION: u8 = 1;
/// XChaCha20 nonce length.
pub(crate) const NONCE_LEN: usize = 24;
/// Poly1305 tag length.
pub(crate) const TAG_LEN: usize = 16;
/// Version byte and nonce.
const PREFIX_LEN: usize = 1 + NONCE_LEN;
/// Bytes a sealed value has beyond its plaintext; also the length of an empty plaintext sealed.
pub(crate) const OVERHEAD: usize = PREFIX_LEN + TAG_LEN;

/// Checks the version byte and the minimum length of a stored value.
pub(crate) fn check_envelope(bytes: &[u8]) -> Result<(), CryptoError> {
    match bytes.first() {
        None => Err(CryptoError::Malformed),
        Some(&version) if version != FORMAT_VERSION => {
            Err(CryptoError::UnsupportedVersion(version))
        }
        Some(_) if bytes.len() < OVERHEAD => Err(CryptoError::Malformed),
        Some(_) => Ok(()),
    }
}

/// Seals `plaintext` under `key` with associated data `ad`, in the stored layout.
pub(crate) fn seal(key: &[u8; KEY_LEN], ad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);

    // Exact capacity: the buffer never reallocates, so no copy of the plaintext is left behind
    // in freed memory; the copy made here is encrypted in place.
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);

    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    let tag = cipher
        .encrypt_in_place_detached(XNonce::from_slice(&nonce), ad, &mut out[PREFIX_LEN..])
        // Only fails for a plaintext past XChaCha20's 256 GiB keystream limit.
        .expect("plaintext too long for XChaCha20-Poly1305");
    out.extend_from_slice(&tag);
    out
}

/// Opens a value in the stored layout into `out`, which must be exactly the plaintext length.
///
/// The tag is checked before anything is decrypted. On failure `out` is zeroed.
pub(crate) fn open_into(
    key: &[u8; KEY_LEN],
    ad: &[u8],
    sealed: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    check_envelope(sealed)?;
    let (prefix, rest) = sealed.split_at(PREFIX_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    if ciphertext.len() != out.len() {
        return Err(CryptoError::Malformed);
    }
    out.copy_from_slice(ciphertext);

    let cipher = XChaCha20Poly1305::new(Key::from_slice(key));
    cipher
        .decrypt_in_place_detached(
            XNonce::from_slice(&prefix[1..]),
            ad,
            out,
            Tag::from_slice(tag),
        )
        .map_err(|_| {
            out.zeroize();
            CryptoError::OpenFailed
        })
}

/// Opens a value in the stored layout into a fresh buffer that is wiped when dropped.
pub(crate) fn open(
    key: &[u8; KEY_LEN],
    ad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    check_envelope(sealed)?;
    let mut out = Zeroizing::new(vec![0u8; sealed.len() - OVERHEAD]);
    open_into(key, ad, sealed, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; KEY_LEN] = [7; KEY_LEN];

    #[test]
    fn layout_is_version_nonce_ciphertext_tag() {
        let sealed = seal(&KEY, b"ad", b"hello");
        assert_eq!(sealed.len(), OVERHEAD + 5);
        assert_eq!(sealed[0], FORMAT_VERSION);
        assert!(!sealed.windows(5).any(|w| w == b"hello"));
        assert_eq!(&open(&KEY, b"ad", &sealed).unwrap()[..], b"hello");
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let sealed = seal(&KEY, b"", b"");
        assert_eq!(sealed.len(), OVERHEAD);
        assert!(open(&KEY, b"", &sealed).unwrap().is_empty());
    }

    #[test]
    fn wrong_associated_data_or_key_fails() {
        let sealed = seal(&KEY, b"ad", b"hello");
        assert_eq!(open(&KEY, b"ae", &sealed), Err(CryptoError::OpenFailed));
        assert_eq!(
            open(&[8; KEY_LEN], b"ad", &sealed),
            Err(CryptoError::OpenFailed)
        );
    }

    #[test]
    fn open_into_checks_length_and_zeroes_on_failure() {
        let sealed = seal(&KEY, b"ad", b"hello");
        let mut short = [0u8; 4];
        assert_eq!(
            open_into(&KEY, b"ad", &sealed, &mut short),
            Err(CryptoError::Malformed)
        );
        let mut out = [0xAAu8; 5];
        assert_eq!(
            open_into(&KEY, b"other", &sealed, &mut out),
            Err(CryptoError::OpenFailed)
        );
        assert_eq!(out, [0u8; 5]);
    }

    #[test]
    fn envelope_checks() {
        assert_eq!(check_envelope(&[]), Err(CryptoError::Malformed));
        assert_eq!(
            check_envelope(&[2; OVERHEAD]),
            Err(CryptoError::UnsupportedVersion(2))
        );
        assert_eq!(
            check_envelope(&[FORMAT_VERSION; OVERHEAD - 1]),
            Err(CryptoError::Malformed)
        );
        assert_eq!(check_envelope(&[FORMAT_VERSION; OVERHEAD]), Ok(()));
    }
}
