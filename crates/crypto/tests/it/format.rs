//! Known-answer vectors for the stored formats.
//!
//! Produced by an independent implementation (Python: the `cryptography` package's Argon2id and
//! ChaCha20-Poly1305, HChaCha20 written out by hand and checked against the XChaCha draft's test
//! vector), following the layouts documented in the crate. They pin the KDF, the verifier, the
//! key wrapping, the field sealing and every associated-data encoding: if one of these tests
//! fails, data already stored would no longer open.

use corridor_crypto::{FieldAddress, KdfParams, KeyringHeader, RootKey, Sealed, WrappedKey};

use crate::hex;

const PASSPHRASE: &[u8] = b"correct horse battery staple";
/// Salt 00 01 .. 0f; Argon2id 1024 KiB, 1 iteration, 1 lane.
const SALT: &str = "000102030405060708090a0b0c0d0e0f";
/// Seal of "corridor keyring verifier v1...." under the root key, nonce a0..b7.
const VERIFIER: &str = "01a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7c180f12727bf84789090514d64ea6538a0f2fbab546558532d07788f4b0bf3de3ce78a1f60c6ed09ebbce3db66d6e998";
/// Case key 42 42 .. 42 wrapped for "case-0001", nonce b0..c7.
const WRAPPED: &str = "01b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7998dd75e27e00e2949296382ccf9cf845cd5bff6e332a730a78ea6f910de7c480be7423c017c8f4350c75016b3f85927";
/// "Иван Петров" sealed under the case key at persons/native_name/person-0001, nonce c0..d7.
const FIELD: &str = "01c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d74e8a27878392f9a142712a5b0ce049bcf3f52ecab8df816043011dbf91e39c2446f29fdcd1";
/// `{"org":"settings"}` sealed under the root key at org_settings/value/org-1, nonce d0..e7.
const ROOT_FIELD: &str = "01d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e78c9518f620882eaf4877d826d51fb41f7eb6980bce5e30a927b53203e9463f256ed8";

fn header() -> KeyringHeader {
    KeyringHeader {
        version: 1,
        params: KdfParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        },
        salt: hex(SALT),
        verifier: hex(VERIFIER),
    }
}

#[test]
fn stored_values_from_an_independent_implementation_open() {
    let root = RootKey::unlock(PASSPHRASE, &header()).expect("verifier");

    let wrapped = WrappedKey::from_bytes(hex(WRAPPED)).unwrap();
    let case_key = root.unwrap(&wrapped, "case-0001").expect("unwrap");

    let field = Sealed::from_bytes(hex(FIELD)).unwrap();
    let at = FieldAddress::new("persons", "native_name", "person-0001");
    assert_eq!(
        &case_key.open(at, &field).unwrap()[..],
        "Иван Петров".as_bytes()
    );

    let root_field = Sealed::from_bytes(hex(ROOT_FIELD)).unwrap();
    let at = FieldAddress::new("org_settings", "value", "org-1");
    assert_eq!(
        &root.open(at, &root_field).unwrap()[..],
        br#"{"org":"settings"}"#
    );
}

#[test]
fn values_sealed_here_open_under_the_vector_keys() {
    // The reverse direction through the public API: what this crate seals under the vector's
    // root key reopens, and the vector's case key opens a fresh seal.
    let root = RootKey::unlock(PASSPHRASE, &header()).unwrap();
    let case_key = root
        .unwrap(&WrappedKey::from_bytes(hex(WRAPPED)).unwrap(), "case-0001")
        .unwrap();
    let at = FieldAddress::new("persons", "native_name", "person-0001");
    let fresh = case_key.seal(at, "Иван Петров".as_bytes());
    assert_eq!(fresh.as_bytes().len(), hex(FIELD).len());
    assert_ne!(fresh.as_bytes(), &hex(FIELD)[..]);
    assert_eq!(
        &case_key.open(at, &fresh).unwrap()[..],
        "Иван Петров".as_bytes()
    );
}
