//! Nothing secret in `Debug` output or error messages.

use corridor_crypto::{CaseKey, CryptoError, FieldAddress, KdfParams, RootKey, Sealed, WrappedKey};

use crate::test_root;

const PASSPHRASE: &[u8] = b"Passphrase-SECRET-7f3a";
const PLAINTEXT: &str = "Plaintext-SECRET-Sidorov";
const CASE_ID: &str = "case-id-MARKER";
const AT: FieldAddress<'static> =
    FieldAddress::new("table-MARKER", "column-MARKER", "record-MARKER");

fn assert_clean(text: &str) {
    for needle in [
        "SECRET",
        "Sidorov",
        "7f3a",
        "MARKER",
        // Hex and decimal renderings of the plaintext's first bytes ("Pla").
        "506c61",
        "80, 108, 97",
    ] {
        assert!(!text.contains(needle), "{text:?} contains {needle:?}");
    }
}

#[test]
fn debug_of_sealed_and_wrapped_shows_only_the_length() {
    let (root, _) = test_root(PASSPHRASE);
    let key = CaseKey::generate();
    let sealed = key.seal(AT, PLAINTEXT.as_bytes());
    let debug = format!("{sealed:?}");
    assert_eq!(debug, format!("Sealed({} bytes)", PLAINTEXT.len() + 41));
    assert_eq!(format!("{sealed:#?}"), debug);

    let wrapped = root.wrap(&key, CASE_ID);
    assert_eq!(format!("{wrapped:?}"), "WrappedKey(73 bytes)");

    // Storage round trips keep it so.
    let back = Sealed::from_bytes(sealed.into_bytes()).unwrap();
    assert_clean(&format!("{back:?}"));
    let back = WrappedKey::from_bytes(wrapped.into_bytes()).unwrap();
    assert_clean(&format!("{back:?}"));
}

#[test]
fn debug_of_header_holds_no_passphrase() {
    let (_, header) = test_root(PASSPHRASE);
    assert_clean(&format!("{header:?}"));
    assert_clean(&format!("{header:#?}"));
}

#[test]
fn error_messages_are_fixed_strings() {
    assert_eq!(CryptoError::WrongPassphrase.to_string(), "wrong passphrase");
    assert_eq!(
        CryptoError::OpenFailed.to_string(),
        "a sealed value failed to open: wrong key, or it was moved or altered"
    );
    assert_eq!(CryptoError::Malformed.to_string(), "malformed sealed value");
    assert_eq!(
        CryptoError::UnsupportedVersion(9).to_string(),
        "unsupported format version 9"
    );
    assert_eq!(
        CryptoError::InvalidParams("salt shorter than 16 bytes").to_string(),
        "invalid key-derivation parameters: salt shorter than 16 bytes"
    );
}

#[test]
fn errors_from_real_failures_carry_nothing_from_the_input() {
    let (root, header) = test_root(PASSPHRASE);
    let key = CaseKey::generate();
    let sealed = key.seal(AT, PLAINTEXT.as_bytes());
    let wrapped = root.wrap(&key, CASE_ID);

    let mut short_salt = header.clone();
    short_salt.salt.truncate(3);
    let mut bad_verifier = header.clone();
    bad_verifier.verifier.truncate(5);
    let mut wrong_version = sealed.clone().into_bytes();
    wrong_version[0] = 7;

    let errors = [
        RootKey::unlock(b"Passphrase-SECRET-7f3b", &header).err(),
        RootKey::unlock(PASSPHRASE, &short_salt).err(),
        RootKey::unlock(PASSPHRASE, &bad_verifier).err(),
        RootKey::create(
            PASSPHRASE,
            KdfParams {
                memory_kib: 1,
                ..KdfParams::INSECURE_FAST_FOR_TESTS
            },
        )
        .err(),
        CaseKey::generate().open(AT, &sealed).err(),
        key.open(FieldAddress::new("t", "c", "r-MARKER-2"), &sealed)
            .err(),
        root.unwrap(&wrapped, "case-id-MARKER-2").err(),
        Sealed::from_bytes(PLAINTEXT.as_bytes()[..5].to_vec()).err(),
        Sealed::from_bytes(wrong_version).err(),
        WrappedKey::from_bytes(sealed.clone().into_bytes()).err(),
    ];
    for error in errors {
        let error = error.expect("every operation above fails");
        assert_clean(&error.to_string());
        assert_clean(&format!("{error:?}"));
    }
}
