//! Validation shared by the free-text fields that carry an invariant.

use serde::{Deserialize, Deserializer};

/// Why a piece of text was rejected. Messages never repeat the text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

/// Trims `text` and checks it is non-empty, at most `max` characters long, and free of control
/// characters (newlines and tabs are allowed when `multiline`).
pub(crate) fn clean(text: &str, max: usize, multiline: bool) -> Result<String, TextError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    let bad = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\t' | '\r'));
    if trimmed.chars().any(bad) {
        return Err(TextError::ControlCharacter);
    }
    Ok(trimmed.to_owned())
}

/// Text validated by [`clean`] during deserialisation, so that the error's path points at the
/// text field itself. Used inside the raw shapes that validating types deserialise from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Text<const MAX: usize, const MULTILINE: bool>(pub(crate) String);

impl<const MAX: usize, const MULTILINE: bool> TryFrom<String> for Text<MAX, MULTILINE> {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        clean(&value, MAX, MULTILINE).map(Self)
    }
}

impl<const MAX: usize, const MULTILINE: bool> serde::Serialize for Text<MAX, MULTILINE> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, const MAX: usize, const MULTILINE: bool> Deserialize<'de> for Text<MAX, MULTILINE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::try_from(raw).map_err(serde::de::Error::custom)
    }
}

/// Implements `Serialize` as a string (via `Display`) and `Deserialize` from a string (via
/// `FromStr`), for newtypes whose `FromStr` error never echoes its input.
macro_rules! serde_via_str {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use serde_via_str;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_and_checks() {
        assert_eq!(clean("  a b ", 10, false).unwrap(), "a b");
        assert_eq!(clean("   ", 10, false), Err(TextError::Empty));
        assert_eq!(clean("", 10, false), Err(TextError::Empty));
        assert_eq!(clean("abcd", 3, false), Err(TextError::TooLong { max: 3 }));
        // Characters, not bytes.
        assert_eq!(clean("жжж", 3, false).unwrap(), "жжж");
        assert_eq!(clean("a\nb", 10, false), Err(TextError::ControlCharacter));
        assert_eq!(clean("a\nb", 10, true).unwrap(), "a\nb");
        assert_eq!(clean("a\u{0}b", 10, true), Err(TextError::ControlCharacter));
    }
}
