//! Recovery codes: single-use second factors for a lost authenticator.
//!
//! Ten codes are made at enrolment and shown once, as `xxxx-xxxx-xxxx` from an alphabet
//! without look-alike characters (no `0 o 1 l i`). Twelve characters from 31 give about 59
//! bits each, far beyond guessing under login throttling, so a plain SHA-256 digest (with a
//! purpose label) is a safe way to store them: only the [`RecoveryCodeHash`] is kept.

use std::fmt;

use rand::Rng as _;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// How many codes an enrolment makes.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Alphabet of recovery codes: digits and lowercase letters without `0 1 i l o`.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Characters in a code, not counting the hyphens.
const CODE_CHARS: usize = 12;
const GROUP: usize = 4;
const LABEL: &[u8] = b"corridor/v1/recovery-code";

/// A freshly made recovery code, to show once. Not `Clone`, not `Debug`; wiped when dropped.
///
/// ```compile_fail,E0277
/// let codes = corridor_crypto::generate_recovery_codes();
/// println!("{:?}", codes[0]);
/// ```
pub struct RecoveryCode(Zeroizing<String>);

impl RecoveryCode {
    /// The code as shown to its owner: `xxxx-xxxx-xxxx`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the store keeps in its place.
    pub fn hash(&self) -> RecoveryCodeHash {
        RecoveryCodeHash::of_presented(&self.0).expect("a generated code is well formed")
    }
}

/// Makes [`RECOVERY_CODE_COUNT`] new codes from the operating system's RNG.
pub fn generate_recovery_codes() -> Vec<RecoveryCode> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut code = Zeroizing::new(String::with_capacity(CODE_CHARS + 2));
            for i in 0..CODE_CHARS {
                if i > 0 && i % GROUP == 0 {
                    code.push('-');
                }
                code.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
            }
            RecoveryCode(code)
        })
        .collect()
}

/// The SHA-256 digest of a recovery code, the only form in which the store holds it. `Debug`
/// shows a short prefix only.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecoveryCodeHash([u8; 32]);

impl RecoveryCodeHash {
    /// The digest of a code typed by a user: case, spaces and hyphens are ignored. `None` if it
    /// is not shaped like a recovery code, so that malformed input is never looked up.
    pub fn of_presented(presented: &str) -> Option<RecoveryCodeHash> {
        let normalised: Zeroizing<Vec<u8>> = Zeroizing::new(
            presented
                .bytes()
                .filter(|b| !b.is_ascii_whitespace() && *b != b'-')
                .map(|b| b.to_ascii_lowercase())
                .collect(),
        );
        if normalised.len() != CODE_CHARS || !normalised.iter().all(|b| ALPHABET.contains(b)) {
            return None;
        }
        let mut hasher = Sha256::new();
        hasher.update(LABEL);
        hasher.update([0u8]);
        hasher.update(&*normalised);
        Some(RecoveryCodeHash(hasher.finalize().into()))
    }

    /// Whether `presented` is shaped like a recovery code (rather than, say, a TOTP code).
    pub fn looks_like_recovery_code(presented: &str) -> bool {
        Self::of_presented(presented).is_some()
    }

    /// Takes stored bytes back.
    pub fn from_bytes(bytes: &[u8]) -> Option<RecoveryCodeHash> {
        bytes.try_into().ok().map(RecoveryCodeHash)
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for RecoveryCodeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecoveryCodeHash({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ten_distinct_codes_in_the_documented_shape() {
        let codes = generate_recovery_codes();
        assert_eq!(codes.len(), 10);
        let distinct: HashSet<_> = codes.iter().map(|c| c.expose().to_owned()).collect();
        assert_eq!(distinct.len(), 10);
        for code in &codes {
            let text = code.expose();
            assert_eq!(text.len(), 14);
            let groups: Vec<_> = text.split('-').collect();
            assert_eq!(groups.len(), 3);
            assert!(groups.iter().all(|g| g.len() == 4));
            assert!(
                text.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| ALPHABET.contains(&b))
            );
        }
    }

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in b"01ilo" {
            assert!(!ALPHABET.contains(c));
        }
        assert_eq!(ALPHABET.len(), 31);
    }

    #[test]
    fn typing_variants_hash_alike_and_malformed_input_is_refused() {
        let code = &generate_recovery_codes()[0];
        let hash = code.hash();
        let plain = code.expose().replace('-', "");
        for typed in [
            code.expose().to_owned(),
            code.expose().to_ascii_uppercase(),
            plain.clone(),
            format!(" {} {} {} ", &plain[..4], &plain[4..8], &plain[8..]),
        ] {
            assert_eq!(
                RecoveryCodeHash::of_presented(&typed),
                Some(hash),
                "{typed}"
            );
        }
        for bad in [
            "",
            "123456",
            "abcd-efgh-jkm",
            "abcd-efgh-jkmnp",
            "abcd-efgh-jk0n",
        ] {
            assert_eq!(RecoveryCodeHash::of_presented(bad), None, "{bad}");
            assert!(!RecoveryCodeHash::looks_like_recovery_code(bad));
        }
        let other = &generate_recovery_codes()[0];
        assert_ne!(other.hash(), hash);
        assert_eq!(RecoveryCodeHash::from_bytes(hash.as_bytes()), Some(hash));
        assert!(!format!("{hash:?}").contains(&plain));
    }
}
