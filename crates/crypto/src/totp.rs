//! Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, which is
//! what every authenticator app speaks.
//!
//! The secret is 20 random bytes, shown once at enrolment as base32 (RFC 4648, no padding)
//! inside an `otpauth://` URI and its QR code, and stored sealed under the root key.
//! Verification accepts the previous, current and next step (clock drift) and returns the step
//! that matched: the caller stores it and refuses any step at or before it, so a code cannot be
//! used twice.

use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha1::Sha1;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::error::CryptoError;

/// Seconds per step.
pub const TOTP_STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const TOTP_DIGITS: u32 = 6;
/// Bytes in a new secret (the HMAC-SHA1 block-friendly size RFC 4226 recommends).
pub const TOTP_SECRET_LEN: usize = 20;
/// Steps either side of the current one that are accepted.
const DRIFT_STEPS: i64 = 1;
/// Issuer shown by authenticator apps.
const ISSUER: &str = "Corridor";

/// A TOTP secret. Not `Clone`, not `Debug`; wiped when dropped.
///
/// ```compile_fail,E0277
/// let secret = corridor_crypto::TotpSecret::generate();
/// println!("{secret:?}");
/// ```
///
/// ```compile_fail,E0599
/// let secret = corridor_crypto::TotpSecret::generate();
/// let _ = secret.clone();
/// ```
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl TotpSecret {
    /// 20 bytes from the operating system's RNG.
    pub fn generate() -> TotpSecret {
        let mut bytes = Zeroizing::new(vec![0u8; TOTP_SECRET_LEN]);
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// A secret from its bytes (an opened sealed value). Between 10 and 64 bytes.
    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Result<TotpSecret, CryptoError> {
        if !(10..=64).contains(&bytes.len()) {
            return Err(CryptoError::Malformed);
        }
        Ok(TotpSecret(bytes))
    }

    /// A secret from its base32 text, as an authenticator app shows it (case and spaces are
    /// ignored).
    pub fn from_base32(text: &str) -> Result<TotpSecret, CryptoError> {
        let bytes = base32_decode(text).ok_or(CryptoError::Malformed)?;
        TotpSecret::from_bytes(bytes)
    }

    /// The bytes, to seal for storage.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base32 text (RFC 4648 alphabet, no padding) for typing into an authenticator app.
    pub fn to_base32(&self) -> Zeroizing<String> {
        base32_encode(&self.0)
    }

    /// `otpauth://totp/Corridor:{account}?secret=…&issuer=Corridor`, the enrolment URI that
    /// authenticator apps read from a QR code. It contains the secret.
    pub fn otpauth_uri(&self, account: &str) -> Zeroizing<String> {
        let secret = self.to_base32();
        let mut uri = Zeroizing::new(String::with_capacity(64 + account.len() * 3 + secret.len()));
        uri.push_str("otpauth://totp/");
        uri.push_str(ISSUER);
        uri.push(':');
        percent_encode_into(account, &mut uri);
        uri.push_str("?secret=");
        uri.push_str(&secret);
        uri.push_str("&issuer=");
        uri.push_str(ISSUER);
        uri
    }

    /// The 6-digit code of a step, as an authenticator app would show it.
    pub fn code_for_step(&self, step: i64) -> Zeroizing<String> {
        self.code_with_digits(step, TOTP_DIGITS)
    }

    /// The 6-digit code at a moment (seconds since the Unix epoch); `None` before 1970.
    pub fn code_at(&self, unix_seconds: i64) -> Option<Zeroizing<String>> {
        step_at(unix_seconds).map(|step| self.code_for_step(step))
    }

    fn code_with_digits(&self, step: i64, digits: u32) -> Zeroizing<String> {
        let value = hotp(&self.0, step, digits);
        Zeroizing::new(format!("{value:0width$}", width = digits as usize))
    }

    /// Checks `code` at `unix_seconds`, accepting the step before and after the current one,
    /// but never a step at or before `last_used_step`. Returns the step that matched, which the
    /// caller must store (atomically, refusing a step not after the stored one) before it
    /// accepts the login. Spaces in the code are ignored; anything but 6 digits is refused.
    pub fn verify(
        &self,
        code: &str,
        unix_seconds: i64,
        last_used_step: Option<i64>,
    ) -> Option<i64> {
        let code: Zeroizing<Vec<u8>> =
            Zeroizing::new(code.bytes().filter(|b| !b.is_ascii_whitespace()).collect());
        if code.len() != TOTP_DIGITS as usize || !code.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let now = step_at(unix_seconds)?;
        let mut matched = None;
        for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
            if step < 0 || last_used_step.is_some_and(|last| step <= last) {
                continue;
            }
            let expected = self.code_for_step(step);
            if bool::from(expected.as_bytes().ct_eq(&code)) && matched.is_none() {
                matched = Some(step);
            }
        }
        matched
    }
}

/// The step (30-second window since the Unix epoch) containing `unix_seconds`; `None` before
/// 1970.
pub fn step_at(unix_seconds: i64) -> Option<i64> {
    (unix_seconds >= 0).then_some(unix_seconds / TOTP_STEP_SECONDS)
}

