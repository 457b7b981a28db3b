//! Creating and unlocking the root key.

use corridor_crypto::{CryptoError, FieldAddress, KdfParams, KeyringHeader, RootKey};

use crate::test_root;

const PASS: &[u8] = b"correct horse battery staple";
const AT: FieldAddress<'static> = FieldAddress::new("org_settings", "value", "org-1");

/// True if `a` and `b` are the same key: one opens what the other sealed.
fn same_key(a: &RootKey, b: &RootKey) -> bool {
    let sealed = a.seal(AT, b"probe");
    b.open(AT, &sealed).is_ok_and(|p| &p[..] == b"probe")
}

#[test]
fn create_then_unlock_gives_the_same_key() {
    let (root, header) = test_root(PASS);
    assert_eq!(header.version, KeyringHeader::CURRENT_VERSION);
    assert_eq!(header.version, 1);
    assert_eq!(header.params, KdfParams::INSECURE_FAST_FOR_TESTS);
    assert_eq!(header.salt.len(), 16);
    let unlocked = RootKey::unlock(PASS, &header).expect("unlock");
    assert!(same_key(&root, &unlocked));
    assert!(same_key(&unlocked, &root));
}

#[test]
fn each_create_draws_a_new_salt_and_key() {
    let (a, ha) = test_root(PASS);
    let (b, hb) = test_root(PASS);
    assert_ne!(ha.salt, hb.salt);
    assert_ne!(ha.verifier, hb.verifier);
    assert!(!same_key(&a, &b));
    // Each header unlocks its own key only.
    assert!(same_key(&RootKey::unlock(PASS, &hb).unwrap(), &b));
    assert!(!same_key(&RootKey::unlock(PASS, &hb).unwrap(), &a));
}

#[test]
fn wrong_passphrase_is_reported() {
    let (_, header) = test_root(PASS);
    for wrong in [
        &b"correct horse battery stapl"[..],
        b"correct horse battery staple ",
        b"Correct horse battery staple",
        b"",
    ] {
        assert_eq!(
            RootKey::unlock(wrong, &header).err(),
            Some(CryptoError::WrongPassphrase)
        );
    }
}

#[test]
fn empty_passphrase_round_trips_but_is_not_a_wildcard() {
    let (_, header) = test_root(b"");
    assert!(RootKey::unlock(b"", &header).is_ok());
    assert_eq!(
        RootKey::unlock(b"x", &header).err(),
        Some(CryptoError::WrongPassphrase)
    );
}

#[test]
fn tampered_salt_fails() {
    let (_, header) = test_root(PASS);
    for i in 0..header.salt.len() {
        let mut h = header.clone();
        h.salt[i] ^= 0x01;
        assert_eq!(
            RootKey::unlock(PASS, &h).err(),
            Some(CryptoError::WrongPassphrase),
            "salt byte {i}"
        );
    }
    let mut longer = header.clone();
    longer.salt.push(0);
    assert_eq!(
        RootKey::unlock(PASS, &longer).err(),
        Some(CryptoError::WrongPassphrase)
    );
}

#[test]
fn tampered_verifier_fails_at_every_byte() {
    let (_, header) = test_root(PASS);
    for i in 0..header.verifier.len() {
        let mut h = header.clone();
        h.verifier[i] ^= 0x80;
        let err = RootKey::unlock(PASS, &h).err();
        if i == 0 {
            assert_eq!(err, Some(CryptoError::UnsupportedVersion(0x81)));
        } else {
            assert_eq!(err, Some(CryptoError::WrongPassphrase), "verifier byte {i}");
        }
    }
}

#[test]
fn verifier_of_wrong_length_is_malformed() {
    let (_, header) = test_root(PASS);
    let n = header.verifier.len();
    for len in [0, 1, 40, 41, n - 1] {
        let mut h = header.clone();
        h.verifier.truncate(len);
        let err = RootKey::unlock(PASS, &h).err();
        assert_eq!(err, Some(CryptoError::Malformed), "length {len}");
    }
    let mut h = header.clone();
    h.verifier.push(0);
    assert_eq!(
        RootKey::unlock(PASS, &h).err(),
        Some(CryptoError::Malformed)
    );
}

