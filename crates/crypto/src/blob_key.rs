//! Per-blob keys ([`BlobKey`]), derived from a case key, and the chunk AEAD they serve.
//!
//! Every stored file (blob) of a case is sealed under its own key, derived from the case key and
//! the blob's id, so the case key itself never encrypts a stream and destroying the case key
//! (purging the case) makes every blob of the case unreadable, wherever its copies are.
//!
//! ```text
//! blob key = HKDF-SHA256-Expand(PRK = case key, info, 32)
//! info     = lp("corridor/v1") || lp("blob-key") || lp(blob id)
//! lp(x)    = u64 big-endian byte length of x || x
//! ```
//!
//! The case key is 32 uniformly random bytes, so it serves as HKDF's pseudorandom key directly
//! (RFC 5869 §3.3: the extract step adds nothing to such a key). `info` uses the same injective
//! encoding as associated data, under a label no ciphertext's associated data uses.
//!
//! The derivation is part of the stored format: changing it makes existing blobs unreadable.
//!
//! The stream format itself (header, chunks, nonces, associated data) belongs to the blob
//! store; this module offers only the per-chunk XChaCha20-Poly1305 operations, so the key bytes
//! never leave this crate.
//!
//! XChaCha20-Poly1305 is computed as its definition reads (draft-irtf-cfrg-xchacha §2.3):
//! HChaCha20 of the key and the nonce's first 16 bytes gives a subkey, under which the
//! IETF ChaCha20-Poly1305 (RFC 8439) seals with the nonce `0u32 || nonce[16..24]`. The AEAD is
//! ring's, which runs over twice as fast as the pure-Rust one here; the bytes are the same, as a
//! property test checks against `chacha20poly1305`. (ring does not wipe the subkey it holds
//! for the one chunk; the blob key itself is wiped on drop.)

use chacha20::cipher::consts::U10;
use chacha20::cipher::generic_array::GenericArray;
use hkdf::Hkdf;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, Tag, UnboundKey};
use sha2::Sha256;
use zeroize::{Zeroize as _, ZeroizeOnDrop};

use crate::address::{Purpose, associated_data};
use crate::error::CryptoError;
use crate::keys::CaseKey;
use crate::secret::KeyMaterial;

/// The key of one blob, derived from its case key by [`CaseKey::blob_key`]. Never stored: it is
/// derived again whenever the blob is read.
///
/// Not `Clone`, not `Debug`, not `Serialize`; zeroized on drop.
///
/// ```compile_fail,E0277
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<corridor_crypto::BlobKey>();
/// ```
///
/// ```compile_fail,E0277
/// let key = corridor_crypto::CaseKey::generate().blob_key("blob-1");
/// println!("{key:?}");
/// ```
///
/// ```compile_fail,E0277
/// fn needs_serialize<T: serde::Serialize>() {}
/// needs_serialize::<corridor_crypto::BlobKey>();
/// ```
///
/// ```
/// fn needs_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
/// needs_zeroize_on_drop::<corridor_crypto::BlobKey>();
/// ```
#[derive(ZeroizeOnDrop)]
pub struct BlobKey {
    key: KeyMaterial,
}

impl BlobKey {
    /// XChaCha20 nonce length.
    pub const NONCE_LEN: usize = 24;
    /// Poly1305 tag length.
    pub const TAG_LEN: usize = 16;

    /// Encrypts `chunk` in place with XChaCha20-Poly1305 and returns its tag.
    ///
    /// The caller chooses the nonce and must never use one twice under the same key (the blob
    /// store uses a random prefix per blob and the chunk's index).
    pub fn seal_chunk(
        &self,
        nonce: &[u8; BlobKey::NONCE_LEN],
        associated_data: &[u8],
        chunk: &mut [u8],
    ) -> [u8; BlobKey::TAG_LEN] {
        let (key, nonce) = self.chacha(nonce);
        let tag = key
            .seal_in_place_separate_tag(nonce, Aad::from(associated_data), chunk)
            // Only fails past ChaCha20's 256 GiB keystream limit, far beyond a chunk.
            .expect("chunk too long for ChaCha20-Poly1305");
        tag.as_ref().try_into().expect("a 16-byte tag")
    }

