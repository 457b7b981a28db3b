//! Organisation signing keys: signatures, public keys as text, wrapping under the root key.

use corridor_crypto::{
    CaseKey, CryptoError, FINGERPRINT_CHARS, FieldAddress, OrgPublicKey, OrgSignature,
    OrgSigningKey, SignatureError, WrappedKey,
};

use crate::{single_bit_flips, test_root};

const MESSAGE: &[u8] = b"referral dossier for case-1, version 2";

#[test]
fn a_signature_verifies_under_its_key() {
    let key = OrgSigningKey::generate();
    let signature = key.sign(MESSAGE);
    assert_eq!(key.public_key().verify(MESSAGE, &signature), Ok(()));
    // Ed25519 is deterministic.
    assert_eq!(key.sign(MESSAGE), signature);
}

#[test]
fn another_key_does_not_verify() {
    let key = OrgSigningKey::generate();
    let other = OrgSigningKey::generate();
    assert_ne!(key.public_key(), other.public_key());
    let signature = key.sign(MESSAGE);
    assert_eq!(
        other.public_key().verify(MESSAGE, &signature),
        Err(SignatureError::BadSignature)
    );
}

#[test]
fn any_flipped_bit_of_message_or_signature_fails() {
    let key = OrgSigningKey::generate();
    let public = key.public_key();
    let signature = key.sign(MESSAGE);
    for (i, message) in single_bit_flips(MESSAGE) {
        assert_eq!(
            public.verify(&message, &signature),
            Err(SignatureError::BadSignature),
            "flip in message byte {i}"
        );
    }
    for (i, bytes) in single_bit_flips(signature.as_bytes()) {
        let flipped = OrgSignature::from_bytes(&bytes).unwrap();
        assert_eq!(
            public.verify(MESSAGE, &flipped),
            Err(SignatureError::BadSignature),
            "flip in signature byte {i}"
        );
    }
    assert!(public.verify(b"", &signature).is_err());
    assert!(public.verify(&MESSAGE[1..], &signature).is_err());
}

#[test]
fn a_flipped_public_key_does_not_verify() {
    let key = OrgSigningKey::generate();
    let signature = key.sign(MESSAGE);
    for (i, bytes) in single_bit_flips(key.public_key().as_bytes()) {
        let flipped = OrgPublicKey::from_bytes(&bytes).unwrap();
        assert!(
            flipped.verify(MESSAGE, &signature).is_err(),
            "flip in key byte {i}"
        );
    }
}

#[test]
fn public_keys_and_signatures_round_trip_as_text() {
    let key = OrgSigningKey::generate();
    let public = key.public_key();
    let text = public.to_string();
    assert_eq!(text.len(), 64);
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(text.parse::<OrgPublicKey>(), Ok(public));
    assert_eq!(
        text.to_ascii_uppercase().parse::<OrgPublicKey>(),
        Ok(public)
    );
    assert_eq!(OrgPublicKey::from_bytes(public.as_bytes()), Ok(public));

    let signature = key.sign(MESSAGE);
    let text = signature.to_string();
    assert_eq!(text.len(), 128);
    assert_eq!(text.parse::<OrgSignature>(), Ok(signature));
    assert_eq!(
        OrgSignature::from_bytes(signature.as_bytes()),
        Ok(signature)
    );
}

#[test]
fn malformed_text_and_bytes_are_refused() {
    let text = OrgSigningKey::generate().public_key().to_string();
    let short = &text[..63];
    let long = format!("{text}0");
    let spaced = format!(" {}", &text[1..]);
    let not_hex = format!("{}g", &text[..63]);
    let prefixed = format!("0x{}", &text[2..]);
    for bad in ["", short, &long, &spaced, &not_hex, &prefixed] {
        assert_eq!(
            bad.parse::<OrgPublicKey>(),
            Err(SignatureError::MalformedPublicKey),
            "{bad:?}"
        );
    }
    assert_eq!(
        OrgPublicKey::from_bytes(&[0; 31]),
        Err(SignatureError::MalformedPublicKey)
    );
    assert_eq!(
        OrgPublicKey::from_bytes(&[0; 33]),
        Err(SignatureError::MalformedPublicKey)
    );
    assert_eq!(
        text.parse::<OrgSignature>(),
        Err(SignatureError::MalformedSignature)
    );
    assert_eq!(
        OrgSignature::from_bytes(&[0; 63]),
        Err(SignatureError::MalformedSignature)
    );
}

