//! Property tests over arbitrary plaintexts and addresses.

use corridor_crypto::{CaseKey, CryptoError, FieldAddress, Sealed};
use proptest::prelude::*;

fn component() -> impl Strategy<Value = String> {
    // Short strings over a small alphabet make near-collisions (shifted boundaries) likely.
    prop_oneof!["[abc\\x00]{0,4}", any::<String>(),]
}

proptest! {
    #[test]
    fn open_inverts_seal_and_nonces_are_fresh(
        plaintext in proptest::collection::vec(any::<u8>(), 0..512),
        table in component(),
        column in component(),
        record in component(),
    ) {
        let key = CaseKey::generate();
        let at = FieldAddress::new(&table, &column, &record);
        let first = key.seal(at, &plaintext);
        let second = key.seal(at, &plaintext);
        prop_assert_eq!(&key.open(at, &first).unwrap()[..], &plaintext[..]);
        prop_assert_eq!(&key.open(at, &second).unwrap()[..], &plaintext[..]);
        prop_assert_ne!(first.as_bytes(), second.as_bytes());
        prop_assert_eq!(first.as_bytes().len(), plaintext.len() + 41);
    }

    #[test]
    fn another_address_never_opens(
        plaintext in proptest::collection::vec(any::<u8>(), 0..64),
        a in (component(), component(), component()),
        b in (component(), component(), component()),
    ) {
        prop_assume!(a != b);
        let key = CaseKey::generate();
        let sealed = key.seal(FieldAddress::new(&a.0, &a.1, &a.2), &plaintext);
        prop_assert_eq!(
            key.open(FieldAddress::new(&b.0, &b.1, &b.2), &sealed).err(),
            Some(CryptoError::OpenFailed)
        );
    }

    #[test]
    fn arbitrary_bytes_never_open(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        let key = CaseKey::generate();
        let at = FieldAddress::new("t", "c", "r");
        prop_assert!(Sealed::from_bytes(bytes).and_then(|s| key.open(at, &s)).is_err());
    }
}