    /// Checks `tag` and decrypts `chunk` in place. The tag is checked before anything is
    /// decrypted; on failure `chunk` is zeroed, so no unauthenticated byte is ever readable.
    pub fn open_chunk(
        &self,
        nonce: &[u8; BlobKey::NONCE_LEN],
        associated_data: &[u8],
        chunk: &mut [u8],
        tag: &[u8; BlobKey::TAG_LEN],
    ) -> Result<(), CryptoError> {
        let (key, nonce) = self.chacha(nonce);
        let opened = key.open_in_place_separate_tag(
            nonce,
            Aad::from(associated_data),
            Tag::from(*tag),
            chunk,
            0..,
        );
        match opened {
            Ok(_) => Ok(()),
            Err(_) => {
                chunk.zeroize();
                Err(CryptoError::OpenFailed)
            }
        }
    }

    /// The ChaCha20-Poly1305 key and nonce that XChaCha20-Poly1305 with `nonce` reduces to.
    fn chacha(&self, nonce: &[u8; BlobKey::NONCE_LEN]) -> (LessSafeKey, Nonce) {
        let mut subkey = chacha20::hchacha::<U10>(
            GenericArray::from_slice(self.key.bytes()),
            GenericArray::from_slice(&nonce[..16]),
        );
        let key = LessSafeKey::new(
            UnboundKey::new(&CHACHA20_POLY1305, &subkey).expect("a 32-byte ChaCha20 key"),
        );
        subkey.as_mut_slice().zeroize();
        let mut short = [0u8; 12];
        short[4..].copy_from_slice(&nonce[16..]);
        (key, Nonce::assume_unique_for_key(short))
    }
}

impl CaseKey {
    /// The key of the case's blob `blob_id` (see the module documentation). Deterministic: the
    /// same case key and id give the same key, so it is derived again to read the blob.
    pub fn blob_key(&self, blob_id: &str) -> BlobKey {
        let info = blob_key_info(blob_id);
        let hkdf = Hkdf::<Sha256>::from_prk(self.material().bytes())
            .expect("a 32-byte key is a valid HKDF-SHA256 pseudorandom key");
        let mut key = KeyMaterial::zeroed();
        hkdf.expand(&info, key.bytes_mut())
            .expect("32 bytes is within HKDF-SHA256's output limit");
        BlobKey { key }
    }
}

fn blob_key_info(blob_id: &str) -> Vec<u8> {
    associated_data(Purpose::BlobKey, &[blob_id.as_bytes()])
}

#[cfg(test)]
mod tests {
    use hmac::Mac as _;

    use super::*;

    const NONCE: [u8; BlobKey::NONCE_LEN] = [3; BlobKey::NONCE_LEN];

