//! Wrapping case keys under the root key.

use corridor_crypto::{CaseKey, CryptoError, FieldAddress, RootKey, Sealed, WrappedKey};

use crate::{single_bit_flips, test_root};

const AT: FieldAddress<'static> = FieldAddress::new("persons", "native_name", "person-1");

#[test]
fn wrap_then_unwrap_gives_the_same_key() {
    let (root, _) = test_root(b"pw");
    let key = CaseKey::generate();
    let sealed = key.seal(AT, b"Ivanov");
    let wrapped = root.wrap(&key, "case-1");
    assert_eq!(wrapped.as_bytes().len(), WrappedKey::LEN);
    assert_eq!(WrappedKey::LEN, 73);
    let unwrapped = root.unwrap(&wrapped, "case-1").expect("unwrap");
    assert_eq!(&unwrapped.open(AT, &sealed).unwrap()[..], b"Ivanov");
    // And the other way: the unwrapped key seals what the original opens.
    let again = unwrapped.seal(AT, b"Petrov");
    assert_eq!(&key.open(AT, &again).unwrap()[..], b"Petrov");
}

#[test]
fn unlocked_root_unwraps_what_the_created_root_wrapped() {
    let (root, header) = test_root(b"pw");
    let key = CaseKey::generate();
    let wrapped = root.wrap(&key, "case-1");
    drop(root);
    let root = RootKey::unlock(b"pw", &header).unwrap();
    let unwrapped = root.unwrap(&wrapped, "case-1").unwrap();
    let sealed = key.seal(AT, b"x");
    assert_eq!(&unwrapped.open(AT, &sealed).unwrap()[..], b"x");
}

#[test]
fn wrapping_twice_gives_different_bytes() {
    let (root, _) = test_root(b"pw");
    let key = CaseKey::generate();
    assert_ne!(root.wrap(&key, "case-1"), root.wrap(&key, "case-1"));
}

#[test]
fn unwrap_under_another_case_id_fails() {
    let (root, _) = test_root(b"pw");
    let wrapped = root.wrap(&CaseKey::generate(), "case-1");
    for other in ["case-2", "case-10", "case-", "", "Case-1", "case-1 "] {
        assert_eq!(
            root.unwrap(&wrapped, other).err(),
            Some(CryptoError::OpenFailed),
            "{other:?}"
        );
    }
}

#[test]
fn unwrap_with_another_root_key_fails() {
    let (root, _) = test_root(b"pw");
    let (other, _) = test_root(b"other");
    // Same passphrase, new salt: still another key.
    let (same_pass, _) = test_root(b"pw");
    let wrapped = root.wrap(&CaseKey::generate(), "case-1");
    assert_eq!(
        other.unwrap(&wrapped, "case-1").err(),
        Some(CryptoError::OpenFailed)
    );
    assert_eq!(
        same_pass.unwrap(&wrapped, "case-1").err(),
        Some(CryptoError::OpenFailed)
    );
}

#[test]
fn any_flipped_bit_fails_to_unwrap() {
    let (root, _) = test_root(b"pw");
    let wrapped = root.wrap(&CaseKey::generate(), "case-1");
    for (i, bytes) in single_bit_flips(wrapped.as_bytes()) {
        let result = WrappedKey::from_bytes(bytes).and_then(|w| root.unwrap(&w, "case-1"));
        assert!(result.is_err(), "flip in byte {i} unwrapped");
    }
}

#[test]
fn wrapped_key_and_field_never_stand_in_for_each_other() {
    let (root, _) = test_root(b"pw");
    let wrapped = root.wrap(&CaseKey::generate(), "case-1");
    // A wrapped key read as a sealed field at the address its AD names does not open.
    let as_field = Sealed::from_bytes(wrapped.clone().into_bytes()).unwrap();
    let wrap_address = FieldAddress::new("case_keys", "wrapped_key", "case-1");
    assert_eq!(
        root.open(wrap_address, &as_field).err(),
        Some(CryptoError::OpenFailed)
    );
    // A 32-byte value sealed as a root field at that address does not unwrap.
    let forged = root.seal(wrap_address, &[0x42; 32]);
    let as_wrapped = WrappedKey::from_bytes(forged.into_bytes()).unwrap();
    assert_eq!(
        root.unwrap(&as_wrapped, "case-1").err(),
        Some(CryptoError::OpenFailed)
    );
}

#[test]
fn wrapped_key_from_bytes_checks_version_and_length() {
    let (root, _) = test_root(b"pw");
    let wrapped = root.wrap(&CaseKey::generate(), "case-1");
    let bytes = wrapped.as_bytes().to_vec();
    assert_eq!(WrappedKey::from_bytes(bytes.clone()).unwrap(), wrapped);
    assert_eq!(
        WrappedKey::from_bytes(Vec::new()),
        Err(CryptoError::Malformed)
    );
    assert_eq!(
        WrappedKey::from_bytes(bytes[..72].to_vec()),
        Err(CryptoError::Malformed)
    );
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(WrappedKey::from_bytes(longer), Err(CryptoError::Malformed));
    let mut v2 = bytes;
    v2[0] = 2;
    assert_eq!(
        WrappedKey::from_bytes(v2),
        Err(CryptoError::UnsupportedVersion(2))
    );
}
