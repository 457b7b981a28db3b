//! Account passwords: Argon2id hashes in the PHC string format, and the password policy.
//!
//! A [`PasswordHash`] carries its own salt and parameters (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
//! so raising [`PasswordParams::DEFAULT`] later does not break stored hashes. Verification
//! compares the outputs in constant time (the `password-hash` crate's `Output` equality), and
//! refuses stored parameters beyond sane bounds, so an altered row cannot make a login allocate
//! without limit.

use std::fmt;

use argon2::password_hash::{self, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore as _;

use crate::error::CryptoError;

/// Argon2id parameters for account passwords. Not the root key's [`KdfParams`]: a login runs
/// on every sign-in, possibly many at once, so it is cheaper than unsealing the server.
///
/// [`KdfParams`]: crate::KdfParams
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Number of passes over the memory.
    pub iterations: u32,
    /// Number of lanes.
    pub parallelism: u32,
}

impl PasswordParams {
    /// Production parameters: 19 MiB, 2 iterations, 1 lane (OWASP's recommended Argon2id
    /// configuration for password storage).
    pub const DEFAULT: PasswordParams = PasswordParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// Cheap parameters (1 MiB, 1 iteration, 1 lane) for tests only. Hashes made with them
    /// fall quickly to an offline guessing attack.
    pub const INSECURE_FAST_FOR_TESTS: PasswordParams = PasswordParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    /// Upper bound on `memory_kib` (1 GiB) accepted from a stored hash.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// Upper bound on `iterations` accepted from a stored hash.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Upper bound on `parallelism` accepted from a stored hash.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Checks that Argon2id can run with these parameters and that they are within bounds.
    pub fn validate(&self) -> Result<(), CryptoError> {
        let invalid = |why| Err(CryptoError::InvalidParams(why));
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return invalid("password hash parallelism out of range");
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return invalid("password hash iterations out of range");
        }
        if self.memory_kib < 8 * self.parallelism || self.memory_kib > Self::MAX_MEMORY_KIB {
            return invalid("password hash memory out of range");
        }
        Ok(())
    }

    fn argon2(&self) -> Result<Argon2<'static>, CryptoError> {
        self.validate()?;
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|_| CryptoError::InvalidParams("rejected by Argon2"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// A stored password hash: an Argon2id PHC string. Not secret in the way a key is, but it can
/// be attacked offline, so `Debug` shows only that it is a hash.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Takes a stored PHC string back, checking that it is an Argon2id hash with a salt, an
    /// output and parameters within [`PasswordParams`]' bounds.
    pub fn from_stored(phc: String) -> Result<PasswordHash, CryptoError> {
        parse_checked(&phc)?;
        Ok(PasswordHash(phc))
    }

    /// The PHC string to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The parameters this hash was made with.
    pub fn params(&self) -> Result<PasswordParams, CryptoError> {
        Ok(parse_checked(&self.0)?.1)
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(argon2id)")
    }
}

fn parse_checked(
    phc: &str,
) -> Result<(password_hash::PasswordHash<'_>, PasswordParams), CryptoError> {
    let malformed = CryptoError::InvalidParams("not an Argon2id password hash");
    let parsed = password_hash::PasswordHash::new(phc).map_err(|_| malformed)?;
    if parsed.algorithm != Algorithm::Argon2id.ident()
        || parsed.salt.is_none()
        || parsed.hash.is_none()
        || parsed.version != Some(Version::V0x13.into())
    {
        return Err(malformed);
    }
    let params = Params::try_from(&parsed).map_err(|_| malformed)?;
    let params = PasswordParams {
        memory_kib: params.m_cost(),
        iterations: params.t_cost(),
        parallelism: params.p_cost(),
    };
    params.validate()?;
    Ok((parsed, params))
}

/// Hashes a password with Argon2id and a fresh random 16-byte salt.
pub fn hash_password(password: &str, params: PasswordParams) -> Result<PasswordHash, CryptoError> {
    let argon2 = params.argon2()?;
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|_| CryptoError::InvalidParams("salt rejected by Argon2"))?;
    let hash = argon2
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| CryptoError::InvalidParams("rejected by Argon2"))?;
    Ok(PasswordHash(hash.to_string()))
}

/// Whether `password` matches `hash`. The comparison is constant-time; the work is the full
/// Argon2id computation at the hash's own parameters.
pub fn verify_password(password: &str, hash: &PasswordHash) -> Result<bool, CryptoError> {
    let (parsed, params) = parse_checked(&hash.0)?;
    let argon2 = params.argon2()?;
    match argon2.verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(password_hash::Error::Password) => Ok(false),
        Err(_) => Err(CryptoError::InvalidParams("rejected by Argon2")),
    }
}

/// Does the work of one verification and throws it away: called when the account does not
/// exist, so that an unknown username takes as long to refuse as a wrong password.
pub fn waste_password_work(password: &str, params: PasswordParams) {
    let _ = hash_password(password, params);
}