    proptest::proptest! {
        /// The chunk AEAD is XChaCha20-Poly1305 to the byte: what it seals is what the
        /// RustCrypto implementation seals, and each opens the other's.
        #[test]
        fn chunks_are_xchacha20_poly1305_to_the_byte(
            key in proptest::array::uniform32(proptest::prelude::any::<u8>()),
            nonce in proptest::collection::vec(proptest::prelude::any::<u8>(), 24),
            ad in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80),
            plain in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
        ) {
            use chacha20poly1305::aead::{AeadInPlace as _, KeyInit as _};
            let nonce: [u8; BlobKey::NONCE_LEN] = nonce.try_into().expect("24 bytes");
            let mut material = KeyMaterial::zeroed();
            material.bytes_mut().copy_from_slice(&key);
            let ours = BlobKey { key: material };
            let reference = chacha20poly1305::XChaCha20Poly1305::new(&key.into());

            let mut sealed = plain.clone();
            let tag = ours.seal_chunk(&nonce, &ad, &mut sealed);
            let mut expected = plain.clone();
            let expected_tag = reference
                .encrypt_in_place_detached(&nonce.into(), &ad, &mut expected)
                .expect("seal");
            proptest::prop_assert_eq!(&sealed, &expected);
            proptest::prop_assert_eq!(&tag[..], &expected_tag[..]);

            ours.open_chunk(&nonce, &ad, &mut expected, &expected_tag.into()).expect("open");
            proptest::prop_assert_eq!(&expected, &plain);
            reference
                .decrypt_in_place_detached(&nonce.into(), &ad, &mut sealed, &tag.into())
                .expect("the reference opens ours");
            proptest::prop_assert_eq!(&sealed, &plain);
        }
    }

    #[test]
    fn same_inputs_give_the_same_key() {
        let case = CaseKey::generate();
        assert_eq!(
            case.blob_key("blob-1").key.bytes(),
            case.blob_key("blob-1").key.bytes()
        );
    }

    #[test]
    fn different_blob_ids_give_different_keys() {
        let case = CaseKey::generate();
        let a = case.blob_key("blob-1");
        let b = case.blob_key("blob-2");
        assert_ne!(a.key.bytes(), b.key.bytes());
        // Never the case key itself.
        assert_ne!(a.key.bytes(), case.material().bytes());
    }

    #[test]
    fn different_case_keys_give_different_keys() {
        let a = CaseKey::generate().blob_key("blob-1");
        let b = CaseKey::generate().blob_key("blob-1");
        assert_ne!(a.key.bytes(), b.key.bytes());
    }

    #[test]
    fn derivation_is_one_hkdf_expand_block() {
        // HKDF-Expand for one 32-byte block is HMAC(PRK, info || 0x01) (RFC 5869 §2.3); this
        // pins the derivation independently of the hkdf crate.
        let case = CaseKey::generate();
        let mut info = Vec::new();
        for part in [&b"corridor/v1"[..], b"blob-key", b"blob-1"] {
            info.extend_from_slice(&(part.len() as u64).to_be_bytes());
            info.extend_from_slice(part);
        }
        info.push(1);
        let mut mac =
            <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(case.material().bytes()).unwrap();
        mac.update(&info);
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(case.blob_key("blob-1").key.bytes(), &expected);
    }

    #[test]
    fn chunks_round_trip() {
        let key = CaseKey::generate().blob_key("blob-1");
        let mut chunk = b"evidence".to_vec();
        let tag = key.seal_chunk(&NONCE, b"ad", &mut chunk);
        assert_ne!(&chunk[..], b"evidence");
        key.open_chunk(&NONCE, b"ad", &mut chunk, &tag).unwrap();
        assert_eq!(&chunk[..], b"evidence");
    }

    #[test]
    fn wrong_key_nonce_data_or_tag_fails_and_zeroes() {
        let case = CaseKey::generate();
        let key = case.blob_key("blob-1");
        let mut sealed = b"evidence".to_vec();
        let tag = key.seal_chunk(&NONCE, b"ad", &mut sealed);

        let mut other_nonce = NONCE;
        other_nonce[23] ^= 1;
        let mut other_tag = tag;
        other_tag[0] ^= 1;
        let fails_and_zeroes = |key: &BlobKey, nonce: &[u8; 24], ad: &[u8], tag: &[u8; 16]| {
            let mut chunk = sealed.clone();
            assert_eq!(
                key.open_chunk(nonce, ad, &mut chunk, tag),
                Err(CryptoError::OpenFailed)
            );
            assert_eq!(chunk, [0u8; 8]);
        };
        fails_and_zeroes(&case.blob_key("blob-2"), &NONCE, b"ad", &tag);
        fails_and_zeroes(&key, &other_nonce, b"ad", &tag);
        fails_and_zeroes(&key, &NONCE, b"ae", &tag);
        fails_and_zeroes(&key, &NONCE, b"ad", &other_tag);
    }
}
