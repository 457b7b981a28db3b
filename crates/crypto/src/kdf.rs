//! Passphrase to root key: Argon2id.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::error::CryptoError;
use crate::secret::{KEY_LEN, KeyMaterial};

/// Shortest salt accepted, in bytes. New keyrings get exactly this many random bytes.
pub(crate) const MIN_SALT_LEN: usize = 16;
/// Longest salt accepted, in bytes.
pub(crate) const MAX_SALT_LEN: usize = 64;

/// Argon2id parameters; public, stored in the database beside the salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Number of passes over the memory.
    pub iterations: u32,
    /// Number of lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// Production parameters: 64 MiB, 3 iterations, 1 lane.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Cheap parameters (1 MiB, 1 iteration, 1 lane) for tests only. A keyring created with
    /// them falls quickly to an offline guessing attack.
    pub const INSECURE_FAST_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    /// Upper bound on `memory_kib` (4 GiB), so a corrupted header cannot make unlocking
    /// allocate without limit.
    pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    /// Upper bound on `iterations`, so a corrupted header cannot make unlocking run for ever.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Upper bound on `parallelism`.
    pub const MAX_PARALLELISM: u32 = 64;

    /// Checks that Argon2id can run with these parameters and that they are within the bounds
    /// above. Says nothing about whether they are strong enough.
    pub fn validate(&self) -> Result<(), CryptoError> {
        let invalid = |why| Err(CryptoError::InvalidParams(why));
        if self.parallelism == 0 {
            return invalid("parallelism must be at least 1");
        }
        if self.parallelism > Self::MAX_PARALLELISM {
            return invalid("parallelism above the maximum");
        }
        if self.iterations == 0 {
            return invalid("iterations must be at least 1");
        }
        if self.iterations > Self::MAX_ITERATIONS {
            return invalid("iterations above the maximum");
        }
        // parallelism <= 64 here, so this cannot overflow.
        if self.memory_kib < 8 * self.parallelism {
            return invalid("memory must be at least 8 KiB per lane");
        }
        if self.memory_kib > Self::MAX_MEMORY_KIB {
            return invalid("memory above the maximum");
        }
        Ok(())
    }

    fn argon2(&self) -> Result<Argon2<'static>, CryptoError> {
        self.validate()?;
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|_| CryptoError::InvalidParams("rejected by Argon2"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Checks a salt's length.
pub(crate) fn check_salt(salt: &[u8]) -> Result<(), CryptoError> {
    if salt.len() < MIN_SALT_LEN {
        return Err(CryptoError::InvalidParams("salt shorter than 16 bytes"));
    }
    if salt.len() > MAX_SALT_LEN {
        return Err(CryptoError::InvalidParams("salt longer than 64 bytes"));
    }
    Ok(())
}

/// Derives 32 bytes of key material from a passphrase with Argon2id, writing straight into a
/// buffer that is wiped on drop.
pub(crate) fn derive_key(
    passphrase: &[u8],
    salt: &[u8],
    params: &KdfParams,
) -> Result<KeyMaterial, CryptoError> {
    check_salt(salt)?;
    let argon2 = params.argon2()?;
    let mut key = KeyMaterial::zeroed();
    argon2
        .hash_password_into(passphrase, salt, key.bytes_mut())
        .map_err(|_| CryptoError::InvalidParams("rejected by Argon2"))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: [u8; 16] = [1; 16];

    #[test]
    fn shipped_parameters_are_valid() {
        assert_eq!(KdfParams::DEFAULT.validate(), Ok(()));
        assert_eq!(KdfParams::INSECURE_FAST_FOR_TESTS.validate(), Ok(()));
        assert_eq!(KdfParams::DEFAULT.memory_kib, 65536);
        assert_eq!(KdfParams::DEFAULT.iterations, 3);
        assert_eq!(KdfParams::DEFAULT.parallelism, 1);
    }

    #[test]
    fn out_of_range_parameters_are_rejected() {
        let ok = KdfParams::INSECURE_FAST_FOR_TESTS;
        for bad in [
            KdfParams {
                parallelism: 0,
                ..ok
            },
            KdfParams {
                parallelism: KdfParams::MAX_PARALLELISM + 1,
                ..ok
            },
            KdfParams {
                parallelism: u32::MAX,
                ..ok
            },
            KdfParams {
                iterations: 0,
                ..ok
            },
            KdfParams {
                iterations: KdfParams::MAX_ITERATIONS + 1,
                ..ok
            },
            KdfParams {
                memory_kib: 0,
                ..ok
            },
            KdfParams {
                memory_kib: 7,
                ..ok
            },
            KdfParams {
                memory_kib: 15,
                parallelism: 2,
                ..ok
            },
            KdfParams {
                memory_kib: KdfParams::MAX_MEMORY_KIB + 1,
                ..ok
            },
        ] {
            assert!(
                matches!(bad.validate(), Err(CryptoError::InvalidParams(_))),
                "{bad:?} accepted"
            );
            assert!(matches!(
                derive_key(b"pw", &SALT, &bad),
                Err(CryptoError::InvalidParams(_))
            ));
        }
        let smallest = KdfParams {
            memory_kib: 16,
            iterations: 1,
            parallelism: 2,
        };
        assert_eq!(smallest.validate(), Ok(()));
    }

    #[test]
    fn salt_length_is_checked() {
        let params = KdfParams::INSECURE_FAST_FOR_TESTS;
        for len in [0, 8, 15, 65] {
            assert!(matches!(
                derive_key(b"pw", &vec![0; len], &params),
                Err(CryptoError::InvalidParams(_))
            ));
        }
        for len in [16, 64] {
            assert!(derive_key(b"pw", &vec![0; len], &params).is_ok());
        }
    }

    #[test]
    fn derivation_is_deterministic_and_depends_on_every_input() {
        let p = KdfParams::INSECURE_FAST_FOR_TESTS;
        let base = derive_key(b"pw", &SALT, &p).unwrap();
        assert_eq!(base.bytes(), derive_key(b"pw", &SALT, &p).unwrap().bytes());
        assert_ne!(base.bytes(), derive_key(b"pX", &SALT, &p).unwrap().bytes());
        assert_ne!(
            base.bytes(),
            derive_key(b"pw", &[2; 16], &p).unwrap().bytes()
        );
        let more = KdfParams { iterations: 2, ..p };
        assert_ne!(
            base.bytes(),
            derive_key(b"pw", &SALT, &more).unwrap().bytes()
        );
    }

    #[test]
    fn matches_argon2id_directly() {
        // Guards against silently switching algorithm, version or output length.
        let p = KdfParams::INSECURE_FAST_FOR_TESTS;
        let mut expected = [0u8; KEY_LEN];
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, Some(32)).unwrap(),
        )
        .hash_password_into(b"pw", &SALT, &mut expected)
        .unwrap();
        assert_eq!(derive_key(b"pw", &SALT, &p).unwrap().bytes(), &expected);
    }
}
