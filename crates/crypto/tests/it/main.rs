//! Integration tests of `corridor-crypto`'s public API. One binary; one module per area.

mod credentials;
mod format;
mod keyring;
mod leaks;
mod props;
mod seal;
mod signing;
mod wrap;

use corridor_crypto::{KdfParams, KeyringHeader, RootKey};

/// A root key and header with the cheap test parameters.
fn test_root(passphrase: &[u8]) -> (RootKey, KeyringHeader) {
    RootKey::create(passphrase, KdfParams::INSECURE_FAST_FOR_TESTS).expect("create")
}

/// Every variant of `bytes` with exactly one bit flipped.
fn single_bit_flips(bytes: &[u8]) -> impl Iterator<Item = (usize, Vec<u8>)> + '_ {
    (0..bytes.len()).flat_map(move |i| {
        (0..8).map(move |bit| {
            let mut v = bytes.to_vec();
            v[i] ^= 1 << bit;
            (i, v)
        })
    })
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2));
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}
