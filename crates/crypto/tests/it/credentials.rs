//! Account credentials through the public API: keyed digests, tokens, TOTP secrets, recovery
//! codes and password hashes keep their secrets out of `Debug` and errors.

use corridor_crypto::{
    PasswordParams, PasswordPolicy, RecoveryCodeHash, SecretToken, TokenDigest, TokenPurpose,
    TotpSecret, generate_recovery_codes, hash_password, verify_password,
};

use crate::test_root;

#[test]
fn keyed_digests_depend_on_the_root_key_the_purpose_and_the_data() {
    let (root, header) = test_root(b"passphrase one");
    let again = corridor_crypto::RootKey::unlock(b"passphrase one", &header).expect("unlock");
    let (other_root, _) = test_root(b"passphrase one"); // same passphrase, another salt
    let a = root.keyed_digest("login-throttle/account", b"alice");
    assert_eq!(
        a,
        again.keyed_digest("login-throttle/account", b"alice"),
        "deterministic"
    );
    assert_ne!(a, root.keyed_digest("login-throttle/address", b"alice"));
    assert_ne!(a, root.keyed_digest("login-throttle/account", b"alicf"));
    assert_ne!(
        a,
        other_root.keyed_digest("login-throttle/account", b"alice")
    );
    // The purpose and data boundary is part of the input.
    assert_ne!(root.keyed_digest("ab", b"c"), root.keyed_digest("a", b"bc"));
}

#[test]
fn token_digests_never_show_the_token() {
    let token = SecretToken::generate(TokenPurpose::Session);
    let digest = token.digest();
    let debug = format!("{digest:?}");
    assert!(!debug.contains(token.expose()), "{debug}");
    assert!(debug.len() < 30, "a short prefix only: {debug}");
    assert_eq!(
        TokenDigest::of_presented(TokenPurpose::Session, token.expose()),
        Some(digest)
    );
}

#[test]
fn totp_secrets_round_trip_through_sealing() {
    let (root, _) = test_root(b"passphrase");
    let secret = TotpSecret::generate();
    let at = corridor_crypto::FieldAddress::new("users", "totp_secret", "user-1");
    let sealed = root.seal(at, secret.as_bytes());
    assert!(!format!("{sealed:?}").contains(&*secret.to_base32()));
    let opened = TotpSecret::from_bytes(root.open(at, &sealed).expect("open")).expect("secret");
    assert_eq!(opened.to_base32(), secret.to_base32());
    let elsewhere = corridor_crypto::FieldAddress::new("users", "totp_secret", "user-2");
    assert!(root.open(elsewhere, &sealed).is_err(), "bound to its user");
}

#[test]
fn recovery_code_hashes_and_password_errors_hide_their_input() {
    let codes = generate_recovery_codes();
    for code in &codes {
        let debug = format!("{:?}", code.hash());
        assert!(!debug.contains(code.expose()), "{debug}");
        assert!(!debug.contains(&code.expose().replace('-', "")), "{debug}");
        assert_eq!(
            RecoveryCodeHash::of_presented(code.expose()),
            Some(code.hash())
        );
    }
    let err = PasswordPolicy::DEFAULT
        .check("SECRET-pw", "user")
        .expect_err("short");
    assert!(!format!("{err} {err:?}").contains("SECRET"));
    let hash = hash_password(
        "SECRET-password-long",
        PasswordParams::INSECURE_FAST_FOR_TESTS,
    )
    .expect("hash");
    assert!(!format!("{hash:?}").contains("SECRET"));
    assert!(verify_password("SECRET-password-long", &hash).expect("verify"));
}
