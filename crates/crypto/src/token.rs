//! Bearer tokens (session cookies, pending logins, API tokens) and the digests stored in their
//! place.
//!
//! A token is 32 random bytes, shown once as 64 lowercase hex characters. The store keeps only
//! its [`TokenDigest`], SHA-256 over a purpose label and the token, so a copy of the database
//! grants no session, and a token made for one purpose never matches a digest of another.

use std::fmt;

use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// What a token is for; part of its digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// A signed-in session (the session cookie).
    Session,
    /// A login whose password was right and that still needs its second factor.
    PendingLogin,
    /// A token for the JSON API.
    Api,
    /// The anti-forgery cookie of a public form (self-referral), which has no session.
    FormGuard,
}

impl TokenPurpose {
    const fn label(self) -> &'static [u8] {
        match self {
            TokenPurpose::Session => b"corridor/v1/token/session",
            TokenPurpose::PendingLogin => b"corridor/v1/token/pending-login",
            TokenPurpose::Api => b"corridor/v1/token/api",
            TokenPurpose::FormGuard => b"corridor/v1/token/form-guard",
        }
    }
}

/// Random bytes in a token.
const TOKEN_BYTES: usize = 32;
/// Characters in a token's text form.
pub const TOKEN_CHARS: usize = 2 * TOKEN_BYTES;

/// A freshly made bearer token. Shown to its holder once (a cookie, a page); never stored.
///
/// Not `Clone`, not `Debug`; the text is wiped when dropped.
///
/// ```compile_fail,E0277
/// let token = corridor_crypto::SecretToken::generate(corridor_crypto::TokenPurpose::Session);
/// println!("{token:?}");
/// ```
pub struct SecretToken {
    text: Zeroizing<String>,
    purpose: TokenPurpose,
}

impl SecretToken {
    /// 32 bytes from the operating system's RNG.
    pub fn generate(purpose: TokenPurpose) -> SecretToken {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        let mut text = Zeroizing::new(String::with_capacity(TOKEN_CHARS));
        for byte in bytes.iter() {
            text.push(hex_digit(byte >> 4));
            text.push(hex_digit(byte & 0xf));
        }
        SecretToken { text, purpose }
    }

    /// The token as handed to its holder: 64 lowercase hex characters.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// What the store keeps in the token's place.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest::compute(self.purpose, &self.text)
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0xf)])
}

/// The SHA-256 digest of a token, the only form in which the store holds it. `Debug` shows a
/// short prefix, enough to tell two apart in a test failure and useless to an attacker.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    /// The digest of a token presented by a client, for lookup. `None` if the text is not
    /// shaped like a token (64 lowercase hex characters), so malformed input is never looked up.
    pub fn of_presented(purpose: TokenPurpose, presented: &str) -> Option<TokenDigest> {
        let well_formed = presented.len() == TOKEN_CHARS
            && presented
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| TokenDigest::compute(purpose, presented))
    }

    fn compute(purpose: TokenPurpose, text: &str) -> TokenDigest {
        let mut hasher = Sha256::new();
        hasher.update(purpose.label());
        hasher.update([0u8]);
        hasher.update(text.as_bytes());
        TokenDigest(hasher.finalize().into())
    }

    /// Takes stored bytes back.
    pub fn from_bytes(bytes: &[u8]) -> Option<TokenDigest> {
        bytes.try_into().ok().map(TokenDigest)
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenDigest({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_their_digest_is_found_again() {
        let a = SecretToken::generate(TokenPurpose::Session);
        let b = SecretToken::generate(TokenPurpose::Session);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), TOKEN_CHARS);
        assert!(
            a.expose()
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(
            TokenDigest::of_presented(TokenPurpose::Session, a.expose()),
            Some(a.digest())
        );
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn purposes_do_not_mix() {
        let token = SecretToken::generate(TokenPurpose::PendingLogin);
        assert_ne!(
            TokenDigest::of_presented(TokenPurpose::Session, token.expose()),
            Some(token.digest())
        );
        assert_ne!(
            TokenDigest::of_presented(TokenPurpose::Api, token.expose()),
            Some(token.digest())
        );
    }

    #[test]
    fn malformed_tokens_are_not_looked_up() {
        let token = SecretToken::generate(TokenPurpose::Session);
        let upper = token.expose().to_ascii_uppercase();
        let short = &token.expose()[..63];
        let long = format!("{}0", token.expose());
        let spaced = format!(" {}", &token.expose()[1..]);
        for bad in ["", short, long.as_str(), spaced.as_str(), upper.as_str()] {
            if bad == token.expose() {
                continue; // the upper-cased form of an all-digit token
            }
            assert_eq!(TokenDigest::of_presented(TokenPurpose::Session, bad), None);
        }
        assert_eq!(
            TokenDigest::of_presented(TokenPurpose::Session, &"g".repeat(64)),
            None
        );
    }

    #[test]
    fn digests_round_trip_and_debug_shows_a_prefix_only() {
        let digest = SecretToken::generate(TokenPurpose::Session).digest();
        assert_eq!(TokenDigest::from_bytes(digest.as_bytes()), Some(digest));
        assert_eq!(TokenDigest::from_bytes(&[0; 31]), None);
        let debug = format!("{digest:?}");
        assert!(debug.len() < 24, "{debug}");
    }
}
