//! The two key types: the [`RootKey`] and per-case [`CaseKey`]s.
//!
//! Neither can be cloned, formatted, serialised or read out; both are wiped when dropped. A case
//! key leaves memory only wrapped under the root key ([`WrappedKey`]); the root key never
//! leaves memory (it is re-derived from the passphrase at unseal).

use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::address::{FieldAddress, Purpose, associated_data};
use crate::aead;
use crate::error::CryptoError;
use crate::sealed::{Sealed, WrappedKey};
use crate::secret::KeyMaterial;

/// Table and column under which wrapped case keys are stored; bound into the wrapping AD.
const WRAP_TABLE: &str = "case_keys";
const WRAP_COLUMN: &str = "wrapped_key";

/// The root of the key hierarchy: 32 bytes derived from the passphrase with Argon2id
/// (see [`RootKey::create`] and [`RootKey::unlock`]). Wraps case keys; seals values that belong
/// to no case.
///
/// Not `Clone`, not `Debug`, not `Serialize`; zeroized on drop.
///
/// ```compile_fail,E0277
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<corridor_crypto::RootKey>();
/// ```
///
/// ```compile_fail,E0277
/// fn show(key: &corridor_crypto::RootKey) -> String {
///     format!("{key:?}")
/// }
/// ```
///
/// ```compile_fail,E0277
/// fn show(key: &corridor_crypto::RootKey) -> String {
///     format!("{key}")
/// }
/// ```
///
/// ```compile_fail,E0277
/// fn needs_serialize<T: serde::Serialize>() {}
/// needs_serialize::<corridor_crypto::RootKey>();
/// ```
///
/// The same helpers compile for a type that has those traits, so the blocks above fail for the
/// reason they state:
///
/// ```
/// fn needs_clone<T: Clone>() {}
/// fn needs_serialize<T: serde::Serialize>() {}
/// fn needs_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
/// fn show(params: &corridor_crypto::KdfParams) -> String {
///     format!("{params:?}")
/// }
/// needs_clone::<corridor_crypto::KdfParams>();
/// needs_serialize::<corridor_crypto::KdfParams>();
/// needs_zeroize_on_drop::<corridor_crypto::RootKey>();
/// needs_zeroize_on_drop::<corridor_crypto::CaseKey>();
/// let _ = show(&corridor_crypto::KdfParams::DEFAULT);
/// ```
#[derive(ZeroizeOnDrop)]
pub struct RootKey {
    key: KeyMaterial,
}

impl RootKey {
    pub(crate) fn from_material(key: KeyMaterial) -> RootKey {
        RootKey { key }
    }

    /// Wraps a case data key for storage. The associated data binds it to `case_id` (as the
    /// address `("case_keys", "wrapped_key", case_id)` under the key-wrapping purpose), so it
    /// unwraps only for that case, and never opens as a sealed field.
    pub fn wrap(&self, key: &CaseKey, case_id: &str) -> WrappedKey {
        let ad = wrap_associated_data(case_id);
        WrappedKey::from_sealed(aead::seal(self.key.bytes(), &ad, key.key.bytes()))
    }

    /// Unwraps a case data key. Fails with [`CryptoError::OpenFailed`] under another root key,
    /// for another case id, or if the bytes were altered.
    pub fn unwrap(&self, wrapped: &WrappedKey, case_id: &str) -> Result<CaseKey, CryptoError> {
        let ad = wrap_associated_data(case_id);
        let mut key = KeyMaterial::zeroed();
        aead::open_into(self.key.bytes(), &ad, wrapped.as_bytes(), key.bytes_mut())?;
        Ok(CaseKey { key })
    }

    /// Seals a value under the root key itself, for records owned by no case. The address is
    /// the associated data, exactly as for [`CaseKey::seal`].
    pub fn seal(&self, at: FieldAddress<'_>, plaintext: &[u8]) -> Sealed {
        self.key.seal_field(at, plaintext)
    }

    /// Opens a value sealed by [`RootKey::seal`] at the same address.
    pub fn open(
        &self,
        at: FieldAddress<'_>,
        sealed: &Sealed,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.key.open_field(at, sealed)
    }

    /// A keyed digest of `data` for `purpose`: HMAC-SHA256 under the root key over the same
    /// injective encoding as associated data (`lp("corridor/v1") || lp("keyed-digest") ||
    /// lp(purpose) || lp(data)`). Deterministic, so it can be looked up, but without the root
    /// key it cannot be recomputed from a guess: what the store keeps instead of low-entropy
    /// identifiers it must match on (login-throttling keys: usernames as typed, addresses).
    pub fn keyed_digest(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        use hmac::Mac as _;
        let input = associated_data(Purpose::KeyedDigest, &[purpose.as_bytes(), data]);
        let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(self.key.bytes())
            .expect("HMAC accepts any key length");
        mac.update(&input);
        mac.finalize().into_bytes().into()
    }

    /// The key bytes, for sealing and checking the keyring verifier.
    pub(crate) fn material(&self) -> &KeyMaterial {
        &self.key
    }
}

fn wrap_associated_data(case_id: &str) -> Vec<u8> {
    associated_data(
        Purpose::WrappedCaseKey,
        &[
            WRAP_TABLE.as_bytes(),
            WRAP_COLUMN.as_bytes(),
            case_id.as_bytes(),
        ],
    )
}

/// A case's data key: 32 random bytes that seal the case's sensitive fields. Stored only
/// wrapped under the root key; destroying the wrapped key crypto-shreds the case.
///
/// Not `Clone`, not `Debug`, not `Serialize`; zeroized on drop.
///
/// ```compile_fail,E0277
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<corridor_crypto::CaseKey>();
/// ```
///
/// ```compile_fail,E0277
/// let key = corridor_crypto::CaseKey::generate();
/// println!("{key:?}");
/// ```
///
/// ```compile_fail,E0277
/// fn needs_serialize<T: serde::Serialize>() {}
/// needs_serialize::<corridor_crypto::CaseKey>();
/// ```
#[derive(ZeroizeOnDrop)]
pub struct CaseKey {
    key: KeyMaterial,
}

impl CaseKey {
    /// A fresh random key from the operating system's RNG.
    pub fn generate() -> CaseKey {
        CaseKey {
            key: KeyMaterial::random(),
        }
    }

    /// Seals a field value. The address becomes the associated data, so the result opens only
    /// at the same table, column and record, under this key.
    pub fn seal(&self, at: FieldAddress<'_>, plaintext: &[u8]) -> Sealed {
        self.key.seal_field(at, plaintext)
    }

    /// Opens a value sealed by [`CaseKey::seal`] at the same address. The plaintext is wiped
    /// when the returned buffer is dropped.
    pub fn open(
        &self,
        at: FieldAddress<'_>,
        sealed: &Sealed,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.key.open_field(at, sealed)
    }

    /// The key bytes, for deriving blob keys.
    pub(crate) fn material(&self) -> &KeyMaterial {
        &self.key
    }
}
