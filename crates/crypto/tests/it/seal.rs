//! Sealing and opening fields under case keys and the root key.

use corridor_crypto::{CaseKey, CryptoError, FieldAddress, Sealed};

use crate::{single_bit_flips, test_root};

const AT: FieldAddress<'static> = FieldAddress::new("persons", "native_name", "person-1");

#[test]
fn seal_then_open_round_trips() {
    let key = CaseKey::generate();
    for plaintext in [
        &b""[..],
        b"x",
        "Иван Петрович Сидоров".as_bytes(),
        &[0u8; 1000],
    ] {
        let sealed = key.seal(AT, plaintext);
        assert_eq!(sealed.as_bytes().len(), plaintext.len() + 41);
        assert_eq!(sealed.as_bytes()[0], 1);
        assert_eq!(&key.open(AT, &sealed).unwrap()[..], plaintext);
    }
    let big = vec![0xA5u8; 1 << 20];
    assert_eq!(&key.open(AT, &key.seal(AT, &big)).unwrap()[..], &big[..]);
}

#[test]
fn ciphertext_does_not_contain_the_plaintext() {
    let key = CaseKey::generate();
    let plaintext = b"A-123-456-789 A-123-456-789 A-123-456-789";
    let sealed = key.seal(AT, plaintext);
    assert!(
        !sealed
            .as_bytes()
            .windows(8)
            .any(|w| plaintext.windows(8).any(|p| p == w))
    );
}

#[test]
fn sealing_twice_gives_different_bytes() {
    let key = CaseKey::generate();
    let a = key.seal(AT, b"same");
    let b = key.seal(AT, b"same");
    assert_ne!(a, b);
    assert_ne!(a.as_bytes()[1..25], b.as_bytes()[1..25], "nonces repeat");
}

#[test]
fn another_case_key_cannot_open() {
    let key = CaseKey::generate();
    let other = CaseKey::generate();
    let sealed = key.seal(AT, b"secret");
    assert_eq!(other.open(AT, &sealed).err(), Some(CryptoError::OpenFailed));
}

#[test]
fn any_flipped_bit_fails_to_open() {
    let key = CaseKey::generate();
    let sealed = key.seal(AT, b"Ivanov");
    let mut checked = 0;
    for (i, bytes) in single_bit_flips(sealed.as_bytes()) {
        let result = Sealed::from_bytes(bytes).and_then(|s| key.open(AT, &s));
        match result {
            Err(CryptoError::UnsupportedVersion(_)) => assert_eq!(i, 0),
            Err(CryptoError::OpenFailed) => assert_ne!(i, 0),
            other => panic!("flip in byte {i}: {:?}", other.map(|_| "opened")),
        }
        checked += 1;
    }
    assert_eq!(checked, sealed.as_bytes().len() * 8);
}

