//! Key material in memory: 32 bytes on the heap, wiped when dropped.
//!
//! The bytes live in a `Box` so that moving a key (returning it, storing it in a struct) moves a
//! pointer, not a copy of the key that would be left behind on the stack. Key derivation and
//! unwrapping write straight into this buffer.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{CryptoError, FieldAddress, Sealed, aead};

/// Length of every symmetric key in the hierarchy (root key and case keys), in bytes.
pub(crate) const KEY_LEN: usize = 32;

/// 32 secret bytes. Not `Clone`, not `Debug`, not `Serialize`; zeroized on drop.
pub(crate) struct KeyMaterial(Box<[u8; KEY_LEN]>);

impl KeyMaterial {
    /// An all-zero buffer, to be filled by a KDF, an RNG or an unwrap.
    pub(crate) fn zeroed() -> Self {
        Self(Box::new([0u8; KEY_LEN]))
    }

    /// Fresh random key material from the operating system's RNG.
    pub(crate) fn random() -> Self {
        use rand::RngCore as _;
        let mut key = Self::zeroed();
        rand::rngs::OsRng.fill_bytes(key.bytes_mut());
        key
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    pub(crate) fn bytes_mut(&mut self) -> &mut [u8; KEY_LEN] {
        &mut self.0
    }

    /// Seals a field value at its address (the associated data). Root and case keys share it.
    pub(crate) fn seal_field(&self, at: FieldAddress<'_>, plaintext: &[u8]) -> Sealed {
        Sealed::from_sealed(aead::seal(self.bytes(), &at.associated_data(), plaintext))
    }

    /// Opens a value sealed by [`KeyMaterial::seal_field`] at the same address.
    pub(crate) fn open_field(
        &self,
        at: FieldAddress<'_>,
        sealed: &Sealed,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        aead::open(self.bytes(), &at.associated_data(), sealed.as_bytes())
    }
}

impl Drop for KeyMaterial {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for KeyMaterial {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_differ_and_are_not_zero() {
        let a = KeyMaterial::random();
        let b = KeyMaterial::random();
        assert_ne!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), &[0u8; KEY_LEN]);
    }

    #[test]
    fn zeroize_clears_the_bytes() {
        // Drop itself cannot be observed safely; check the operation it performs.
        let mut key = KeyMaterial::random();
        key.0.zeroize();
        assert_eq!(key.bytes(), &[0u8; KEY_LEN]);
    }
}