#[test]
fn the_fingerprint_is_the_start_of_the_keys_sha256() {
    // RFC 8032 §7.1, test 1's public key; its SHA-256 computed independently (sha256sum).
    let public: OrgPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        .parse()
        .unwrap();
    assert_eq!(public.fingerprint(), "21fe31dfa154a261");
    assert_eq!(public.fingerprint().len(), FINGERPRINT_CHARS);
    let other = OrgSigningKey::generate().public_key();
    assert_ne!(other.fingerprint(), public.fingerprint());
}

#[test]
fn a_wrapped_signing_key_unwraps_to_the_same_key() {
    let (root, header) = test_root(b"pw");
    let key = OrgSigningKey::generate();
    let wrapped = root.wrap_signing_key(&key, "org-1");
    assert_eq!(wrapped.as_bytes().len(), WrappedKey::LEN);
    assert_ne!(root.wrap_signing_key(&key, "org-1"), wrapped);

    // Through storage, and under the root key unlocked again from the passphrase.
    let stored = WrappedKey::from_bytes(wrapped.into_bytes()).unwrap();
    drop(root);
    let root = corridor_crypto::RootKey::unlock(b"pw", &header).unwrap();
    let unwrapped = root.unwrap_signing_key(&stored, "org-1").unwrap();
    assert_eq!(unwrapped.public_key(), key.public_key());
    assert_eq!(unwrapped.sign(MESSAGE), key.sign(MESSAGE));
}

#[test]
fn a_wrapped_signing_key_unwraps_only_under_its_root_key_and_organisation() {
    let (root, _) = test_root(b"pw");
    let (other_root, _) = test_root(b"pw");
    let wrapped = root.wrap_signing_key(&OrgSigningKey::generate(), "org-1");
    assert_eq!(
        other_root.unwrap_signing_key(&wrapped, "org-1").err(),
        Some(CryptoError::OpenFailed)
    );
    for other in ["org-2", "org-", "", "Org-1", "org-1 "] {
        assert_eq!(
            root.unwrap_signing_key(&wrapped, other).err(),
            Some(CryptoError::OpenFailed),
            "{other:?}"
        );
    }
    for (i, bytes) in single_bit_flips(wrapped.as_bytes()) {
        let result =
            WrappedKey::from_bytes(bytes).and_then(|w| root.unwrap_signing_key(&w, "org-1"));
        assert!(result.is_err(), "flip in byte {i} unwrapped");
    }
}

#[test]
fn signing_keys_and_case_keys_never_stand_in_for_each_other() {
    let (root, _) = test_root(b"pw");
    // The same id for both, so only the purpose of the wrapping tells them apart.
    let wrapped_case_key = root.wrap(&CaseKey::generate(), "id-1");
    assert_eq!(
        root.unwrap_signing_key(&wrapped_case_key, "id-1").err(),
        Some(CryptoError::OpenFailed)
    );
    let wrapped_signing_key = root.wrap_signing_key(&OrgSigningKey::generate(), "id-1");
    assert_eq!(
        root.unwrap(&wrapped_signing_key, "id-1").err(),
        Some(CryptoError::OpenFailed)
    );
    // Nor does a 32-byte value sealed as a root field at the signing key's address.
    let forged = root.seal(
        FieldAddress::new("org_signing_keys", "ed25519_seed", "id-1"),
        &[0x42; 32],
    );
    let forged = WrappedKey::from_bytes(forged.into_bytes()).unwrap();
    assert_eq!(
        root.unwrap_signing_key(&forged, "id-1").err(),
        Some(CryptoError::OpenFailed)
    );
}

#[test]
fn debug_shows_no_key_bytes() {
    let (root, _) = test_root(b"pw");
    let key = OrgSigningKey::generate();
    let debug = format!("{key:?} {key:#?}");
    let fingerprint = key.public_key().fingerprint();
    assert_eq!(
        format!("{key:?}"),
        format!("OrgSigningKey(public {fingerprint})")
    );
    // Neither the seed (found through a wrapped copy that unwraps to it) nor the public key
    // in full, in hex or as decimal bytes.
    let public_hex = key.public_key().to_string();
    assert!(!debug.contains(&public_hex), "{debug}");
    assert!(!debug.contains(&public_hex[16..32]), "{debug}");
    let bytes = key.public_key().as_bytes().to_vec();
    let decimal = format!("{}, {}, {}", bytes[0], bytes[1], bytes[2]);
    assert!(!debug.contains(&decimal), "{debug}");

    let unwrapped = root
        .unwrap_signing_key(&root.wrap_signing_key(&key, "org-1"), "org-1")
        .unwrap();
    assert_eq!(format!("{unwrapped:?}"), format!("{key:?}"));

    let public = key.public_key();
    assert_eq!(
        format!("{public:?}"),
        format!("OrgPublicKey({fingerprint})")
    );
    let signature = key.sign(MESSAGE);
    assert!(format!("{signature:?}").len() < 24);
}