#[test]
fn truncated_or_extended_ciphertext_fails() {
    let key = CaseKey::generate();
    let sealed = key.seal(AT, b"Ivanov");
    let bytes = sealed.as_bytes();
    for len in 0..bytes.len() {
        let result = Sealed::from_bytes(bytes[..len].to_vec()).and_then(|s| key.open(AT, &s));
        assert!(result.is_err(), "prefix of {len} bytes opened");
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    let s = Sealed::from_bytes(longer).unwrap();
    assert_eq!(key.open(AT, &s).err(), Some(CryptoError::OpenFailed));
}

#[test]
fn moved_ciphertext_fails() {
    let key = CaseKey::generate();
    let sealed = key.seal(AT, b"Ivanov");
    for elsewhere in [
        FieldAddress::new("persons", "native_name", "person-2"),
        FieldAddress::new("persons", "latin_name", "person-1"),
        FieldAddress::new("notes", "native_name", "person-1"),
        FieldAddress::new("", "", ""),
    ] {
        assert_eq!(
            key.open(elsewhere, &sealed).err(),
            Some(CryptoError::OpenFailed),
            "{elsewhere:?}"
        );
    }
}

#[test]
fn swapping_values_between_records_breaks_both() {
    let key = CaseKey::generate();
    let at_a = FieldAddress::new("persons", "a_number", "person-a");
    let at_b = FieldAddress::new("persons", "a_number", "person-b");
    let a = key.seal(at_a, b"A-111");
    let b = key.seal(at_b, b"A-222");
    assert_eq!(&key.open(at_a, &a).unwrap()[..], b"A-111");
    assert_eq!(&key.open(at_b, &b).unwrap()[..], b"A-222");
    assert_eq!(key.open(at_a, &b).err(), Some(CryptoError::OpenFailed));
    assert_eq!(key.open(at_b, &a).err(), Some(CryptoError::OpenFailed));
}

#[test]
fn address_boundaries_are_unambiguous() {
    let key = CaseKey::generate();
    let pairs = [
        (
            FieldAddress::new("ab", "c", "r"),
            FieldAddress::new("a", "bc", "r"),
        ),
        (
            FieldAddress::new("t", "ab", "c"),
            FieldAddress::new("t", "a", "bc"),
        ),
        (
            FieldAddress::new("a", "", "b"),
            FieldAddress::new("", "a", "b"),
        ),
        (
            FieldAddress::new("a\0", "b", "c"),
            FieldAddress::new("a", "\0b", "c"),
        ),
    ];
    for (x, y) in pairs {
        let sealed = key.seal(x, b"v");
        assert_eq!(key.open(y, &sealed).err(), Some(CryptoError::OpenFailed));
        let sealed = key.seal(y, b"v");
        assert_eq!(key.open(x, &sealed).err(), Some(CryptoError::OpenFailed));
    }
}

#[test]
fn root_key_seals_and_binds_the_address_too() {
    let (root, _) = test_root(b"pw");
    let at = FieldAddress::new("org_settings", "value", "org-1");
    let sealed = root.seal(at, b"{\"retention_days\":30}");
    assert_eq!(
        &root.open(at, &sealed).unwrap()[..],
        b"{\"retention_days\":30}"
    );
    assert_eq!(
        root.open(FieldAddress::new("org_settings", "value", "org-2"), &sealed)
            .err(),
        Some(CryptoError::OpenFailed)
    );
    let (other_root, _) = test_root(b"pw");
    assert_eq!(
        other_root.open(at, &sealed).err(),
        Some(CryptoError::OpenFailed)
    );
}

#[test]
fn root_key_and_case_key_do_not_open_each_others_seals() {
    let (root, _) = test_root(b"pw");
    let key = CaseKey::generate();
    let by_root = root.seal(AT, b"v");
    let by_case = key.seal(AT, b"v");
    assert_eq!(key.open(AT, &by_root).err(), Some(CryptoError::OpenFailed));
    assert_eq!(root.open(AT, &by_case).err(), Some(CryptoError::OpenFailed));
}

#[test]
fn sealed_from_bytes_checks_version_and_minimum_length() {
    assert_eq!(Sealed::from_bytes(Vec::new()), Err(CryptoError::Malformed));
    for len in 1..41 {
        assert_eq!(
            Sealed::from_bytes(vec![1; len]),
            Err(CryptoError::Malformed),
            "{len} bytes"
        );
    }
    assert!(Sealed::from_bytes(vec![1; 41]).is_ok());
    for version in [0u8, 2, 255] {
        let mut bytes = vec![0; 60];
        bytes[0] = version;
        assert_eq!(
            Sealed::from_bytes(bytes),
            Err(CryptoError::UnsupportedVersion(version))
        );
    }
    // A well-formed but forged value parses and then fails to open.
    let key = CaseKey::generate();
    let forged = Sealed::from_bytes(vec![1; 64]).unwrap();
    assert_eq!(key.open(AT, &forged).err(), Some(CryptoError::OpenFailed));
}

#[test]
fn sealed_bytes_round_trip_through_storage() {
    let key = CaseKey::generate();
    let sealed = key.seal(AT, b"Ivanov");
    let stored = sealed.clone().into_bytes();
    assert_eq!(stored, sealed.as_bytes());
    let back = Sealed::from_bytes(stored).unwrap();
    assert_eq!(back, sealed);
    assert_eq!(&key.open(AT, &back).unwrap()[..], b"Ivanov");
}