/// Why a new password was refused. Each names the rule; none repeats the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("the password must be at least {min} characters long")]
    TooShort { min: usize },
    #[error("the password must be at most {max} characters long")]
    TooLong { max: usize },
    #[error("the password must not be the username")]
    SameAsUsername,
}

/// What a new password must satisfy: long enough to resist guessing, short enough not to make
/// hashing a denial of service, and not the username.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters (Unicode scalar values).
    pub min_chars: usize,
    /// Most characters (Unicode scalar values).
    pub max_chars: usize,
}

impl PasswordPolicy {
    /// At least 12 and at most 1024 characters.
    pub const DEFAULT: PasswordPolicy = PasswordPolicy {
        min_chars: 12,
        max_chars: 1024,
    };

    /// Checks a new password for the account `username`.
    pub fn check(&self, password: &str, username: &str) -> Result<(), PasswordPolicyError> {
        let chars = password.chars().count();
        if chars < self.min_chars {
            return Err(PasswordPolicyError::TooShort {
                min: self.min_chars,
            });
        }
        if chars > self.max_chars {
            return Err(PasswordPolicyError::TooLong {
                max: self.max_chars,
            });
        }
        if password.trim().eq_ignore_ascii_case(username.trim()) {
            return Err(PasswordPolicyError::SameAsUsername);
        }
        Ok(())
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: PasswordParams = PasswordParams::INSECURE_FAST_FOR_TESTS;

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let hash = hash_password("correct horse battery", FAST).unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(verify_password("correct horse battery", &hash).unwrap());
        assert!(!verify_password("correct horse batterx", &hash).unwrap());
        assert!(!verify_password("", &hash).unwrap());
        assert_eq!(hash.params().unwrap(), FAST);
        let again = hash_password("correct horse battery", FAST).unwrap();
        assert_ne!(hash, again, "fresh salt every time");
        let back = PasswordHash::from_stored(hash.as_str().to_owned()).unwrap();
        assert!(verify_password("correct horse battery", &back).unwrap());
    }

    #[test]
    fn debug_hides_the_hash() {
        let hash = hash_password("correct horse battery", FAST).unwrap();
        assert_eq!(format!("{hash:?}"), "PasswordHash(argon2id)");
    }

    #[test]
    fn default_parameters_are_valid_and_strong() {
        assert_eq!(PasswordParams::DEFAULT.validate(), Ok(()));
        const { assert!(PasswordParams::DEFAULT.memory_kib >= 19 * 1024) };
        assert_eq!(FAST.validate(), Ok(()));
    }

    #[test]
    fn stored_hashes_out_of_bounds_or_of_another_kind_are_refused() {
        let ok = hash_password("correct horse battery", FAST).unwrap();
        let with = |from: &str, to: &str| ok.as_str().replacen(from, to, 1);
        for bad in [
            String::new(),
            "plaintext password".to_owned(),
            with("argon2id", "argon2i"),
            with("argon2id", "argon2d"),
            with("m=1024", "m=2097152"),
            with("t=1", "t=65"),
            with("p=1", "p=17"),
            with("v=19", "v=16"),
            "$argon2id$v=19$m=1024,t=1,p=1".to_owned(),
        ] {
            assert!(PasswordHash::from_stored(bad.clone()).is_err(), "{bad}");
        }
        // A stored value tampered after loading is refused at verification too.
        let tampered = PasswordHash(with("m=1024", "m=4194304"));
        assert!(verify_password("correct horse battery", &tampered).is_err());
    }

    #[test]
    fn policy_names_the_rule_and_never_the_password() {
        let policy = PasswordPolicy::DEFAULT;
        assert_eq!(policy.check("twelve chars", "alice"), Ok(()));
        assert_eq!(
            policy.check("eleven char", "alice"),
            Err(PasswordPolicyError::TooShort { min: 12 })
        );
        // Characters, not bytes: twelve Cyrillic letters are enough, eleven are not.
        assert_eq!(policy.check(&"ж".repeat(12), "alice"), Ok(()));
        assert!(policy.check(&"ж".repeat(11), "alice").is_err());
        assert_eq!(policy.check(&"x".repeat(1024), "alice"), Ok(()));
        assert_eq!(
            policy.check(&"x".repeat(1025), "alice"),
            Err(PasswordPolicyError::TooLong { max: 1024 })
        );
        assert_eq!(
            policy.check("Alice.Liddell-1865", "alice.liddell-1865"),
            Err(PasswordPolicyError::SameAsUsername)
        );
        for err in [
            policy.check("SECRET", "u").unwrap_err(),
            policy
                .check("SECRET-SECRET-SECRET", "secret-secret-secret")
                .unwrap_err(),
        ] {
            assert!(!err.to_string().contains("SECRET"));
            assert!(!format!("{err:?}").contains("SECRET"));
        }
        assert_eq!(
            policy.check("short", "u").unwrap_err().to_string(),
            "the password must be at least 12 characters long"
        );
    }
}