#[test]
fn tampered_params_fail() {
    let (_, header) = test_root(PASS);
    let p = header.params;
    for params in [
        KdfParams {
            memory_kib: p.memory_kib * 2,
            ..p
        },
        KdfParams {
            iterations: p.iterations + 1,
            ..p
        },
        KdfParams {
            parallelism: p.parallelism + 1,
            ..p
        },
    ] {
        let h = KeyringHeader {
            params,
            ..header.clone()
        };
        assert_eq!(
            RootKey::unlock(PASS, &h).err(),
            Some(CryptoError::WrongPassphrase),
            "{params:?}"
        );
    }
}

#[test]
fn unknown_header_version_is_rejected() {
    let (_, header) = test_root(PASS);
    for version in [0, 2, 255] {
        let h = KeyringHeader {
            version,
            ..header.clone()
        };
        assert_eq!(
            RootKey::unlock(PASS, &h).err(),
            Some(CryptoError::UnsupportedVersion(version))
        );
    }
}

#[test]
fn short_salt_is_rejected() {
    let (_, header) = test_root(PASS);
    for len in [0, 8, 15] {
        let mut h = header.clone();
        h.salt.truncate(len);
        assert!(
            matches!(
                RootKey::unlock(PASS, &h),
                Err(CryptoError::InvalidParams(_))
            ),
            "salt length {len}"
        );
    }
}

#[test]
fn invalid_params_are_rejected_at_create_and_unlock() {
    let ok = KdfParams::INSECURE_FAST_FOR_TESTS;
    let (_, header) = test_root(PASS);
    for bad in [
        KdfParams {
            memory_kib: 0,
            ..ok
        },
        KdfParams {
            memory_kib: 7,
            ..ok
        },
        KdfParams {
            memory_kib: 8,
            parallelism: 2,
            ..ok
        },
        KdfParams {
            iterations: 0,
            ..ok
        },
        KdfParams {
            iterations: u32::MAX,
            ..ok
        },
        KdfParams {
            parallelism: 0,
            ..ok
        },
        KdfParams {
            parallelism: u32::MAX,
            ..ok
        },
        KdfParams {
            memory_kib: u32::MAX,
            ..ok
        },
    ] {
        assert!(
            matches!(
                RootKey::create(PASS, bad),
                Err(CryptoError::InvalidParams(_))
            ),
            "create with {bad:?}"
        );
        let h = KeyringHeader {
            params: bad,
            ..header.clone()
        };
        assert!(
            matches!(
                RootKey::unlock(PASS, &h),
                Err(CryptoError::InvalidParams(_))
            ),
            "unlock with {bad:?}"
        );
    }
}

#[test]
fn default_params_work() {
    let (root, header) = RootKey::create(PASS, KdfParams::DEFAULT).expect("create");
    assert_eq!(
        header.params,
        KdfParams {
            memory_kib: 65536,
            iterations: 3,
            parallelism: 1
        }
    );
    let unlocked = RootKey::unlock(PASS, &header).expect("unlock");
    assert!(same_key(&root, &unlocked));
    assert_eq!(
        RootKey::unlock(b"not it", &header).err(),
        Some(CryptoError::WrongPassphrase)
    );
}

#[test]
fn header_survives_serialisation() {
    let (root, header) = test_root(PASS);
    let json = serde_json::to_string(&header).unwrap();
    let back: KeyringHeader = serde_json::from_str(&json).unwrap();
    assert_eq!(back, header);
    assert!(same_key(&RootKey::unlock(PASS, &back).unwrap(), &root));
    let params: KdfParams =
        serde_json::from_str(r#"{"memory_kib":65536,"iterations":3,"parallelism":1}"#).unwrap();
    assert_eq!(params, KdfParams::DEFAULT);
}
