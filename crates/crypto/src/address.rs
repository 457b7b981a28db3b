//! Where a ciphertext lives, and the AEAD associated data built from it.
//!
//! The associated data binds a ciphertext to its place, so a value copied to another table,
//! column or record — or a wrapped key presented as a field, or the other way round — fails to
//! open. The encoding is injective: every component is length-prefixed, and each purpose has its
//! own domain label, so no two distinct (purpose, components) inputs give the same bytes.
//!
//! ```text
//! AD = lp("corridor/v1") || lp(purpose) || lp(part_1) || ... || lp(part_n)
//! lp(x) = u64 big-endian byte length of x || x
//! ```
//!
//! This layout is part of the stored format: changing it makes existing ciphertexts unreadable.

/// Where a sealed field is stored. It becomes the AEAD associated data, so a ciphertext copied
/// to another table, column or record fails to open.
///
/// The components are identifiers (table and column names, record ids), not secrets: they are
/// authenticated, not encrypted, and appear in `Debug` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldAddress<'a> {
    /// Table (or collection) name, e.g. `"persons"`.
    pub table: &'a str,
    /// Column (or field) name, e.g. `"native_name"`.
    pub column: &'a str,
    /// Id of the record the value belongs to.
    pub record: &'a str,
}

impl<'a> FieldAddress<'a> {
    /// An address from its three components.
    pub const fn new(table: &'a str, column: &'a str, record: &'a str) -> Self {
        Self {
            table,
            column,
            record,
        }
    }

    /// The associated data for a field sealed at this address.
    pub(crate) fn associated_data(&self) -> Vec<u8> {
        associated_data(
            Purpose::Field,
            &[
                self.table.as_bytes(),
                self.column.as_bytes(),
                self.record.as_bytes(),
            ],
        )
    }
}

/// Label shared by every associated data of this format generation.
const DOMAIN: &[u8] = b"corridor/v1";

/// What a ciphertext is for. Each purpose has its own label in the associated data, so a
/// ciphertext made for one purpose never opens as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A field sealed under a case key or the root key.
    Field,
    /// A case key wrapped under the root key.
    WrappedCaseKey,
    /// The keyring verifier sealed under the root key.
    KeyringVerifier,
    /// A keyed digest made with the root key (HMAC input, not an AEAD's associated data).
    KeyedDigest,
    /// A blob's key derived from its case key (HKDF info, not an AEAD's associated data).
    BlobKey,
}

impl Purpose {
    const fn label(self) -> &'static [u8] {
        match self {
            Purpose::Field => b"field",
            Purpose::WrappedCaseKey => b"wrapped-case-key",
            Purpose::KeyringVerifier => b"keyring-verifier",
            Purpose::KeyedDigest => b"keyed-digest",
            Purpose::BlobKey => b"blob-key",
        }
    }
}

/// Builds `lp(DOMAIN) || lp(purpose) || lp(part)...`.
pub(crate) fn associated_data(purpose: Purpose, parts: &[&[u8]]) -> Vec<u8> {
    let label = purpose.label();
    let len = 8 * (2 + parts.len())
        + DOMAIN.len()
        + label.len()
        + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut ad = Vec::with_capacity(len);
    push_length_prefixed(&mut ad, DOMAIN);
    push_length_prefixed(&mut ad, label);
    for part in parts {
        push_length_prefixed(&mut ad, part);
    }
    ad
}

fn push_length_prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    // usize is at most 64 bits on every supported target, so this never saturates in practice;
    // saturating keeps the function total without a panic path.
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_length_prefixed_components_after_domain_and_purpose() {
        let ad = FieldAddress::new("t", "co", "rec").associated_data();
        let mut expected = Vec::new();
        for part in [&b"corridor/v1"[..], b"field", b"t", b"co", b"rec"] {
            expected.extend_from_slice(&(part.len() as u64).to_be_bytes());
            expected.extend_from_slice(part);
        }
        assert_eq!(ad, expected);
    }

    #[test]
    fn moving_a_boundary_changes_the_bytes() {
        let a = FieldAddress::new("ab", "c", "r").associated_data();
        let b = FieldAddress::new("a", "bc", "r").associated_data();
        let c = FieldAddress::new("a", "b", "cr").associated_data();
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert_ne!(a, c);
    }

    #[test]
    fn purposes_never_share_associated_data() {
        let parts: [&[u8]; 3] = [b"case_keys", b"wrapped_key", b"case-1"];
        let field = associated_data(Purpose::Field, &parts);
        let wrap = associated_data(Purpose::WrappedCaseKey, &parts);
        let verifier = associated_data(Purpose::KeyringVerifier, &parts);
        let digest = associated_data(Purpose::KeyedDigest, &parts);
        let blob_key = associated_data(Purpose::BlobKey, &parts);
        assert_ne!(field, wrap);
        assert_ne!(field, verifier);
        assert_ne!(wrap, verifier);
        for other in [&field, &wrap, &verifier] {
            assert_ne!(&digest, other);
            assert_ne!(&blob_key, other);
        }
        assert_ne!(digest, blob_key);
        assert_eq!(
            field,
            FieldAddress::new("case_keys", "wrapped_key", "case-1").associated_data()
        );
    }
}