/// HOTP (RFC 4226) with HMAC-SHA1 and dynamic truncation to `digits` decimal digits.
fn hotp(secret: &[u8], counter: i64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1>>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(&counter.to_be_bytes());
    let digest: Zeroizing<[u8; 20]> = Zeroizing::new(mac.finalize().into_bytes().into());
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// Renders `uri` as a QR code in SVG, ready to be placed inline in an HTML page (no XML
/// declaration). The image contains the secret: serve it once, with `Cache-Control: no-store`.
pub fn totp_qr_svg(uri: &str) -> Result<String, CryptoError> {
    let code = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| CryptoError::InvalidInput("too long for a QR code"))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
fn base32_encode(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(bytes.len().div_ceil(5) * 8));
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[usize::from((buffer >> bits) & 0x1f)],
            ));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[usize::from((buffer << (5 - bits)) & 0x1f)],
        ));
    }
    out
}

/// RFC 4648 base32, case-insensitive, ignoring spaces and trailing `=` padding. `None` on any
/// other character or on leftover bits that are not zero (a non-canonical encoding).
fn base32_decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() * 5 / 8));
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    let trimmed = text.trim_end_matches(|c: char| c == '=' || c.is_ascii_whitespace());
    for c in trimmed.bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        let value = BASE32_ALPHABET.iter().position(|&a| a == upper)?;
        buffer = (buffer << 5) | u16::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    // At most 4 leftover bits, all zero, in a canonical encoding.
    (bits < 5 && buffer == 0).then_some(out)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode_into(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 0xf)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890".
    const RFC_SEED: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: &[(i64, &str)] = &[
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(Zeroizing::new(RFC_SEED.to_vec())).unwrap()
    }

    #[test]
    fn rfc_6238_sha1_vectors() {
        let secret = rfc_secret();
        for (time, expected) in RFC_VECTORS {
            let step = step_at(*time).unwrap();
            assert_eq!(
                secret.code_with_digits(step, 8).as_str(),
                *expected,
                "T={time}"
            );
            // The 6-digit code is the last six digits of the 8-digit one.
            assert_eq!(secret.code_at(*time).unwrap().as_str(), &expected[2..]);
        }
    }

    #[test]
    fn rfc_4226_hotp_vectors() {
        // RFC 4226 appendix D, same seed, 6 digits, counters 0..9.
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SEED, counter as i64, 6), *value);
        }
    }

    #[test]
    fn verify_accepts_one_step_of_drift_and_returns_the_step() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_015;
        let step = step_at(now).unwrap();
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = secret.code_for_step(step + offset);
            let result = secret.verify(&code, now, None);
            if accepted {
                assert_eq!(result, Some(step + offset), "offset {offset}");
            } else if result.is_some() {
                // A different step's code may coincide by chance (1 in a million); then the
                // match must be a step within the window, never the far one.
                assert!((result.unwrap() - step).abs() <= 1);
            }
        }
    }

    #[test]
    fn verify_refuses_replays_and_malformed_codes() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_015;
        let step = step_at(now).unwrap();
        let code = secret.code_for_step(step);
        assert_eq!(secret.verify(&code, now, None), Some(step));
        assert_eq!(
            secret.verify(&code, now, Some(step)),
            None,
            "same step again"
        );
        assert_eq!(secret.verify(&code, now, Some(step + 1)), None);
        assert_eq!(secret.verify(&code, now, Some(step - 1)), Some(step));
        let next = secret.code_for_step(step + 1);
        assert_eq!(secret.verify(&next, now, Some(step)), Some(step + 1));

        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(secret.verify(&spaced, now, None), Some(step));
        for bad in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "-12345"] {
            assert_eq!(secret.verify(bad, now, None), None, "{bad}");
        }
        let eight = secret.code_with_digits(step, 8);
        assert_eq!(secret.verify(&eight, now, None), None);
        assert_eq!(secret.verify(&code, -1, None), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        // RFC 4648 section 10, without padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()).as_str(), encoded);
            assert_eq!(base32_decode(encoded).unwrap().as_slice(), plain.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap().as_slice(), b"foobar");
        assert_eq!(base32_decode("MZXW6YQ=").unwrap().as_slice(), b"foob");
        // Characters outside the alphabet; spare bits that are not zero ("MY" is the canonical
        // "f", "OI" the canonical end of "foobar"); a lone character, never a whole byte.
        for bad in ["MZXW1", "MZ!X", "MZ", "M", "MZXW6YTBOJ"] {
            assert!(base32_decode(bad).is_none(), "{bad}");
        }
        let secret = TotpSecret::generate();
        let text = secret.to_base32();
        assert_eq!(text.len(), 32);
        let back = TotpSecret::from_base32(&text).unwrap();
        assert_eq!(back.as_bytes(), secret.as_bytes());
    }

    #[test]
    fn secrets_have_sane_lengths() {
        assert_eq!(TotpSecret::generate().as_bytes().len(), 20);
        assert!(TotpSecret::from_bytes(Zeroizing::new(vec![1; 9])).is_err());
        assert!(TotpSecret::from_bytes(Zeroizing::new(vec![1; 65])).is_err());
        assert!(TotpSecret::from_base32("").is_err());
    }

    #[test]
    fn otpauth_uri_has_the_documented_shape() {
        let secret = rfc_secret();
        assert_eq!(
            secret.otpauth_uri("alice.b").as_str(),
            "otpauth://totp/Corridor:alice.b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Corridor"
        );
        assert!(
            secret
                .otpauth_uri("a b&c")
                .starts_with("otpauth://totp/Corridor:a%20b%26c?")
        );
    }

    #[test]
    fn qr_code_is_inline_svg() {
        let uri = TotpSecret::generate().otpauth_uri("alice");
        let svg = totp_qr_svg(&uri).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg:.80}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
        assert!(
            !svg.contains(&*uri),
            "the QR code encodes the URI; it does not spell it"
        );
        assert!(totp_qr_svg(&"x".repeat(5000)).is_err());
    }
}
